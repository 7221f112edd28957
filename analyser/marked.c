/* marked.c: matched words marked, personal data redacted, on one line. */
#include "marked.h"

#include <stdlib.h>

#include "utf8.h"

int marked_print(const struct redactor *rd, const char *text, size_t n,
		 const struct mark_span *spans, size_t ns, size_t max, FILE *out)
{
	struct redact_span *red = NULL;
	unsigned char *in = calloc(n + 1, 1);
	size_t nred = 0, k = 0, from = 0, stop = n;
	int open = 0;

	if (!in || redactor_find(rd, text, n, &red, &nred) < 0) {
		free(in);
		return -1;
	}
	for (size_t s = 0; s < ns; s++)
		for (size_t i = spans[s].start; i < spans[s].end && i < n; i++)
			in[i] = 1;
	if (max && max < n) {
		size_t first = n;

		for (size_t s = 0; s < ns; s++)
			if (spans[s].start < first)
				first = spans[s].start;
		/* Start a third of the way back from the first span when it would not show. */
		if (first < n && first + 20 > max) {
			from = first > max / 3 ? first - max / 3 : 0;
			while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
				from--;
			/* Not inside a redacted item: from its start. */
			for (size_t r = 0; r < nred; r++)
				if (red[r].start < from && from < red[r].end)
					from = red[r].start;
		}
		stop = from + utf8_prefix(text + from, n - from, max);
		if (from)
			fputs("...", out);
	}
	for (size_t i = from; i < stop;) {
		size_t end = i + 1;
		int want = in[i];

		while (k < nred && red[k].end <= i)
			k++;
		if (k < nred && red[k].start == i) {
			end = red[k].end;
			for (size_t j = i; j < end; j++)
				want |= in[j];
		}
		if (want != open) {
			fputs(want ? "[[" : "]]", out);
			open = want;
		}
		if (end > i + 1 || (k < nred && red[k].start == i)) {
			fputs(redact_tag(red[k].kind), out);
		} else if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') {
			/* the \n that follows is the line break */
		} else if (text[i] == '\n' || text[i] == '\r') {
			fputs(" / ", out);
		} else {
			fputc(text[i], out);
		}
		i = end;
	}
	if (open)
		fputs("]]", out);
	if (stop < n)
		fputs("...", out);
	free(red);
	free(in);
	return 0;
}
