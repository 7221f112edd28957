#include "textout.h"

#include <string.h>

/*
 * Whether `s` is a plain decimal number ("-3", "0.25"): a spreadsheet reads
 * it as that number, never as a formula, so it needs no neutralising.
 */
static int plain_number(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	const char *digits = p;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == digits)
		return 0;
	if (*p == '.') {
		const char *frac = ++p;

		while (*p >= '0' && *p <= '9')
			p++;
		if (p == frac)
			return 0;
	}
	return !*p;
}

int csv_cell_is_risky(const char *s)
{
	return s[0] && strchr("=+-@\t\r", s[0]) && !plain_number(s);
}

void csv_write_field(FILE *out, const char *s)
{
	int risky = csv_cell_is_risky(s);

	if (!risky && !s[strcspn(s, ",;\"\t\r\n")] && s[0] != ' ') {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (risky)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void xml_write_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '&')
			fputs("&amp;", out);
		else if (ch == '<')
			fputs("&lt;", out);
		else if (ch == '>')
			fputs("&gt;", out);
		else if (ch == '"')
			fputs("&quot;", out);
		else if (ch == '\n' || ch == '\t')
			fprintf(out, "&#%d;", ch);
		else if (ch >= 0x20)
			fputc(ch, out);
		/* other control characters cannot appear in XML 1.0: dropped */
	}
}

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}
