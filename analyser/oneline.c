/* oneline.c: free text on one line (see oneline.h). */
#include "oneline.h"

void oneline_print(const char *s, size_t n, FILE *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' || s[i] == '\r')
			fputs(" / ", out);
		else
			fputc(s[i], out);
	}
}
