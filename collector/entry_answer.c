/*
 * entry_answer.c: one answer as typed: what an officer types, checked.
 */
#include "entry_internal.h"

#include "strbuf.h"
#include "trim.h"
#include "typed_value.h"

void entry_answer_clear(struct entry_answer *a)
{
	free(a->text);
	memset(a, 0, sizeof *a);
}

/* The bytes of s without white space at either end: *len gets their length. */
const char *entry_trimmed(const char *s, size_t *len)
{
	size_t a;

	*len = trim_bounds(s, strlen(s), &a);
	return s + a;
}

/* True when the n bytes at s are only digits, spaces, commas and semicolons. */
static int only_numbers(const char *s, size_t n)
{
	int digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits = 1;
		else if (!strchr(" \t,;", s[i]))
			return 0;
	}
	return digits;
}

/* The option whose label or code is the n bytes at s (any case), or -1. */
static long find_option(const struct entry_question *q, const char *s, size_t n)
{
	for (size_t k = 0; k < q->nopts; k++)
		if (strlen(q->opts[k].label) == n && !strncasecmp(q->opts[k].label, s, n))
			return (long)k;
	for (size_t k = 0; k < q->nopts; k++)
		if (strlen(q->opts[k].code) == n && !strncasecmp(q->opts[k].code, s, n))
			return (long)k;
	return -1;
}

void entry_add_pick(struct entry_answer *a, size_t k)
{
	size_t i;

	for (i = 0; i < a->npicks && a->picks[i] < k; i++)
		;
	if (i < a->npicks && a->picks[i] == k)
		return; /* typed twice: once is enough */
	if (a->npicks == ENTRY_MAX_PICKS)
		return;
	memmove(a->picks + i + 1, a->picks + i, (a->npicks - i) * sizeof *a->picks);
	a->picks[i] = k;
	a->npicks++;
}

/* "the options are 1 to 4": what was typed is not repeated (it may be a respondent's words). */
static int no_such_number(const struct entry_question *q, char *why, size_t cap)
{
	if (q->nopts == 0)
		return say(why, cap, "This question has no options to choose from.");
	return say(why, cap, "There is no option with that number: type a number from 1 to %zu, "
			     "the number in front of the box ticked.", q->nopts);
}

/* Adds the option the piece names (a number, a code or a label); 0, or -1 with why. */
static int pick_piece(const struct entry_question *q, const char *s, size_t n,
		      struct entry_answer *a, char *why, size_t cap)
{
	long k;

	if (n && only_numbers(s, n)) {
		const char *p = s, *end = s + n;

		while (p < end) {
			char num[32];
			size_t len = 0;
			unsigned long v;

			while (p < end && !isdigit((unsigned char)*p))
				p++;
			while (p + len < end && isdigit((unsigned char)p[len]))
				len++;
			if (!len)
				break;
			snprintf(num, sizeof num, "%.*s", (int)(len < 20 ? len : 20), p);
			errno = 0;
			v = strtoul(num, NULL, 10);
			if (errno || v < 1 || v > q->nopts) {
				no_such_number(q, why, cap);
				return -1;
			}
			entry_add_pick(a, v - 1);
			p += len;
		}
		return 0;
	}
	if ((k = find_option(q, s, n)) >= 0) {
		entry_add_pick(a, (size_t)k);
		return 0;
	}
	say(why, cap, "That is not one of the options: type the number in front of the box "
		      "ticked (1 to %zu).", q->nopts);
	return -1;
}

/* The picks made: checks that a single-choice question has one. */
static enum entry_input finish_choice(const struct entry_question *q, struct entry_answer *a,
				      struct entry_answer *out, char *why, size_t cap)
{
	if (!a->npicks) {
		say(why, cap, "Type the number in front of the box ticked (1 to %zu), s if none "
			      "is ticked.", q->nopts);
		return ENTRY_INPUT_ERROR;
	}
	if (q->type != EQ_MULTIPLE && a->npicks > 1) {
		say(why, cap, "This question takes one answer, but you typed %zu. If more than one "
			      "box is ticked on the form, type u (unreadable).", a->npicks);
		return ENTRY_INPUT_ERROR;
	}
	a->state = ENTRY_ANSWERED;
	*out = *a;
	return ENTRY_INPUT_ANSWER;
}

enum entry_input entry_parse_choices(const struct entry_question *q, const char *const *pieces,
				     size_t n, struct entry_answer *out, char *why, size_t cap)
{
	struct entry_answer a = { 0 };
	size_t any = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *t = entry_trimmed(pieces[i], &len);

		if (!len)
			continue;
		any++;
		if (pick_piece(q, t, len, &a, why, cap) < 0)
			return ENTRY_INPUT_ERROR;
	}
	if (!any) {
		memset(out, 0, sizeof *out);
		out->state = ENTRY_SKIPPED;
		return ENTRY_INPUT_ANSWER;
	}
	return finish_choice(q, &a, out, why, cap);
}

static enum entry_input parse_choice(const struct entry_question *q, const char *t, size_t n,
				     struct entry_answer *out, char *why, size_t cap)
{
	struct entry_answer a = { 0 };
	long k;

	/* A whole label ("Black, African, Caribbean or Black British") first. */
	if (!only_numbers(t, n) && (k = find_option(q, t, n)) >= 0) {
		entry_add_pick(&a, (size_t)k);
		return finish_choice(q, &a, out, why, cap);
	}
	while (n) {
		size_t len = 0, start, plen;
		const char *p;

		while (len < n && t[len] != ',' && t[len] != ';')
			len++;
		plen = trim_bounds(t, len, &start);
		p = t + start;
		if (plen && pick_piece(q, p, plen, &a, why, cap) < 0)
			return ENTRY_INPUT_ERROR;
		t += len;
		n -= len;
		if (n) {
			t++;
			n--;
		}
	}
	return finish_choice(q, &a, out, why, cap);
}

static enum entry_input parse_scale(const struct entry_question *q, const char *t, size_t n,
				    struct entry_answer *out, char *why, size_t cap)
{
	char buf[32];
	long k;

	if (n < sizeof buf) {
		char *end;
		long v;

		memcpy(buf, t, n);
		buf[n] = '\0';
		errno = 0;
		v = strtol(buf, &end, 10);
		if (!errno && end != buf && !*end && isdigit((unsigned char)buf[n - 1]) &&
		    v >= q->scale_min && v <= q->scale_max) {
			memset(out, 0, sizeof *out);
			if (!(out->text = malloc(24))) {
				say(why, cap, "out of memory");
				return ENTRY_INPUT_ERROR;
			}
			snprintf(out->text, 24, "%ld", v);
			out->state = ENTRY_ANSWERED;
			return ENTRY_INPUT_ANSWER;
		}
	}
	if ((k = find_option(q, t, n)) >= 0) { /* an end of the scale by its words */
		memset(out, 0, sizeof *out);
		if (!(out->text = strdup(q->opts[k].code))) {
			say(why, cap, "out of memory");
			return ENTRY_INPUT_ERROR;
		}
		out->state = ENTRY_ANSWERED;
		return ENTRY_INPUT_ANSWER;
	}
	say(why, cap, "That is not on the scale: type a whole number from %ld to %ld.",
	    q->scale_min, q->scale_max);
	return ENTRY_INPUT_ERROR;
}

static enum entry_input parse_postcode(const char *t, size_t n, struct entry_answer *out,
				       char *why, size_t cap)
{
	char in[64], pc[POSTCODE_MAX];

	if (n < sizeof in) {
		memcpy(in, t, n);
		in[n] = '\0';
		if (postcode_normalise(in, pc) != POSTCODE_INVALID) {
			memset(out, 0, sizeof *out);
			if (!(out->text = strdup(pc))) {
				say(why, cap, "out of memory");
				return ENTRY_INPUT_ERROR;
			}
			out->state = ENTRY_ANSWERED;
			return ENTRY_INPUT_ANSWER;
		}
	}
	say(why, cap, "That is not the shape of a UK postcode (like ST4 6QG, or only the first "
		      "half, like ST4). Check it on the form; type u if it cannot be read.");
	return ENTRY_INPUT_ERROR;
}

/*
 * A number (digits or words), a date as officers write it (day first, UK:
 * 05/06/2019, or 2019-06-05) or one short line, checked as an import checks
 * them (typed_value.h).
 */
static enum entry_input parse_typed(const struct entry_question *q, const char *t, size_t n,
				    struct entry_answer *out, char *why, size_t cap)
{
	char in[1024], value[TYPED_NUMBER_MAX > 11 ? TYPED_NUMBER_MAX : 11], reason[200];
	double v;

	if (n >= sizeof in) {
		say(why, cap, "That answer is longer than %d characters: check it on the form.",
		    SHORT_TEXT_MAX_CHARS);
		return ENTRY_INPUT_ERROR;
	}
	memcpy(in, t, n);
	in[n] = '\0';
	if (q->type == EQ_NUMBER && typed_number(in, &v, value) < 0) {
		say(why, cap, "That is not a number: type it in digits, like 26.");
		return ENTRY_INPUT_ERROR;
	}
	if (q->type == EQ_DATE && typed_date(in, DATE_DMY, value, reason, sizeof reason) < 0 &&
	    typed_date(in, DATE_ISO, value, reason, sizeof reason) < 0) {
		say(why, cap, "That is not a date: type it day first, like 05/06/2019.");
		return ENTRY_INPUT_ERROR;
	}
	if (q->type == EQ_SHORT_TEXT && typed_short_text(in, n, reason, sizeof reason) < 0) {
		say(why, cap, "That does not fit this question: %s.", reason);
		return ENTRY_INPUT_ERROR;
	}
	memset(out, 0, sizeof *out);
	if (!(out->text = strdup(q->type == EQ_SHORT_TEXT ? in : value))) {
		say(why, cap, "out of memory");
		return ENTRY_INPUT_ERROR;
	}
	out->state = ENTRY_ANSWERED;
	return ENTRY_INPUT_ANSWER;
}

static enum entry_input parse_text(const char *t, size_t n, struct entry_answer *out,
				   char *why, size_t cap)
{
	char *text;
	size_t o = 0;

	if (n > ENTRY_TEXT_MAX) {
		say(why, cap, "That answer is longer than %d characters. Type it in parts: the rest "
			      "can go in the last question.", ENTRY_TEXT_MAX);
		return ENTRY_INPUT_ERROR;
	}
	if (!(text = malloc(n + 1))) {
		say(why, cap, "out of memory");
		return ENTRY_INPUT_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		if (t[i] != '\r')
			text[o++] = t[i];
	text[o] = '\0';
	memset(out, 0, sizeof *out);
	out->text = text;
	out->state = ENTRY_ANSWERED;
	return ENTRY_INPUT_ANSWER;
}

enum entry_input entry_parse(const struct entry_question *q, const char *input,
			     struct entry_answer *out, char *why, size_t cap)
{
	size_t n;
	const char *t;

	for (const unsigned char *p = (const unsigned char *)input; *p; p++) {
		if (*p == 0x1b) {
			say(why, cap, "The arrow keys and other special keys do not work here. Type "
				      "the answer again; use Backspace to correct a typo.");
			return ENTRY_INPUT_ERROR;
		}
		if ((*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') || *p == 0x7f) {
			say(why, cap, "The answer has a control character in it (byte 0x%02X). "
				      "Type it again.", *p);
			return ENTRY_INPUT_ERROR;
		}
	}
	if (!utf8_check(input, strlen(input), NULL)) {
		say(why, cap, "The answer has characters that are not UTF-8: set the terminal to "
			      "UTF-8 and type it again.");
		return ENTRY_INPUT_ERROR;
	}
	t = entry_trimmed(input, &n);
	if (n == 0)
		return ENTRY_INPUT_EMPTY;
	if (n == 1) {
		switch (*t) {
		case 's':
		case 'S':
			memset(out, 0, sizeof *out);
			out->state = ENTRY_SKIPPED;
			return ENTRY_INPUT_ANSWER;
		case 'u':
		case 'U':
			memset(out, 0, sizeof *out);
			out->state = ENTRY_UNREADABLE;
			return ENTRY_INPUT_ANSWER;
		case 'b':
		case 'B':
			return ENTRY_INPUT_BACK;
		case '?':
			return ENTRY_INPUT_HELP;
		default:
			break;
		}
	}
	switch (q->type) {
	case EQ_SINGLE:
	case EQ_MULTIPLE:
		return parse_choice(q, t, n, out, why, cap);
	case EQ_SCALE:
		return parse_scale(q, t, n, out, why, cap);
	case EQ_POSTCODE:
		return parse_postcode(t, n, out, why, cap);
	case EQ_NUMBER:
	case EQ_DATE:
	case EQ_SHORT_TEXT:
		return parse_typed(q, t, n, out, why, cap);
	case EQ_FREE_TEXT:
		break;
	}
	return parse_text(t, n, out, why, cap);
}

char *entry_answer_show(const struct entry_question *q, const struct entry_answer *a)
{
	struct strbuf b = STRBUF_INIT;
	int oom = 0;

	switch (a->state) {
	case ENTRY_UNSET:
		return strdup("(not answered yet)");
	case ENTRY_SKIPPED:
		return strdup("(left blank)");
	case ENTRY_UNREADABLE:
		return strdup("(unreadable)");
	case ENTRY_ANSWERED:
		break;
	}
	if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		for (size_t i = 0; i < a->npicks; i++) {
			size_t k = a->picks[i];

			oom |= strbuf_addf(&b, "%s%zu ", i ? "; " : "", k + 1) < 0 ||
			       strbuf_addstr(&b, k < q->nopts ? q->opts[k].label : "?") < 0;
		}
		if (oom) {
			strbuf_release(&b);
			return NULL;
		}
		return strbuf_detach(&b, NULL);
	}
	return strdup(a->text ? a->text : "");
}

const char *entry_question_hint(const struct entry_question *q)
{
	switch (q->type) {
	case EQ_SINGLE:
		return "Type the number in front of the box that is ticked. Type s if no box is "
		       "ticked, u if you cannot tell which box is ticked (or two are), b to go "
		       "back to the previous question.";
	case EQ_MULTIPLE:
		return "Type the numbers of every box that is ticked, with commas between them, "
		       "like 1,4. Type s if no box is ticked, u if you cannot tell, b to go back "
		       "to the previous question.";
	case EQ_SCALE:
		return "Type the number marked on the scale. Type s if none is marked, u if you "
		       "cannot tell which, b to go back to the previous question.";
	case EQ_NUMBER:
		return "Type the number written, in digits (26) or as written (twenty six). Type "
		       "s if it is blank, u if you cannot read it, b to go back to the previous "
		       "question.";
	case EQ_DATE:
		return "Type the date day first, like 05/06/2019, or as 2019-06-05. Type s if it "
		       "is blank, u if you cannot read it, b to go back to the previous question.";
	case EQ_SHORT_TEXT:
		return "Type what is written, on one line. Type s if it is blank, u if you cannot "
		       "read it, b to go back to the previous question.";
	case EQ_POSTCODE:
		return "Type the postcode as written, like ST4 6QG (or only the first half, like "
		       "ST4). Type s if it is blank, u if you cannot read it, b to go back to the "
		       "previous question.";
	case EQ_FREE_TEXT:
		break;
	}
	return "Type what is written, as it is written. It can run over several lines: press "
	       "Enter on an empty line to finish. Type s if nothing is written, u if you cannot "
	       "read any of it, b to go back to the previous question. Mark a word you cannot "
	       "read with [unreadable].";
}

int entry_check_name(const char *typed, char out[ENTRY_NAME_MAX + 1], char *why, size_t cap)
{
	size_t n;
	const char *t = entry_trimmed(typed ? typed : "", &n);

	out[0] = '\0';
	if (!n)
		return say(why, cap, "the name is empty: give your name as colleagues know it");
	if (n > ENTRY_NAME_MAX)
		return say(why, cap, "the name is longer than %d characters", ENTRY_NAME_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return say(why, cap, "the name has a control character in it");
	if (!utf8_check(t, n, NULL))
		return say(why, cap, "the name is not valid UTF-8");
	memcpy(out, t, n);
	out[n] = '\0';
	return 1;
}
