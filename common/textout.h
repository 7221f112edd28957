/*
 * textout.h: writing text safely into the machine formats: a CSV field,
 * XML text or an attribute value, a JSON string. Input is UTF-8; control
 * characters that a format cannot carry are dropped or escaped.
 */
#ifndef TALLY_TEXTOUT_H
#define TALLY_TEXTOUT_H

#include <stdio.h>

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or leading space. */
void csv_write_field(FILE *out, const char *s);

/* Text for XML content or a double-quoted attribute value; line breaks and tabs as references. */
void xml_write_escaped(FILE *out, const char *s);

/* A JSON string, quotes included. */
void json_write_string(FILE *out, const char *s);

#endif
