/*
 * fuzz_dates: reading the dates survey tools write (collector/dates.c).
 *
 * The input, as text, is read in every style. Whatever is accepted must
 * come out as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" naming a real day
 * (1900 to 2999) and a real time; read again as ISO (and as "auto") it must
 * give itself back; and written back the way each style writes dates
 * (dd/mm/yyyy, mm/dd/yyyy with a 12-hour clock, an Excel serial number) it
 * must read as the same moment. "auto" accepts what one of the explicit
 * styles accepts (or yyyy/mm/dd), and gives what that style gives.
 */
#include <assert.h>

#include "dates.h"
#include "fuzz.h"

static int leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Checks the form of an ISO result and reads its fields; 1 when it has a time. */
static int fields(const char *s, int f[6])
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t n = strlen(s);
	int has_time = n == 19;

	if (n != 10 && n != 19) {
		fprintf(stderr, "'%s': neither a date nor a date and time\n", s);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		char want = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : '0';

		if (want == '0' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != want) {
			fprintf(stderr, "'%s': not ISO 8601 at %zu\n", s, i);
			abort();
		}
	}
	memset(f, 0, 6 * sizeof *f);
	sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5]);
	if (f[0] < 1900 || f[0] > 2999 || f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > mdays[f[1] - 1] + (f[1] == 2 && leap(f[0])) || f[3] > 23 || f[4] > 59 ||
	    f[5] > 59) {
		fprintf(stderr, "'%s': not a real day and time\n", s);
		abort();
	}
	return has_time;
}

/* Days from 1899-12-30 to the date. */
static long serial(const int f[6])
{
	static const int before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	long d = 1; /* 1899-12-31 */

	for (int y = 1900; y < f[0]; y++)
		d += 365 + leap(y);
	return d + before[f[1] - 1] + (f[1] > 2 && leap(f[0])) + f[2];
}

/* Reads `text` in `style`: it must succeed and give `want` (times of 00:00:00 may be left off). */
static void same(const char *text, enum date_style style, const char *want, const char *how)
{
	char out[DATE_ISO_MAX];

	if (date_parse(text, style, out) != 0) {
		fprintf(stderr, "'%s' (%s, from '%s') not read back\n", text, how, want);
		abort();
	}
	if (strcmp(out, want) != 0 &&
	    !(strlen(want) == 19 && !strcmp(want + 10, "T00:00:00") && !strncmp(out, want, 10) &&
	      !out[10])) {
		fprintf(stderr, "'%s' (%s) read as '%s', not '%s'\n", text, how, out, want);
		abort();
	}
}

static void round_trip(const char *iso)
{
	char text[128];
	int f[6];
	int t = fields(iso, f);

	same(iso, DATE_ISO, iso, "ISO");
	same(iso, DATE_AUTO, iso, "ISO, auto");
	if (t)
		snprintf(text, sizeof text, "%02d/%02d/%04d %02d:%02d:%02d", f[2], f[1], f[0], f[3], f[4],
			 f[5]);
	else
		snprintf(text, sizeof text, "%02d/%02d/%04d", f[2], f[1], f[0]);
	same(text, DATE_DMY, iso, "dd/mm/yyyy");
	if (t)
		snprintf(text, sizeof text, "%02d/%02d/%04d %d:%02d:%02d %s", f[1], f[2], f[0],
			 f[3] % 12 ? f[3] % 12 : 12, f[4], f[5], f[3] < 12 ? "AM" : "PM");
	else
		snprintf(text, sizeof text, "%d/%d/%04d", f[1], f[2], f[0]);
	same(text, DATE_MDY, iso, "mm/dd/yyyy");
	/* Excel counts 1900-02-29, which never was: only later days are the same. */
	if (f[0] > 1900 || f[1] > 2) {
		long secs = f[3] * 3600L + f[4] * 60L + f[5];

		snprintf(text, sizeof text, "%ld.%010ld", serial(f),
			 (long)((double)secs / 86400.0 * 1e10 + 0.5));
		same(text, DATE_EXCEL, iso, "Excel");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum date_style styles[] = { DATE_ISO, DATE_DMY, DATE_MDY, DATE_EXCEL };
	char out[DATE_ISO_MAX], any[DATE_ISO_MAX];
	char *s;
	int ok_any, ok_one = 0;

	if (size > 256)
		return 0;
	s = fuzz_strndup(data, size);
	for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++) {
		memset(out, 0x7f, sizeof out);
		if (date_parse(s, styles[i], out) == 0) {
			assert(memchr(out, 0, sizeof out));
			round_trip(out);
		}
	}
	memset(any, 0x7f, sizeof any);
	ok_any = date_parse(s, DATE_AUTO, any) == 0;
	if (ok_any) {
		assert(memchr(any, 0, sizeof any));
		round_trip(any);
		/* What "auto" read, one of the styles it stands for reads the same. */
		for (size_t i = 0; i < sizeof styles / sizeof styles[0] && !ok_one; i++)
			ok_one = styles[i] != DATE_MDY && date_parse(s, styles[i], out) == 0 &&
				 !strcmp(out, any);
		if (!ok_one) {
			/* yyyy/mm/dd: the same as the ISO form with dashes. */
			char *dashed = strdup(s);
			char *p = dashed;

			if (!dashed)
				abort();
			while (*p == ' ')
				p++;
			if (strlen(p) >= 10 && p[4] == '/' && p[7] == '/')
				p[4] = p[7] = '-';
			ok_one = date_parse(dashed, DATE_ISO, out) == 0 && !strcmp(out, any);
			free(dashed);
		}
		if (!ok_one) {
			fprintf(stderr, "'%s' read as '%s' by auto, by no single style\n", s, any);
			abort();
		}
	}
	free(s);
	return 0;
}
