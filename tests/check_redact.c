/* Redaction of personal data in quotes: the planted set, look-alikes, shapes, hostile input. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "redact.h"
#include "testutil.h"
#include "utf8.h"

enum { T_EMAIL, T_PHONE, T_NHS, T_POSTCODE, T_NAME, NTAGS };

static const char *const tags[NTAGS] = { "[email]", "[phone]", "[NHS number]", "[postcode]",
					 "[name]" };
static const char *const kinds[NTAGS] = { "email", "phone", "NHS number", "postcode", "name" };

static struct redactor *red;

static void setup(void)
{
	struct err e;

	err_init(&e);
	red = redactor_new(&e);
	ck_assert_msg(red != NULL, "%s", err_first(&e));
}

static void teardown(void)
{
	redactor_free(red);
	red = NULL;
}

/* The redacted copy of a NUL-terminated string; fails the test when out of memory. */
static char *redact(const char *s, struct redact_counts *c)
{
	char *out = redactor_apply(red, s, strlen(s), c);

	ck_assert_ptr_nonnull(out);
	return out;
}

/* The tag at `s`, or -1. */
static int tag_at(const char *s)
{
	for (int k = 0; k < NTAGS; k++)
		if (!strncmp(s, tags[k], strlen(tags[k])))
			return k;
	return -1;
}

static void count_tags(const char *s, long *per_kind)
{
	for (const char *p = strchr(s, '['); p; p = strchr(p + 1, '[')) {
		int k = tag_at(p);

		if (k >= 0)
			per_kind[k]++;
	}
}

/* -- the test set files ---------------------------------------------------- */

struct tsv_line {
	long line;
	char *input, *expected;   /* expected is NULL when the line has no tab */
};

/* Undoes \t, \n, \\ and \uXXXX (a character, written as UTF-8) in place. */
static void unescape(char *s, const char *file, long line)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		if (*p == 'u') {
			char hex[5] = { 0 }, *end;
			unsigned long c;

			memcpy(hex, p + 1, strnlen(p + 1, 4));
			c = strtoul(hex, &end, 16);
			ck_assert_msg(end == hex + 4 && c >= 0x80, "%s:%ld: bad \\u escape", file, line);
			if (c < 0x800) {
				*o++ = (char)(0xC0 | c >> 6);
			} else {
				*o++ = (char)(0xE0 | c >> 12);
				*o++ = (char)(0x80 | ((c >> 6) & 0x3F));
			}
			*o++ = (char)(0x80 | (c & 0x3F));
			p += 4;
		} else if (*p == 't')
			*o++ = '\t';
		else if (*p == 'n')
			*o++ = '\n';
		else if (*p == '\\')
			*o++ = '\\';
		else
			ck_abort_msg("%s:%ld: unknown escape \\%c", file, line, *p ? *p : '0');
	}
	*o = '\0';
}

/* Reads a test set: blank lines and lines starting with '#' are skipped. */
static struct tsv_line *read_tsv(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, alloc = 0;
	ssize_t got;
	long line = 0;
	struct tsv_line *v = NULL;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((got = getline(&buf, &cap, f)) >= 0) {
		char *tab;

		line++;
		while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
			buf[--got] = '\0';
		if (got == 0 || buf[0] == '#')
			continue;
		if (len == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			v = realloc(v, alloc * sizeof *v);
			ck_assert_ptr_nonnull(v);
		}
		tab = strchr(buf, '\t');
		if (tab)
			*tab = '\0';
		v[len].line = line;
		v[len].input = strdup(buf);
		v[len].expected = tab ? strdup(tab + 1) : NULL;
		ck_assert_ptr_nonnull(v[len].input);
		unescape(v[len].input, path, line);
		if (tab) {
			ck_assert_ptr_nonnull(v[len].expected);
			ck_assert_msg(!strchr(v[len].expected, '\t'), "%s:%ld: more than one tab",
				      path, line);
			unescape(v[len].expected, path, line);
		}
		len++;
	}
	free(buf);
	fclose(f);
	*n = len;
	return v;
}

static void free_tsv(struct tsv_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].input);
		free(v[i].expected);
	}
	free(v);
}

#define CONTEXT 10

/*
 * How many of the tags planted in `expected` are in `out` at their place:
 * each tag with up to CONTEXT bytes of the expected text either side of it
 * (not reaching into a neighbouring tag) must be found in `out`, in order.
 * So a tag that swallowed too little ("Dr [name] Salt") or too much, or
 * the wrong kind of tag, does not count.
 */
static void score_line(const char *expected, const char *out, long *planted, long *found)
{
	size_t from = 0, prev_end = 0, elen = strlen(expected);

	for (size_t t = 0; t < elen; t++) {
		int k = expected[t] == '[' ? tag_at(expected + t) : -1;
		size_t tl, ls, re, next;
		char *needle;
		const char *hit;

		if (k < 0)
			continue;
		tl = strlen(tags[k]);
		ls = t - prev_end > CONTEXT ? t - CONTEXT : prev_end;
		next = t + tl;
		re = next;
		while (re < elen && re - next < CONTEXT && !(expected[re] == '[' && tag_at(expected + re) >= 0))
			re++;
		needle = strndup(expected + ls, re - ls);
		ck_assert_ptr_nonnull(needle);
		planted[k]++;
		hit = strlen(out) >= from ? strstr(out + from, needle) : NULL;
		if (hit) {
			found[k]++;
			from = (size_t)(hit - out) + (t - ls) + tl;
		}
		free(needle);
		prev_end = next;
		t = next - 1;
	}
}

/*
 * The planted set: recall per kind and overall, precision over the planted
 * and the look-alike lines, written to the test log.
 */
START_TEST(test_planted_recall)
{
	const char *pp = FIXTURE("redaction/planted.tsv"), *lp = FIXTURE("redaction/lookalikes.tsv");
	size_t np, nl, exact = 0;
	struct tsv_line *pl = read_tsv(pp, &np), *ll = read_tsv(lp, &nl);
	long planted[NTAGS] = { 0 }, found[NTAGS] = { 0 }, produced[NTAGS] = { 0 };
	long tp = 0, tot_planted = 0, tot_produced = 0;
	struct redact_counts c = { 0 };

	ck_assert_uint_ge(np, 150);
	ck_assert_uint_ge(nl, 60);
	for (size_t i = 0; i < np; i++) {
		char *out;

		ck_assert_msg(pl[i].expected != NULL, "%s:%ld: no tab between input and expected",
			      pp, pl[i].line);
		ck_assert_msg(!strchr(pl[i].input, '['), "%s:%ld: the input has a tag already", pp,
			      pl[i].line);
		out = redact(pl[i].input, &c);
		score_line(pl[i].expected, out, planted, found);
		count_tags(out, produced);
		if (!strcmp(out, pl[i].expected))
			exact++;
		else
			printf("%s:%ld: not as expected\n    input:    %s\n    expected: %s\n"
			       "    got:      %s\n", pp, pl[i].line, pl[i].input, pl[i].expected,
			       out);
		free(out);
	}
	for (size_t i = 0; i < nl; i++) {
		char *out = redact(ll[i].input, &c);

		count_tags(out, produced);
		free(out);
	}
	/* The counts say the same as the tags in the output. */
	ck_assert_int_eq(c.email, produced[T_EMAIL]);
	ck_assert_int_eq(c.phone, produced[T_PHONE]);
	ck_assert_int_eq(c.nhs, produced[T_NHS]);
	ck_assert_int_eq(c.postcode, produced[T_POSTCODE]);
	ck_assert_int_eq(c.name, produced[T_NAME]);

	printf("redaction over %zu planted lines (%zu exactly as expected) and %zu look-alikes:\n",
	       np, exact, nl);
	for (int k = 0; k < NTAGS; k++) {
		printf("  %-10s recall %5.1f%% (%ld of %ld planted), %ld tags produced\n", kinds[k],
		       planted[k] ? 100.0 * found[k] / planted[k] : 100.0, found[k], planted[k],
		       produced[k]);
		tp += found[k];
		tot_planted += planted[k];
		tot_produced += produced[k];
	}
	printf("  overall    recall %5.1f%% (%ld of %ld), precision %5.1f%% (%ld of %ld tags)\n",
	       100.0 * tp / tot_planted, tp, tot_planted,
	       tot_produced ? 100.0 * tp / tot_produced : 100.0, tp, tot_produced);
	fflush(stdout);

	for (int k = 0; k < NTAGS; k++) {
		ck_assert_msg(planted[k] >= 20, "only %ld %s items planted", planted[k], kinds[k]);
		ck_assert_msg(found[k] * 10 >= planted[k] * 9, "%s recall %ld of %ld is under 90%%",
			      kinds[k], found[k], planted[k]);
	}
	ck_assert_msg(tp * 100 >= tot_planted * 95, "overall recall %ld of %ld is under 95%%", tp,
		      tot_planted);
	free_tsv(pl, np);
	free_tsv(ll, nl);
}
END_TEST

/* Every look-alike comes out exactly as it went in. */
START_TEST(test_lookalikes_unchanged)
{
	const char *path = FIXTURE("redaction/lookalikes.tsv");
	size_t n, bad = 0;
	struct tsv_line *v = read_tsv(path, &n);

	ck_assert_uint_ge(n, 60);
	for (size_t i = 0; i < n; i++) {
		struct redact_counts c = { 0 };
		char *out = redact(v[i].input, &c);

		ck_assert_msg(!v[i].expected || !strcmp(v[i].expected, v[i].input),
			      "%s:%ld: a look-alike's expected text must be its input", path,
			      v[i].line);
		if (strcmp(out, v[i].input) || c.email + c.phone + c.nhs + c.postcode + c.name) {
			printf("%s:%ld: changed\n    input: %s\n    got:   %s\n", path, v[i].line,
			       v[i].input, out);
			bad++;
		}
		free(out);
	}
	fflush(stdout);
	ck_assert_msg(bad == 0, "%zu of %zu look-alikes were changed (see the log)", bad, n);
	free_tsv(v, n);
}
END_TEST

/* Redacting what is already redacted changes nothing. */
START_TEST(test_idempotent)
{
	size_t n;
	struct tsv_line *v = read_tsv(FIXTURE("redaction/planted.tsv"), &n);

	for (size_t i = 0; i < n; i++) {
		struct redact_counts c = { 0 };
		char *once = redact(v[i].input, NULL), *twice = redact(once, &c);

		ck_assert_str_eq(once, twice);
		ck_assert_int_eq(c.email + c.phone + c.nhs + c.postcode + c.name, 0);
		free(once);
		free(twice);
	}
	free_tsv(v, n);
}
END_TEST

/* -- shapes, table by table ---------------------------------------------------- */

START_TEST(test_nhs_check_digit)
{
	static const struct {
		const char *digits;
		int valid;
	} t[] = {
		{ "9434765919", 1 },   /* the documentation example */
		{ "4010232137", 1 },
		{ "9995260182", 1 },
		{ "9990109281", 1 },   /* check digit 1 */
		{ "9991590137", 1 },
		{ "9434765918", 0 },   /* last digit off by one */
		{ "9434765910", 0 },
		{ "4010232138", 0 },
		{ "9993412524", 0 },
		{ "1000000010", 0 },   /* the check digit would be 10: never issued */
		{ "1000000019", 0 },
		{ "0000000000", 0 },   /* a valid sum, not a number */
		{ "943476591", 0 },    /* nine digits */
		{ "94347659190", 0 },  /* eleven */
		{ "943476591X", 0 },
		{ "943 476 59", 0 },
		{ "", 0 },
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++)
		ck_assert_msg(redact_nhs_valid(t[i].digits, strlen(t[i].digits)) == t[i].valid,
			      "%s: expected %s", t[i].digits, t[i].valid ? "valid" : "invalid");

	/* Every check digit from the sum, done another way: 11 - sum % 11. */
	for (int seed = 0; seed < 2000; seed++) {
		char d[11];
		int sum = 0, check;
		unsigned x = (unsigned)seed * 2654435761u;

		for (int i = 0; i < 9; i++) {
			d[i] = (char)('0' + (x >> (i * 3)) % 10);
			sum += (d[i] - '0') * (10 - i);
		}
		check = (11 - sum % 11) % 11;
		for (int last = 0; last < 10; last++) {
			d[9] = (char)('0' + last);
			d[10] = '\0';
			ck_assert_int_eq(redact_nhs_valid(d, 10),
					 check != 10 && last == check && strspn(d, "0") != 10);
		}
	}
}
END_TEST

struct shape {
	const char *in, *out;
};

static void check_shapes(const struct shape *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *out = redact(t[i].in, NULL);

		ck_assert_msg(!strcmp(out, t[i].out), "\"%s\" gave \"%s\", expected \"%s\"",
			      t[i].in, out, t[i].out);
		free(out);
	}
}

START_TEST(test_phone_shapes)
{
	static const struct shape t[] = {
		{ "07700 900123", "[phone]" },
		{ "07700900123", "[phone]" },
		{ "07700 900 123", "[phone]" },
		{ "07700-900-123", "[phone]" },
		{ "+44 7700 900123", "[phone]" },
		{ "+447700900123", "[phone]" },
		{ "+44 (0)7700 900123", "[phone]" },
		{ "+44(0)7700900123", "[phone]" },
		{ "0044 7700 900123", "[phone]" },
		{ "00447700900123", "[phone]" },
		{ "(01632) 960123", "[phone]" },
		{ "(01632) 960 123", "[phone]" },
		{ "01632 960123", "[phone]" },
		{ "0121 496 0123", "[phone]" },
		{ "020 7946 0123", "[phone]" },
		{ "02079460123", "[phone]" },
		{ "0306 999 0123", "[phone]" },
		{ "0808 157 0123", "[phone]" },
		{ "01632 96012", "[phone]" },          /* 10-digit landline */
		{ "0800 123 456", "[phone]" },         /* 10-digit freephone */
		{ "+1 613 555 0172", "[phone]" },      /* with another country code */
		{ "Tel:07700900123.", "Tel:[phone]." },
		{ "(07700 900123)", "([phone])" },
		{ "07700 900123, 07700 900124", "[phone], [phone]" },
		{ "07700 900123 07700 900124", "[phone] [phone]" },
		/* not phones */
		{ "020 7946 012", "020 7946 012" },    /* 02 needs 11 digits */
		{ "07700 90012", "07700 90012" },      /* 07 needs 11 digits */
		{ "0770 0900 1234 5", "0770 0900 1234 5" },
		{ "0400 123 4567", "0400 123 4567" },  /* no 04 numbers */
		{ "0044 123", "0044 123" },
		{ "4 hours", "4 hours" },
		{ "since 2019", "since 2019" },
		{ "ward 12", "ward 12" },
		{ "at 10:30", "at 10:30" },
		{ "£200,000", "£200,000" },
		{ "£07700900123", "£07700900123" },
		{ "12/06/2019", "12/06/2019" },
		{ "3.07700900123", "3.07700900123" },
		{ "07700900123%", "07700900123%" },
		{ "ref07700900123", "ref07700900123" },
		{ "07700900123abc", "07700900123abc" },
		{ "01782 2019", "01782 2019" },
		{ "the 111 service", "the 111 service" },
		{ "999", "999" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

START_TEST(test_nhs_shapes)
{
	static const struct shape t[] = {
		{ "943 476 5919", "[NHS number]" },
		{ "943-476-5919", "[NHS number]" },
		{ "9434765919", "[NHS number]" },
		{ "NHS no. 943 476 5919.", "NHS no. [NHS number]." },
		{ "NHS:9434765919", "NHS:[NHS number]" },
		{ "(401 023 2137)", "([NHS number])" },
		/* the check digit fails: not an NHS number, and not a phone either */
		{ "943 476 5918", "943 476 5918" },
		{ "9434765918", "9434765918" },
		/* ... unless it looks like a phone number */
		{ "0163296012", "[phone]" },
		/* shapes that are not NHS numbers even with a valid check digit */
		{ "9434 765 919", "9434 765 919" },
		{ "94 3476 5919", "94 3476 5919" },
		{ "943  476  5919", "943  476  5919" },
		{ "943 476 5919 1", "[NHS number] 1" },
		{ "1943 476 5919", "1943 476 5919" },
		{ "x9434765919", "x9434765919" },
		{ "9434765919.5", "9434765919.5" },
		{ "0000000000", "0000000000" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

START_TEST(test_email_shapes)
{
	static const struct shape t[] = {
		{ "a@example.com", "[email]" },
		{ "First.Last+tag@Sub.Example.CO.UK.", "[email]." },
		{ "x_y-z%q@example.org,", "[email]," },
		{ "<karen@example.com>", "<[email]>" },
		{ "\"karen@example.com\"", "\"[email]\"" },
		{ "‘karen@example.com’", "‘[email]’" },
		{ "zoë.hughes@example.com", "[email]" },
		{ "mailto:k@example.com?", "mailto:[email]?" },
		{ "k@example.com...", "[email]..." },
		/* not addresses */
		{ "@example.com", "@example.com" },
		{ "karen@", "karen@" },
		{ "karen@localhost", "karen@localhost" },
		{ "karen@example.c", "karen@example.c" },
		{ "karen@example..com", "karen@example..com" },
		{ "a @ b", "a @ b" },
		{ "A&E @ 2am", "A&E @ 2am" },
		{ "@@@", "@@@" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

START_TEST(test_postcode_shapes)
{
	static const struct shape t[] = {
		{ "ST4 6QG", "[postcode]" },
		{ "st4 6qg", "[postcode]" },
		{ "ST46QG", "[postcode]" },
		{ "st46qg", "[postcode]" },
		{ "B79 7JJ", "[postcode]" },
		{ "WS13 6EF", "[postcode]" },
		{ "M1 1AE", "[postcode]" },          /* A9 9AA */
		{ "W1A 0AX", "[postcode]" },         /* A9A 9AA */
		{ "EC1A 1BB", "[postcode]" },        /* AA9A 9AA */
		{ "SW1A2AA", "[postcode]" },
		{ "GIR 0AA", "[postcode]" },
		{ "gir0aa", "[postcode]" },
		{ "(ST4 6QG)", "([postcode])" },
		{ "ST4 6QG.", "[postcode]." },
		/* not full postcodes */
		{ "ST4", "ST4" },
		{ "the ST4 area", "the ST4 area" },
		{ "B79 area", "B79 area" },
		{ "ST4 6Q", "ST4 6Q" },
		{ "ST4 6QGX", "ST4 6QGX" },
		{ "XST4 6QG", "XST4 6QG" },
		{ "QQ4 6QG", "QQ4 6QG" },            /* no QQ area */
		{ "ST4 6CI", "ST4 6CI" },            /* C and I are never in an inward code */
		{ "ST4 6MV", "ST4 6MV" },
		{ "ST4  6QG", "ST4  6QG" },
		{ "ST4 66G", "ST4 66G" },
		{ "A500 2AB", "A500 2AB" },
		{ "B12 injections", "B12 injections" },
		{ "M6 junction 15", "M6 junction 15" },
		{ "COVID19", "COVID19" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

/* Every postcode of the sample lookup is found, with and without the space, in any case. */
START_TEST(test_sample_postcodes)
{
	FILE *f = fopen(SAMPLE("postcodes/staffs-postcodes.csv"), "r");
	char line[256];
	long seen = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));   /* header */
	while (fgets(line, sizeof line, f)) {
		char pc[16], joined[16], text[64], *comma = strchr(line, ','), *out;
		size_t k = 0;

		if (!comma || comma - line >= (long)sizeof pc)
			continue;
		memcpy(pc, line, (size_t)(comma - line));
		pc[comma - line] = '\0';
		for (char *p = pc; *p; p++)
			if (*p != ' ')
				joined[k++] = (char)(seen % 2 ? *p | 0x20 : *p);
		joined[k] = '\0';
		snprintf(text, sizeof text, "We live at %s, near %s.", pc, joined);
		out = redact(text, NULL);
		ck_assert_msg(!strcmp(out, "We live at [postcode], near [postcode]."), "%s gave %s",
			      text, out);
		free(out);
		seen++;
	}
	fclose(f);
	ck_assert_int_gt(seen, 40000);
}
END_TEST

START_TEST(test_name_shapes)
{
	static const struct shape t[] = {
		{ "My name is Karen Salt.", "My name is [name]." },
		{ "my name's karen", "my name's [name]" },
		{ "I am Karen", "I am [name]" },
		{ "I'm Karen", "I'm [name]" },
		{ "I’m Karen", "I’m [name]" },
		{ "Dr Smith-Jones", "Dr [name]" },
		{ "Dr. O'Neill", "Dr. [name]" },
		{ "Dr O’Neill", "Dr [name]" },
		{ "Dr McDonald", "Dr [name]" },
		{ "Dr J. R. Patel", "Dr [name]" },
		{ "Dr de Souza", "Dr [name]" },
		{ "Nurse Zoë", "Nurse [name]" },
		{ "Nurse Łukasz", "Nurse [name]" },
		{ "Sister Ōta", "Sister [name]" },
		{ "Prof Ng", "Prof [name]" },
		{ "Mx Riley", "Mx [name]" },
		{ "Miss Hughes", "Miss [name]" },
		{ "Ms Hughes", "Ms [name]" },
		{ "Mrs Hughes's office", "Mrs [name]'s office" },
		{ "my son Jack", "my son [name]" },
		{ "my wife Sue", "my wife [name]" },
		{ "our mum, Doris, is 93", "our mum, [name], is 93" },
		{ "a nurse called Sarah", "a nurse called [name]" },
		{ "she was named Ayesha", "she was named [name]" },
		{ "Name: Karen Salt", "Name: [name]" },
		{ "MY NAME IS KAREN", "MY NAME IS [name]" },
		{ "I AM KAREN SALT", "I AM [name]" },
		{ "DR PATEL SAID NO", "DR [name] SAID NO" },
		/* introductions without a name */
		{ "I am 72", "I am 72" },
		{ "I am Deaf", "I am Deaf" },
		{ "I'm British", "I'm British" },
		{ "I AM FURIOUS", "I AM FURIOUS" },
		{ "I AM HOME NOW", "I AM HOME NOW" },   /* in capitals "I AM" needs two name words */
		{ "I AM VERY UPSET", "I AM VERY UPSET" },
		{ "I am a carer", "I am a carer" },
		{ "the Dr said", "the Dr said" },
		{ "the Dr's surgery", "the Dr's surgery" },
		{ "Dr Google", "Dr Google" },
		{ "I have MS", "I have MS" },
		{ "the MS Society", "the MS Society" },
		{ "I miss Haywood", "I miss Haywood" },
		{ "I called Royal Stoke", "I called Royal Stoke" },
		{ "we called Sarah", "we called Sarah" },
		{ "a home called Oak House", "a home called Oak House" },
		{ "my son's school", "my son's school" },
		{ "my sons", "my sons" },
		{ "Royal Stoke", "Royal Stoke" },
		{ "Drive to Stafford", "Drive to Stafford" },
		{ "Mrs", "Mrs" },
		{ "I am", "I am" },
		{ "my name is", "my name is" },
		{ "my name is not important", "my name is not important" },
		{ "in May", "in May" },
		{ "Dr May", "Dr May" },              /* a month alone is not taken for a name */
		{ "Dr May Patel", "Dr [name]" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

/*
 * Written with no-break and zero-width spaces, soft hyphens or fullwidth
 * characters: found all the same, and only the bytes they take are
 * replaced; everything around them stays byte for byte.
 */
START_TEST(test_disguised_shapes)
{
	static const struct shape t[] = {
		{ "07700\xC2\xA0" "900123", "[phone]" },
		{ "07700\xE2\x80\xAF" "900\xE2\x80\xAF" "123", "[phone]" },
		{ "077\xE2\x80\x8B" "00900123", "[phone]" },
		{ "\xEF\xBC\x90\xEF\xBC\x97\xEF\xBC\x97\xEF\xBC\x90\xEF\xBC\x90 "
		  "\xEF\xBC\x99\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93", "[phone]" },
		{ "+44\xC2\xA0" "7700\xC2\xA0" "900123", "[phone]" },
		{ "943\xC2\xA0" "476\xC2\xA0" "5919", "[NHS number]" },
		{ "943\xE2\x80\x8B" "476\xE2\x80\x8B" "5919", "[NHS number]" },
		{ "94347\xC2\xAD" "65919", "[NHS number]" },
		{ "ST4\xC2\xA0" "6QG", "[postcode]" },
		{ "ST4\xE2\x80\x8B" "6QG", "[postcode]" },
		{ "\xEF\xBC\xB3\xEF\xBC\xB4\xEF\xBC\x94 \xEF\xBC\x96\xEF\xBC\xB1\xEF\xBC\xA7",
		  "[postcode]" },
		{ "k@example\xEF\xBC\x8E" "com", "[email]" },
		{ "k\xEF\xBC\xA0" "example.com", "[email]" },
		{ "Dr\xC2\xA0" "Hughes", "Dr\xC2\xA0[name]" },
		/* what is around them is kept as written */
		{ "Call\xC2\xA0" "07700\xC2\xA0" "900123\xC2\xA0" "now", "Call\xC2\xA0[phone]\xC2\xA0now" },
		{ "\xE2\x80\x8B" "07700 900123\xE2\x80\x8B", "\xE2\x80\x8B[phone]\xE2\x80\x8B" },
		{ "Zoe\xCC\x88 lives at ST4 6QG", "Zoe\xCC\x88 lives at [postcode]" },
		{ "\xEF\xAC\x81" "ne: 07700 900123 \xE2\x80\xA6", "\xEF\xAC\x81" "ne: [phone] \xE2\x80\xA6" },
		{ "\xEF\xBB\xBF" "ST4 6QG", "\xEF\xBB\xBF[postcode]" },
		/* still not personal data once normalised */
		{ "4\xC2\xA0hours", "4\xC2\xA0hours" },
		{ "\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91", "\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x91" },
		{ "B79\xC2\xA0" "area", "B79\xC2\xA0" "area" },
		{ "07700\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "900123", "07700\xC2\xA0\xC2\xA0\xC2\xA0\xC2\xA0" "900123" },
	};

	check_shapes(t, sizeof t / sizeof *t);
}
END_TEST

/* redactor_find() says what redactor_apply() replaces: rebuilding from its spans gives the same text. */
START_TEST(test_find_spans)
{
	size_t n;
	struct tsv_line *v = read_tsv(FIXTURE("redaction/planted.tsv"), &n);

	for (size_t i = 0; i < n; i++) {
		const char *in = v[i].input;
		size_t len = strlen(in), ns, at = 0, o = 0;
		struct redact_span *sp;
		char *out = redact(in, NULL), *rebuilt = malloc(strlen(out) + 1);

		ck_assert_ptr_nonnull(rebuilt);
		ck_assert_int_eq(redactor_find(red, in, len, &sp, &ns), 0);
		for (size_t k = 0; k < ns; k++) {
			const char *tag = redact_tag(sp[k].kind);

			ck_assert(sp[k].start >= at && sp[k].start < sp[k].end && sp[k].end <= len);
			ck_assert(utf8_check(in + sp[k].start, sp[k].end - sp[k].start, NULL));
			memcpy(rebuilt + o, in + at, sp[k].start - at);
			o += sp[k].start - at;
			memcpy(rebuilt + o, tag, strlen(tag));
			o += strlen(tag);
			at = sp[k].end;
		}
		memcpy(rebuilt + o, in + at, len - at + 1);
		ck_assert_str_eq(rebuilt, out);
		free(sp);
		free(rebuilt);
		free(out);
	}
	free_tsv(v, n);
	ck_assert_str_eq(redact_tag(REDACT_NHS), "[NHS number]");
}
END_TEST

START_TEST(test_counts_add_up)
{
	struct redact_counts c = { 1, 2, 3, 4, 5 };
	char *out = redact("Dr Hughes (h@example.com, 07700 900123, 943 476 5919, ST4 6QG); "
			   "Hughes said m@example.org.", &c);

	ck_assert_str_eq(out, "Dr [name] ([email], [phone], [NHS number], [postcode]); "
			      "[name] said [email].");
	ck_assert_int_eq(c.email, 1 + 2);
	ck_assert_int_eq(c.phone, 2 + 1);
	ck_assert_int_eq(c.nhs, 3 + 1);
	ck_assert_int_eq(c.postcode, 4 + 1);
	ck_assert_int_eq(c.name, 5 + 2);
	free(out);
}
END_TEST

/* -- hostile and odd input ------------------------------------------------------ */

START_TEST(test_empty_and_nul)
{
	struct redact_counts c = { 0 };
	char *out = redactor_apply(red, "", 0, &c);
	static const char with_nul[] = "Dr Hughes\0 07700 900123";

	ck_assert_str_eq(out, "");
	free(out);
	out = redactor_apply(red, NULL, 0, &c);
	ck_assert_str_eq(out, "");
	free(out);
	out = redactor_apply(red, with_nul, sizeof with_nul - 1, &c);
	ck_assert_str_eq(out, "Dr [name]");
	ck_assert_mem_eq(out + strlen("Dr [name]") + 1, " [phone]", 9);
	free(out);
	ck_assert_int_eq(c.name + c.phone, 2);
}
END_TEST

/* All personal data, nothing else. */
START_TEST(test_all_personal)
{
	char *out = redact("karen@example.com", NULL);

	ck_assert_str_eq(out, "[email]");
	free(out);
	out = redact("karen@example.com 07700900123 9434765919 ST46QG", NULL);
	ck_assert_str_eq(out, "[email] [phone] [NHS number] [postcode]");
	free(out);
	out = redact("My name is Karen Salt", NULL);
	ck_assert_str_eq(out, "My name is [name]");
	free(out);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	static const char *const bad[] = {
		"Dr \xff\xfe Hughes", "Nurse \xc3", "my name is \xe2\x80", "I am \xc0\xaf Karen",
		"\x80\x80\x80 Dr Patel \xed\xa0\x80", "Dr \xf4\x90\x80\x80", "Sister Zo\xc3",
		"07700 900123\xff", "\xffkaren@example.com\xfe", "ST4 6QG\xc3", "\xc3ST4 6QG",
		"My name is Karen\xff Salt", "Dr Hu\xc3ghes", "\xf0\x9f\x98", "my son \xe9",
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *out = redact(bad[i], NULL);

		ck_assert_ptr_nonnull(out);
		free(out);
	}
	{
		char *out = redact("Dr Patel \xff and 07700 900123", NULL);

		ck_assert_str_eq(out, "Dr [name] \xff and [phone]");
		free(out);
	}
}
END_TEST

/* Pieces that meet at every kind of edge; valid UTF-8 in, valid UTF-8 out. */
START_TEST(test_random_pieces)
{
	static const char *const pieces[] = {
		"Dr ", "Dr. ", "Nurse ", "I am ", "I'm ", "my name is ", "my son ", "called ",
		"Karen", "Salt", "O'Neill", "Zoë", "Łukasz", "ŁUKASZ", "KAREN", "karen", "J. ",
		" ", "  ", ", ", ".", "-", "(", ")", "+", "+44 ", "0", "07700", "900", "123",
		"943", "476", "5919", "@", "example", ".com", "ST4", "6QG", "st4", "’", "é",
		"\xcc\x81", "😡", "\t", "\n", "£", ":", "'", "A&E", "NHS", "1", "44", "(0)",
	};
	size_t np = sizeof pieces / sizeof *pieces;
	unsigned x = 12345;
	char buf[512];

	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		int k = 1 + (int)((x >> 3) % 24);
		char *out;

		for (int i = 0; i < k; i++) {
			const char *p;

			x = x * 1103515245u + 12345u;
			p = pieces[(x >> 8) % np];
			if (len + strlen(p) >= sizeof buf)
				break;
			memcpy(buf + len, p, strlen(p));
			len += strlen(p);
		}
		buf[len] = '\0';
		out = redactor_apply(red, buf, len, NULL);
		ck_assert_ptr_nonnull(out);
		ck_assert_msg(utf8_check(out, strlen(out), NULL), "invalid UTF-8 out of \"%s\": \"%s\"",
			      buf, out);
		free(out);
	}
}
END_TEST

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Seconds one megabyte may take, at most: the slowest take about 3 under
 * sanitizers on a busy machine; work that grows with the square of the
 * length would take hours.
 */
#define MB_SECONDS 60.0

/*
 * A megabyte made of one piece repeated: it must finish in time and, from
 * valid UTF-8, give valid UTF-8. With `same` nothing in it is personal
 * data and it comes back unchanged (invalid UTF-8 is copied through); each
 * of `gone` (NULL-terminated, or NULL) must not survive.
 */
static void one_mb(const char *piece, const char *what, int same, const char *const *gone)
{
	size_t len = 1 << 20, pl = strlen(piece);
	char *buf = malloc(len + 1), *out;
	double t;

	ck_assert_ptr_nonnull(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = piece[i % pl];
	buf[len] = '\0';
	t = seconds();
	out = redactor_apply(red, buf, len, NULL);
	t = seconds() - t;
	ck_assert_ptr_nonnull(out);
	printf("1 MB of %-34s %.3f s\n", what, t);
	fflush(stdout);
	ck_assert_msg(t < MB_SECONDS, "1 MB of %s took %.1f s", what, t);
	if (utf8_check(buf, len, NULL))
		ck_assert_msg(utf8_check(out, strlen(out), NULL), "1 MB of %s: invalid UTF-8 out",
			      what);
	if (same)
		ck_assert_msg(!strcmp(out, buf), "1 MB of %s: changed, though nothing is personal", what);
	for (size_t i = 0; gone && gone[i]; i++)
		ck_assert_msg(!strstr(out, gone[i]), "1 MB of %s: \"%s\" left in", what, gone[i]);
	free(out);
	free(buf);
}

/* An introduction followed by a megabyte-long word: in time, and valid UTF-8. */
static void long_word(const char *intro, const char *piece, const char *what)
{
	size_t il = strlen(intro), pl = strlen(piece), len = il + (1 << 20);
	char *buf = malloc(len + 1), *out;
	double t;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, intro, il);
	for (size_t i = il; i < len; i++)
		buf[i] = piece[(i - il) % pl];
	buf[len] = '\0';
	t = seconds();
	out = redactor_apply(red, buf, len, NULL);
	t = seconds() - t;
	ck_assert_ptr_nonnull(out);
	printf("1 MB word after \"%s\" (%s) %*s %.3f s\n", intro, what,
	       (int)(22 - strlen(intro) - strlen(what)), "", t);
	fflush(stdout);
	ck_assert_msg(t < MB_SECONDS, "1 MB word after \"%s\" took %.1f s", intro, t);
	ck_assert_msg(utf8_check(out, strlen(out), NULL), "1 MB word after \"%s\": invalid UTF-8",
		      intro);
	free(out);
	free(buf);
}

START_TEST(test_one_megabyte)
{
	static const char *const personal[] = { "Karen", "Salt", "07700", "900123", "example.com",
						"6QG", NULL };

	one_mb("My name is Karen Salt, call 07700 900123 or karen@example.com (ST4 6QG). ",
	       "realistic personal data", 0, personal);
	one_mb("A&E waits of 4 hours on ward 12 since 2019, £3.50 parking. ", "look-alikes", 1,
	       NULL);
	one_mb("0 ", "digits and spaces", 0, NULL);
	one_mb("0", "one run of digits", 0, NULL);
	one_mb("1-", "digits and hyphens", 0, NULL);
	one_mb("a.", "e-mail local parts, no @", 1, NULL);
	one_mb("a@", "@ after every letter", 0, NULL);
	one_mb("@a.", "domains without an end", 0, NULL);
	one_mb("Dr ", "titles", 0, NULL);
	one_mb("my name is ", "introductions", 0, NULL);
	one_mb("A", "one capitalised word", 0, NULL);
	one_mb("Ł", "one word of non-ASCII capitals", 0, NULL);
	one_mb("ST4 ", "outward codes", 0, NULL);
	one_mb("\xff\xfe", "invalid UTF-8", 1, NULL);
	one_mb("Dr Karen ", "names to mention again", 0, (const char *const[]){ "Karen", NULL });
	one_mb("\xCC\x81\xCC\xA3", "accents on one letter", 0, NULL);
	one_mb("0\xC2\xA0", "digits and no-break spaces", 0, NULL);
	one_mb("\xEF\xBC\x90\xE2\x80\x8B", "fullwidth 0, zero-width space", 0, NULL);
	one_mb("Dr\xC2\xA0\xEF\xBC\xAB\xEF\xBD\x81 ", "titles, fullwidth names", 0, NULL);
	long_word("My name is ", "a", "lower case");
	long_word("Dr ", "Ka", "capitalised");
	long_word("MY NAME IS ", "K", "capitals");
	long_word("Nurse ", "\xc5\x81", "non-ASCII");
	long_word("I am ", "K-", "hyphens");
	long_word("x@", "a.", "a domain");
	fflush(stdout);
}
END_TEST

/*
 * Thousands of quotes, as a report has: every round gives each quote what
 * the first gave it (the redactor keeps nothing from one quote to the
 * next), nearly every one has personal data taken out, and all in time
 * (about 70 microseconds a quote under sanitizers; 5 ms would be a
 * redactor gone slow). The time is written to the log.
 */
START_TEST(test_many_quotes)
{
	size_t n, changed = 0;
	struct tsv_line *v = read_tsv(FIXTURE("redaction/planted.tsv"), &n);
	char **first = calloc(n, sizeof *first);
	double t = seconds();
	long quotes = 0;

	ck_assert_ptr_nonnull(first);
	for (int round = 0; round < 25; round++)
		for (size_t i = 0; i < n; i++, quotes++) {
			char *out = redact(v[i].input, NULL);

			if (!round) {
				changed += strcmp(out, v[i].input) != 0;
				first[i] = out;
				continue;
			}
			ck_assert_msg(!strcmp(out, first[i]), "planted.tsv:%ld: round %d differs",
				      v[i].line, round);
			free(out);
		}
	t = seconds() - t;
	printf("%ld quotes redacted in %.3f s (%.1f microseconds each)\n", quotes, t,
	       1e6 * t / (double)quotes);
	fflush(stdout);
	/* Recall is not perfect (test_planted_recall): most, not all. */
	ck_assert_msg(changed * 100 >= n * 95, "%zu of %zu quotes with personal data left as they were",
		      n - changed, n);
	ck_assert_msg(t / (double)quotes < 0.005, "%.1f microseconds a quote",
		      1e6 * t / (double)quotes);
	for (size_t i = 0; i < n; i++)
		free(first[i]);
	free(first);
	free_tsv(v, n);
}
END_TEST

/* One redactor shared by several threads gives each the same answers as one thread alone. */
struct worker {
	struct tsv_line *v;
	size_t n;
	char **want;
	int bad;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < w->n; i++) {
			char *out = redactor_apply(red, w->v[i].input, strlen(w->v[i].input), NULL);

			if (!out || strcmp(out, w->want[i]))
				w->bad++;
			free(out);
		}
	return NULL;
}

START_TEST(test_threads)
{
	size_t n;
	struct tsv_line *v = read_tsv(FIXTURE("redaction/planted.tsv"), &n);
	char **want = calloc(n, sizeof *want);
	struct worker w[4];
	pthread_t th[4];

	ck_assert_ptr_nonnull(want);
	for (size_t i = 0; i < n; i++)
		want[i] = redact(v[i].input, NULL);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ v, n, want, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
		ck_assert_int_eq(w[i].bad, 0);
	}
	for (size_t i = 0; i < n; i++)
		free(want[i]);
	free(want);
	free_tsv(v, n);
}
END_TEST

static Suite *redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("redact");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_planted_recall);
	tcase_add_test(tc, test_lookalikes_unchanged);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_nhs_check_digit);
	tcase_add_test(tc, test_phone_shapes);
	tcase_add_test(tc, test_nhs_shapes);
	tcase_add_test(tc, test_email_shapes);
	tcase_add_test(tc, test_postcode_shapes);
	tcase_add_test(tc, test_sample_postcodes);
	tcase_add_test(tc, test_name_shapes);
	tcase_add_test(tc, test_disguised_shapes);
	tcase_add_test(tc, test_find_spans);
	tcase_add_test(tc, test_counts_add_up);
	tcase_add_test(tc, test_empty_and_nul);
	tcase_add_test(tc, test_all_personal);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_random_pieces);
	tcase_add_test(tc, test_one_megabyte);
	tcase_add_test(tc, test_many_quotes);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run(redact_suite());
}
