#include "textout.h"

#include <string.h>

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
