/*
 * textout.h: writing text safely into the machine formats: XML text or an
 * attribute value, a JSON string (a CSV field: csv_write_field() in csv.h).
 * Input is UTF-8; control characters that a format cannot carry are dropped
 * or escaped.
 */
#ifndef TALLY_TEXTOUT_H
#define TALLY_TEXTOUT_H

#include <stdio.h>

/* Text for XML content or a double-quoted attribute value; line breaks and tabs as references. */
void xml_write_escaped(FILE *out, const char *s);

/* A JSON string, quotes included. */
void json_write_string(FILE *out, const char *s);

#endif
