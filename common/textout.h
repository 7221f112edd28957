/*
 * textout.h: writing text safely into the machine formats: a CSV field,
 * XML text or an attribute value, a JSON string. Input is UTF-8; control
 * characters that a format cannot carry are dropped or escaped.
 */
#ifndef TALLY_TEXTOUT_H
#define TALLY_TEXTOUT_H

#include <stdio.h>

/*
 * One CSV text field (RFC 4180): quoted when it holds a comma, semicolon,
 * quote, tab, line break or leading space. A field a spreadsheet would take
 * for a formula (starting with = + - @, tab or CR, and not a plain number)
 * is neutralised as OWASP's CSV injection guidance says: quoted, with a
 * ' in front, which the spreadsheet shows as text. Numbers the program
 * writes as numbers go out with printf, not through here.
 */
void csv_write_field(FILE *out, const char *s);

/* Whether csv_write_field() neutralises `s`: it could start a formula. */
int csv_cell_is_risky(const char *s);

/* Text for XML content or a double-quoted attribute value; line breaks and tabs as references. */
void xml_write_escaped(FILE *out, const char *s);

/* A JSON string, quotes included. */
void json_write_string(FILE *out, const char *s);

#endif
