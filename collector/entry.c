/*
 * entry.c: typed-in paper forms: the form, the checks on what officers
 * type, and storing confirmed forms, first and second entries.
 */
#include "entry.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compare.h"
#include "db.h"
#include "fileutil.h"
#include "import.h"
#include "postcode.h"
#include "utf8.h"

static char *dup_col(sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	return strdup(s ? s : "");
}

static void copy_col(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	snprintf(buf, cap, "%s", s ? s : "");
}

static int say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes a plain-words message into why; returns 0 (refused) for `return say(...)`. */
static int say(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!why || !cap)
		return 0;
	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- the form ------------------------------------------------------------ */

static void question_free(struct entry_question *q)
{
	for (size_t k = 0; k < q->nopts; k++) {
		free(q->opts[k].code);
		free(q->opts[k].label);
		free(q->opts[k].district);
	}
	free(q->opts);
	free(q->code);
	free(q->text);
	free(q->help);
}

void entry_form_free(struct entry_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nqs; i++)
		question_free(&f->qs[i]);
	free(f->qs);
	free(f->title);
	free(f);
}

static enum entry_qtype qtype(const char *t)
{
	if (!strcmp(t, "free-text"))
		return EQ_FREE_TEXT;
	if (!strcmp(t, "multiple-choice"))
		return EQ_MULTIPLE;
	if (!strcmp(t, "scale"))
		return EQ_SCALE;
	if (!strcmp(t, "postcode"))
		return EQ_POSTCODE;
	return EQ_SINGLE; /* single-choice, demographic */
}

static int load_options(sqlite3 *db, long long ex, struct entry_question *q, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT o.id, o.code, o.label, coalesce(o.maps_to, o.id), "
		"  (SELECT x.district_code FROM question_option s JOIN exercise_district x "
		"   ON x.district_code = s.code AND x.exercise_id = ?2 "
		"   WHERE s.id = coalesce(o.maps_to, o.id)) "
		"FROM question_option o WHERE o.question_id = ?1 ORDER BY o.position, o.id", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, q->id);
	sqlite3_bind_int64(st, 2, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_option *more = realloc(q->opts, (q->nopts + 1) * sizeof *more);
		struct entry_option *o;

		if (!more)
			break;
		q->opts = more;
		o = &q->opts[q->nopts++];
		memset(o, 0, sizeof *o);
		o->id = sqlite3_column_int64(st, 0);
		o->code = dup_col(st, 1);
		o->label = dup_col(st, 2);
		o->store_id = sqlite3_column_int64(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL && !(o->district = dup_col(st, 4)))
			break;
		if (!o->code || !o->label)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the questionnaire", e);
}

struct entry_form *entry_form_load(sqlite3 *db, long long ex, const char *variant, struct err *e)
{
	struct entry_form *f = calloc(1, sizeof *f);
	sqlite3_stmt *st = NULL;
	long long qnr = -1;
	int rc;

	if (!f) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	snprintf(f->variant, sizeof f->variant, "%s", variant);
	f->channel = strcmp(variant, "easy-read") ? "paper" : "easy-read-paper";
	if (!(st = db_prepare(db, "SELECT id, title FROM questionnaire WHERE exercise_id = ?1 AND "
				  "variant = ?2", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, variant, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		qnr = sqlite3_column_int64(st, 0);
		f->title = dup_col(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the questionnaire", e);
		goto fail;
	}
	if (qnr < 0) {
		err_set(e, EXIT_USAGE, "the exercise has no %s form", variant);
		goto fail;
	}
	if (!(st = db_prepare(db,
		"SELECT id, code, type, text, help, scale_min, scale_max, coalesce(maps_to, id) "
		"FROM question WHERE questionnaire_id = ?1 ORDER BY position, id", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, qnr);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_question *more = realloc(f->qs, (f->nqs + 1) * sizeof *more);
		struct entry_question *q;

		if (!more) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
		f->qs = more;
		q = &f->qs[f->nqs++];
		memset(q, 0, sizeof *q);
		q->id = sqlite3_column_int64(st, 0);
		q->number = (int)f->nqs;
		q->code = dup_col(st, 1);
		q->type = qtype((const char *)sqlite3_column_text(st, 2));
		q->text = dup_col(st, 3);
		if (sqlite3_column_type(st, 4) != SQLITE_NULL)
			q->help = dup_col(st, 4);
		q->scale_min = (long)sqlite3_column_int64(st, 5);
		q->scale_max = (long)sqlite3_column_int64(st, 6);
		q->store_id = sqlite3_column_int64(st, 7);
		if (!q->code || !q->text) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the questionnaire", e);
		goto fail;
	}
	for (size_t i = 0; i < f->nqs; i++)
		if (load_options(db, ex, &f->qs[i], e) < 0)
			goto fail;
	if (!f->nqs) {
		err_set(e, EXIT_DATA, "the %s form of the exercise has no questions", variant);
		goto fail;
	}
	return f;
fail:
	sqlite3_finalize(st);
	entry_form_free(f);
	return NULL;
}

const struct entry_question *entry_form_find(const struct entry_form *f, const char *code)
{
	for (size_t i = 0; i < f->nqs; i++)
		if (!strcasecmp(f->qs[i].code, code))
			return &f->qs[i];
	return NULL;
}

const struct entry_question *entry_form_find_id(const struct entry_form *f, long long id)
{
	for (size_t i = 0; i < f->nqs; i++)
		if (f->qs[i].id == id)
			return &f->qs[i];
	return NULL;
}

/* ---- one answer as typed ------------------------------------------------ */

void entry_answer_clear(struct entry_answer *a)
{
	free(a->text);
	memset(a, 0, sizeof *a);
}

/* The bytes of s without white space at either end: *len gets their length. */
static const char *trimmed(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
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

static void add_pick(struct entry_answer *a, size_t k)
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
			add_pick(a, v - 1);
			p += len;
		}
		return 0;
	}
	if ((k = find_option(q, s, n)) >= 0) {
		add_pick(a, (size_t)k);
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
		const char *t = trimmed(pieces[i], &len);

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
		add_pick(&a, (size_t)k);
		return finish_choice(q, &a, out, why, cap);
	}
	while (n) {
		size_t len = 0, plen;
		const char *p;

		while (len < n && t[len] != ',' && t[len] != ';')
			len++;
		p = t;
		plen = len;
		while (plen && (*p == ' ' || *p == '\t')) {
			p++;
			plen--;
		}
		while (plen && (p[plen - 1] == ' ' || p[plen - 1] == '\t'))
			plen--;
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
	t = trimmed(input, &n);
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
	case EQ_FREE_TEXT:
		break;
	}
	return parse_text(t, n, out, why, cap);
}

/* A growing string for messages and displays. */
struct sbuf {
	char *s;
	size_t n, cap;
	int oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *more = realloc(b->s, cap);

		if (!more) {
			b->oom = 1;
			return;
		}
		b->s = more;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static char *sb_done(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

char *entry_answer_show(const struct entry_question *q, const struct entry_answer *a)
{
	struct sbuf b = { 0 };

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
			char num[32];
			size_t k = a->picks[i];

			snprintf(num, sizeof num, "%s%zu ", i ? "; " : "", k + 1);
			sb_str(&b, num);
			sb_str(&b, k < q->nopts ? q->opts[k].label : "?");
		}
		return sb_done(&b);
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
	const char *t = trimmed(typed ? typed : "", &n);

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

/* ---- sessions ------------------------------------------------------------ */

struct entry_session {
	sqlite3 *db;
	long long exercise_id;
	const struct entry_form *form;
	enum entry_mode mode;
	char officer[ENTRY_NAME_MAX + 1];
	long long event_id;
	char event_code[64];
	char event_district[16];
	char event_title[320];
	int required;                 /* the exercise requires double entry */
	char *file;                   /* the batch file, NULL when typed */
	char file_sha[SHA256_HEX_LEN + 1];
	long long batch_id;           /* 0 until the first form is saved */
	int in_file;                  /* inside a batch file's transaction */
	int batch_made_in_tx;         /* the batch was created in the open transaction */
	struct postcode_resolver *resolver;
	struct response_writer *writer;
};

void entry_session_free(struct entry_session *s)
{
	if (!s)
		return;
	postcode_resolver_free(s->resolver);
	response_writer_free(s->writer);
	free(s->file);
	free(s);
}

const char *entry_session_event_title(const struct entry_session *s)
{
	return s->event_title;
}

const char *entry_session_event(const struct entry_session *s)
{
	return s->event_code;
}

const char *entry_session_officer(const struct entry_session *s)
{
	return s->officer;
}

const struct entry_form *entry_session_form(const struct entry_session *s)
{
	return s->form;
}

enum entry_mode entry_session_mode(const struct entry_session *s)
{
	return s->mode;
}

/* Optimal string alignment distance, capped: small codes only. */
static int distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int d[33][33];

	if (n > 32 || m > 32)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]);
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

void entry_close_events(sqlite3 *db, long long ex, const char *code, char *buf, size_t cap)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT code FROM event WHERE exercise_id = ?1 "
					  "ORDER BY held_on, code", NULL);
	const char *dash = strrchr(code, '-');
	size_t prefix = dash && dash > code ? (size_t)(dash - code) : 0;
	size_t n = 0, found = 0;
	int best = 3;

	buf[0] = '\0';
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, ex);
	/* The closest codes (one slip before two), and those for the same place. */
	for (int pass = 0; pass < 2; pass++) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(st, 0);
			int d = c ? distance(c, code) : 99;
			int same_place = c && prefix >= 2 && !strncasecmp(c, code, prefix) &&
					 c[prefix] == '-';

			if (!c)
				continue;
			if (pass == 0) {
				if (d < best)
					best = d;
				continue;
			}
			if ((d == best || same_place) && found < 6) {
				int w = snprintf(buf + n, cap - n, "%s%s", found ? ", " : "", c);

				if (w < 0 || (size_t)w >= cap - n)
					break;
				n += (size_t)w;
				found++;
			}
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

int entry_event_exists(sqlite3 *db, long long ex, const char *code, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM event WHERE exercise_id = ?1 AND "
					  "code = ?2 COLLATE NOCASE", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading the events", e);
	return rc == SQLITE_ROW;
}

static int find_batch(struct entry_session *s, struct err *e)
{
	sqlite3_stmt *st = db_prepare(s->db,
		"SELECT id FROM import_batch WHERE exercise_id = ?1 AND format = 'entry' AND "
		"event_id = ?2 AND officer = ?3 COLLATE NOCASE AND channel = ?4 AND entry_mode = ?5 "
		"ORDER BY id DESC LIMIT 1", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_int64(st, 2, s->event_id);
	sqlite3_bind_text(st, 3, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->form->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->mode == ENTRY_FIRST ? "first" : "second", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		s->batch_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(s->db, "reading the batches", e);
}

struct entry_session *entry_session_open(sqlite3 *db, const struct entry_session_options *o,
					 struct err *e)
{
	struct entry_session *s = calloc(1, sizeof *s);
	sqlite3_stmt *st = NULL;
	char why[ENTRY_WHY_MAX];
	int rc;

	if (!s) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		return NULL;
	}
	s->db = db;
	s->exercise_id = o->exercise_id;
	s->form = o->form;
	s->mode = o->mode;
	if (entry_check_name(o->officer, s->officer, why, sizeof why) <= 0) {
		err_set(e, EXIT_USAGE, "--officer: %s", why);
		goto fail;
	}
	if (!(st = db_prepare(db,
		"SELECT v.id, v.code, v.district_code, printf('%s, %s, %s', v.code, v.title, "
		"v.held_on), x.double_entry FROM event v JOIN exercise x ON x.id = v.exercise_id "
		"WHERE v.exercise_id = ?1 AND v.code = ?2 COLLATE NOCASE", e)))
		goto fail;
	sqlite3_bind_int64(st, 1, o->exercise_id);
	sqlite3_bind_text(st, 2, o->event ? o->event : "", -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->event_id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, s->event_code, sizeof s->event_code);
		copy_col(st, 2, s->event_district, sizeof s->event_district);
		copy_col(st, 3, s->event_title, sizeof s->event_title);
		s->required = !strcmp((const char *)sqlite3_column_text(st, 4), "required");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the events", e);
		goto fail;
	}
	if (!s->event_id) {
		char close[200];

		entry_close_events(db, o->exercise_id, o->event ? o->event : "", close, sizeof close);
		err_set(e, EXIT_USAGE, "there is no event '%s' in this exercise%s%s%s: "
				       "'collector status' lists the events",
			o->event ? o->event : "", *close ? " (did you mean " : "", close,
			*close ? "?)" : "");
		goto fail;
	}
	if (o->file) {
		if (!(s->file = strdup(o->file))) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto fail;
		}
		if (file_sha256(o->file, s->file_sha, e) < 0)
			goto fail;
	} else if (find_batch(s, e) < 0) {
		goto fail;
	}
	if (!(s->resolver = postcode_resolver_new(db, o->exercise_id, e)) ||
	    !(s->writer = response_writer_new(db, e)))
		goto fail;
	return s;
fail:
	entry_session_free(s);
	return NULL;
}

void entry_session_by_respondent(struct entry_session *s)
{
	s->required = 0;
}

int entry_session_batch(struct entry_session *s, struct entry_batch_info *info, struct err *e)
{
	static const char first_sql[] =
		"SELECT count(*), "
		"  (SELECT serial FROM response WHERE batch_id = ?1 ORDER BY id LIMIT 1), "
		"  (SELECT serial FROM response WHERE batch_id = ?1 ORDER BY id DESC LIMIT 1), "
		"  CASE WHEN date(max(recorded_at), 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', max(recorded_at), 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', max(recorded_at), 'localtime') END "
		"FROM response WHERE batch_id = ?1";
	static const char second_sql[] =
		"SELECT count(*), "
		"  (SELECT r.serial FROM entry_copy c JOIN response r ON r.id = c.response_id "
		"   WHERE c.batch_id = ?1 ORDER BY c.id LIMIT 1), "
		"  (SELECT r.serial FROM entry_copy c JOIN response r ON r.id = c.response_id "
		"   WHERE c.batch_id = ?1 ORDER BY c.id DESC LIMIT 1), "
		"  CASE WHEN date(max(entered_at), 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', max(entered_at), 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', max(entered_at), 'localtime') END "
		"FROM entry_copy WHERE batch_id = ?1";
	sqlite3_stmt *st;
	int rc;

	memset(info, 0, sizeof *info);
	info->batch_id = s->batch_id;
	if (!s->batch_id)
		return 0;
	if (!(st = db_prepare(s->db, s->mode == ENTRY_FIRST ? first_sql : second_sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		info->forms = (long)sqlite3_column_int64(st, 0);
		copy_col(st, 1, info->first_serial, sizeof info->first_serial);
		copy_col(st, 2, info->last_serial, sizeof info->last_serial);
		copy_col(st, 3, info->last_at, sizeof info->last_at);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : db_fail(s->db, "reading the batch", e);
}

const char *entry_range_dash(const char *first, const char *last)
{
	return strchr(first, '-') || strchr(last, '-') ? " to " : "-";
}

int entry_serial_erased(struct entry_session *s, const char *serial, struct err *e)
{
	long long n = 0;
	char ex[32];

	snprintf(ex, sizeof ex, "%lld", s->exercise_id);
	if (db_int(s->db, "SELECT count(*) FROM erasure WHERE exercise_id = ?1 AND serial = ?2", 0,
		   &n, e, 2, ex, serial) < 0)
		return -1;
	return n > 0;
}

int entry_check_serial(struct entry_session *s, const char *typed, char out[ENTRY_SERIAL_MAX + 1],
		       char *why, size_t cap, struct err *e)
{
	sqlite3_stmt *st;
	size_t n;
	const char *t = trimmed(typed ? typed : "", &n);
	char officer[ENTRY_NAME_MAX + 1], event[64], variant[16], when[40], second[ENTRY_NAME_MAX + 1];
	long long rid = 0;
	int rc, copies = 0;

	out[0] = '\0';
	if (!n)
		return say(why, cap, "Type the serial number written on the form.");
	if (n > ENTRY_SERIAL_MAX)
		return say(why, cap, "That is longer than %d characters: type the serial number "
				     "written on the form.", ENTRY_SERIAL_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			return say(why, cap, "The serial number has a control character in it (the "
					     "arrow keys do not work here): type it again.");
	if (!utf8_check(t, n, NULL))
		return say(why, cap, "The serial number has characters that are not UTF-8: type "
				     "it again.");
	memcpy(out, t, n);
	out[n] = '\0';
	if ((rc = entry_serial_erased(s, out, e)) != 0)
		return rc < 0 ? -1 : say(why, cap, "Form %s was erased at the respondent's request, "
					 "so it is not typed in again: put the sheet aside to be "
					 "destroyed.", out);

	if (!(st = db_prepare(s->db,
		"SELECT r.id, coalesce(r.officer, ''), coalesce(v.code, ''), r.form_variant, "
		"  CASE WHEN date(r.recorded_at, 'localtime') = date('now', 'localtime') "
		"  THEN strftime('%H:%M', r.recorded_at, 'localtime') "
		"  ELSE strftime('%H:%M on %Y-%m-%d', r.recorded_at, 'localtime') END, "
		"  (SELECT count(*) FROM entry_copy c WHERE c.response_id = r.id), "
		"  (SELECT c.officer FROM entry_copy c WHERE c.response_id = r.id) "
		"FROM response r LEFT JOIN event v ON v.id = r.event_id "
		"WHERE r.exercise_id = ?1 AND r.serial = ?2", e)))
		return -1;
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_text(st, 2, out, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 0);
		copy_col(st, 1, officer, sizeof officer);
		copy_col(st, 2, event, sizeof event);
		copy_col(st, 3, variant, sizeof variant);
		copy_col(st, 4, when, sizeof when);
		copies = sqlite3_column_int(st, 5);
		copy_col(st, 6, second, sizeof second);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s->db, "looking up the serial number", e);

	if (s->mode == ENTRY_FIRST) {
		if (rid)
			return say(why, cap, "Form %s is already entered (%s%s%s%s, at %s). Check the "
					     "number on the form. To check someone else's typing of "
					     "it, use --verify.", out, *officer ? "by " : "", officer,
				   *officer && *event ? ", " : "", *event ? event : "", when);
		return 1;
	}
	if (!rid)
		return say(why, cap, "Form %s has not been entered yet, so there is nothing to check "
				     "it against. Check the number; a first entry is typed without "
				     "--verify.", out);
	if (copies)
		return say(why, cap, "Form %s has already been entered twice (by %s and %s).", out,
			   *officer ? officer : "an import", second);
	if (*officer && !strcasecmp(officer, s->officer))
		return say(why, cap, "You typed the first entry of form %s yourself. The second "
				     "entry must be typed by a different officer.", out);
	if (strcmp(variant, s->form->variant))
		return say(why, cap, "Form %s was entered as %s form: check it in a session with "
				     "--form %s.", out,
			   strcmp(variant, "easy-read") ? "a standard" : "an Easy Read", variant);
	if (strcasecmp(event, s->event_code))
		return say(why, cap, "Form %s was entered for %s, not %s: check it in a session "
				     "for %s.", out, *event ? event : "no event", s->event_code,
			   *event ? event : "that event");
	return 1;
}

/* ---- storing ------------------------------------------------------------- */

/* The rows an answer is stored as. *rows is grown; n counts them. */
static int answer_rows(const struct entry_question *q, const struct entry_answer *a,
		       struct stored_answer **rows, size_t *n, size_t *cap, struct err *e)
{
	size_t need = *n + (a->npicks ? a->npicks : 1);
	struct stored_answer base = { q->store_id, q->store_id != q->id ? q->id : 0, 0, NULL, NULL };

	if (need > *cap) {
		size_t c = need * 2;
		struct stored_answer *more = realloc(*rows, c * sizeof *more);

		if (!more)
			return err_set(e, EXIT_SYSTEM, "out of memory");
		*rows = more;
		*cap = c;
	}
	if (a->state == ENTRY_SKIPPED || a->state == ENTRY_UNSET) {
		base.state = "skipped";
		(*rows)[(*n)++] = base;
	} else if (a->state == ENTRY_UNREADABLE) {
		base.state = "unreadable";
		(*rows)[(*n)++] = base;
	} else if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE) {
		for (size_t i = 0; i < a->npicks; i++) {
			base.option_id = q->opts[a->picks[i]].store_id;
			(*rows)[(*n)++] = base;
		}
	} else {
		base.value = a->text ? a->text : "";
		(*rows)[(*n)++] = base;
	}
	return 0;
}

static int form_rows(const struct entry_form *f, const struct entry_answer *answers,
		     struct stored_answer **rows, size_t *n, struct err *e)
{
	size_t cap = 0;

	*rows = NULL;
	*n = 0;
	for (size_t i = 0; i < f->nqs; i++)
		if (answer_rows(&f->qs[i], &answers[i], rows, n, &cap, e) < 0)
			return -1;
	return 0;
}

static int create_batch(struct entry_session *s, struct err *e)
{
	sqlite3_stmt *st = db_prepare(s->db,
		"INSERT INTO import_batch (exercise_id, file_name, sha256, format, channel, officer, "
		"started_at, event_id, entry_mode) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?7, ?8)", e);
	char name[200];
	int rc;

	if (!st)
		return -1;
	snprintf(name, sizeof name, "typed in: %s / %s", s->event_code, s->officer);
	sqlite3_bind_int64(st, 1, s->exercise_id);
	sqlite3_bind_text(st, 2, s->file ? s->file : name, -1, SQLITE_TRANSIENT);
	if (s->file)
		sqlite3_bind_text(st, 3, s->file_sha, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, s->file ? "entry-batch" : "entry", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->form->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, s->event_id);
	sqlite3_bind_text(st, 8, s->mode == ENTRY_FIRST ? "first" : "second", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(s->db, "starting the batch", e);
	s->batch_id = sqlite3_last_insert_rowid(s->db);
	s->batch_made_in_tx = 1;
	return 0;
}

static int count_batch(struct entry_session *s, long *forms, struct err *e)
{
	char sql[200], id[32];
	long long n = 0;

	snprintf(sql, sizeof sql, "UPDATE import_batch SET rows_read = rows_read + 1, "
				  "rows_accepted = rows_accepted + 1, finished_at = "
				  "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now') WHERE id = %lld",
		 s->batch_id);
	snprintf(id, sizeof id, "%lld", s->batch_id);
	if (db_exec(s->db, sql, "counting the batch", e) < 0 ||
	    db_int(s->db, "SELECT rows_accepted FROM import_batch WHERE id = ?1", 0, &n, e, 1,
		   id) < 0)
		return -1;
	*forms = (long)n;
	return 0;
}

/* The district, from the postcode typed, else the event, else a ticked area. */
static int place_of(struct entry_session *s, const struct entry_answer *answers,
		    struct postcode_result *res, struct err *e)
{
	struct postcode_input in = { NULL, NULL, NULL };

	for (size_t i = 0; i < s->form->nqs; i++) {
		const struct entry_question *q = &s->form->qs[i];
		const struct entry_answer *a = &answers[i];

		if (a->state != ENTRY_ANSWERED)
			continue;
		if (q->type == EQ_POSTCODE && !in.postcode)
			in.postcode = a->text;
		for (size_t k = 0; k < a->npicks && !in.ticked_district; k++)
			in.ticked_district = q->opts[a->picks[k]].district;
	}
	in.event_district = *s->event_district ? s->event_district : NULL;
	return postcode_resolve(s->resolver, &in, res, e);
}

static int save_first(struct entry_session *s, const char *serial,
		      const struct entry_answer *answers, struct entry_saved *out, struct err *e)
{
	struct stored_answer *rows = NULL;
	struct stored_response r = { 0 };
	struct postcode_result place;
	size_t n = 0;
	int ok = -1;

	if (place_of(s, answers, &place, e) < 0 || form_rows(s->form, answers, &rows, &n, e) < 0)
		goto out;
	r.exercise_id = s->exercise_id;
	r.batch_id = s->batch_id;
	r.channel = s->form->channel;
	r.form_variant = s->form->variant;
	r.event_id = s->event_id;
	r.place = &place;
	r.serial = serial;
	r.officer = s->officer;
	r.entry_status = s->required ? "awaiting-second-entry" : "accepted";
	if (response_write(s->writer, &r, rows, n, &out->response_id, e) < 0)
		goto out;
	out->status = r.entry_status;
	ok = 0;
out:
	free(rows);
	return ok;
}

/* The first entry's stored rows of one response. */
struct first_row {
	long long form_qid, option_id;
	char *value;
	enum entry_state state;
};

struct first_entry {
	struct first_row *rows;
	size_t n;
	char *postcode; /* response.postcode, for forms imported with a postcode column */
	char *officer;
};

static void first_entry_free(struct first_entry *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->rows[i].value);
	free(f->rows);
	free(f->postcode);
	free(f->officer);
	memset(f, 0, sizeof *f);
}

static enum entry_state state_named(const char *s)
{
	if (s && !strcmp(s, "skipped"))
		return ENTRY_SKIPPED;
	if (s && !strcmp(s, "unreadable"))
		return ENTRY_UNREADABLE;
	return ENTRY_ANSWERED;
}

static int load_first(sqlite3 *db, long long rid, struct first_entry *f, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT coalesce(source_question_id, question_id), coalesce(option_id, 0), value, "
		"state FROM answer WHERE response_id = ?1 ORDER BY id", e);
	int rc;

	memset(f, 0, sizeof *f);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct first_row *more = realloc(f->rows, (f->n + 1) * sizeof *more);
		struct first_row *r;

		if (!more)
			break;
		f->rows = more;
		r = &f->rows[f->n++];
		r->form_qid = sqlite3_column_int64(st, 0);
		r->option_id = sqlite3_column_int64(st, 1);
		r->value = sqlite3_column_type(st, 2) == SQLITE_NULL ? NULL : dup_col(st, 2);
		r->state = state_named((const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the first entry", e);
	if (!(st = db_prepare(db, "SELECT postcode, officer FROM response WHERE id = ?1", e)))
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			f->postcode = dup_col(st, 0);
		f->officer = dup_col(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

/*
 * The first entry's answer to q, as typed answers are held, with the
 * options ticked (store ids) into ids[]. Rows naming an option that is not
 * on the form (imported oddities) keep their id so they still differ.
 */
static void first_answer(const struct first_entry *f, const struct entry_question *q,
			 struct entry_answer *a, long long *ids, size_t *nids, enum cmp_state *cs)
{
	int any = 0;

	memset(a, 0, sizeof *a);
	*nids = 0;
	*cs = CMP_ABSENT;
	for (size_t i = 0; i < f->n; i++) {
		const struct first_row *r = &f->rows[i];

		if (r->form_qid != q->id)
			continue;
		any = 1;
		if (r->state != ENTRY_ANSWERED) {
			a->state = r->state;
			*cs = r->state == ENTRY_SKIPPED ? CMP_SKIPPED : CMP_UNREADABLE;
			continue;
		}
		a->state = ENTRY_ANSWERED;
		*cs = CMP_ANSWERED;
		if (r->option_id) {
			if (*nids < ENTRY_MAX_PICKS)
				ids[(*nids)++] = r->option_id;
			for (size_t k = 0; k < q->nopts; k++)
				if (q->opts[k].store_id == r->option_id)
					add_pick(a, k);
		}
		if (r->value && !a->text)
			a->text = r->value; /* borrowed: not freed through `a` */
	}
	if (!any && q->type == EQ_POSTCODE && f->postcode) {
		a->state = ENTRY_ANSWERED;
		a->text = f->postcode;
		*cs = CMP_ANSWERED;
	}
	if (!any && *cs == CMP_ABSENT)
		a->state = ENTRY_SKIPPED;
}

static int add_diff(struct entry_saved *out, const struct entry_question *q, char *first,
		    char *second, struct err *e)
{
	struct entry_diff *more = realloc(out->diffs, (out->ndiffs + 1) * sizeof *more);

	if (!more || !first || !second) {
		if (more)
			out->diffs = more;
		free(first);
		free(second);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	out->diffs = more;
	out->diffs[out->ndiffs++] = (struct entry_diff){ q, first, second };
	return 0;
}

static int save_second(struct entry_session *s, const char *serial,
		       const struct entry_answer *answers, struct entry_saved *out, struct err *e)
{
	struct stored_answer *rows = NULL;
	struct first_entry first = { 0 };
	sqlite3_stmt *st = NULL, *diff = NULL;
	long long rid = -1, copy_id;
	size_t n = 0;
	int rc, ok = -1;

	{
		char ex[32];

		snprintf(ex, sizeof ex, "%lld", s->exercise_id);
		if (db_int(s->db, "SELECT id FROM response WHERE exercise_id = ?1 AND serial = ?2",
			   -1, &rid, e, 2, ex, serial) < 0)
			goto out;
	}
	if (rid < 0) {
		err_set(e, EXIT_SYSTEM, "form %s vanished while it was being saved", serial);
		goto out;
	}
	out->response_id = rid;
	if (!(st = db_prepare(s->db, "INSERT INTO entry_copy (response_id, officer, batch_id, "
				     "entered_at) VALUES (?1, ?2, ?3, "
				     "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_text(st, 2, s->officer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, s->batch_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(s->db, "storing the second entry", e);
		goto out;
	}
	copy_id = sqlite3_last_insert_rowid(s->db);
	if (form_rows(s->form, answers, &rows, &n, e) < 0)
		goto out;
	if (!(st = db_prepare(s->db, "INSERT INTO entry_copy_answer (copy_id, question_id, "
				     "option_id, value, state, source_question_id) VALUES "
				     "(?1, ?2, ?3, ?4, ?5, ?6)", e)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, copy_id);
		sqlite3_bind_int64(st, 2, rows[i].question_id);
		if (rows[i].option_id)
			sqlite3_bind_int64(st, 3, rows[i].option_id);
		else
			sqlite3_bind_null(st, 3);
		if (rows[i].value)
			sqlite3_bind_text(st, 4, rows[i].value, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_text(st, 5, rows[i].state ? rows[i].state : "answered", -1,
				  SQLITE_STATIC);
		if (rows[i].source_question_id)
			sqlite3_bind_int64(st, 6, rows[i].source_question_id);
		else
			sqlite3_bind_null(st, 6);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_fail(s->db, "storing the second entry", e);
			goto out;
		}
	}

	/* Question by question against the first entry. */
	if (load_first(s->db, rid, &first, e) < 0)
		goto out;
	snprintf(out->first_officer, sizeof out->first_officer, "%s",
		 first.officer ? first.officer : "");
	if (!(diff = db_prepare(s->db, "INSERT INTO entry_difference (response_id, question_id, "
				       "first_value, second_value, found_at) VALUES (?1, ?2, ?3, "
				       "?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto out;
	for (size_t i = 0; i < s->form->nqs; i++) {
		const struct entry_question *q = &s->form->qs[i];
		const struct entry_answer *b = &answers[i];
		struct entry_answer a;
		long long ida[ENTRY_MAX_PICKS], idb[ENTRY_MAX_PICKS];
		size_t na, nb = 0;
		struct cmp_value va, vb;
		enum cmp_state cs;
		int same;

		first_answer(&first, q, &a, ida, &na, &cs);
		for (size_t k = 0; k < b->npicks; k++)
			idb[nb++] = q->opts[b->picks[k]].store_id;
		va = (struct cmp_value){ cs, ida, na, a.text };
		vb = (struct cmp_value){ b->state == ENTRY_ANSWERED ? CMP_ANSWERED
					 : b->state == ENTRY_UNREADABLE ? CMP_UNREADABLE
									: CMP_SKIPPED,
					 idb, nb, b->text };
		if ((same = compare_values(q->type == EQ_FREE_TEXT, &va, &vb)) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		if (same)
			continue;
		if (add_diff(out, q, entry_answer_show(q, &a), entry_answer_show(q, b), e) < 0)
			goto out;
		sqlite3_bind_int64(diff, 1, rid);
		sqlite3_bind_int64(diff, 2, q->id);
		sqlite3_bind_text(diff, 3, out->diffs[out->ndiffs - 1].first, -1, SQLITE_STATIC);
		sqlite3_bind_text(diff, 4, out->diffs[out->ndiffs - 1].second, -1, SQLITE_STATIC);
		rc = sqlite3_step(diff);
		sqlite3_reset(diff);
		if (rc != SQLITE_DONE) {
			db_fail(s->db, "storing a difference", e);
			goto out;
		}
	}
	out->status = out->ndiffs ? "differences" : "verified";
	{
		char *sql = sqlite3_mprintf("UPDATE response SET entry_status = '%q' WHERE id = %lld",
					    out->status, rid);

		if (!sql) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		rc = db_exec(s->db, sql, "storing the form's status", e);
		sqlite3_free(sql);
		if (rc < 0)
			goto out;
	}
	ok = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(diff);
	first_entry_free(&first);
	free(rows);
	return ok;
}

void entry_saved_free(struct entry_saved *s)
{
	for (size_t i = 0; i < s->ndiffs; i++) {
		free(s->diffs[i].first);
		free(s->diffs[i].second);
	}
	free(s->diffs);
	memset(s, 0, sizeof *s);
}

int entry_save(struct entry_session *s, const char *serial, const struct entry_answer *answers,
	       struct entry_saved *out, char *why, size_t cap, struct err *e)
{
	char clean[ENTRY_SERIAL_MAX + 1];
	int own = !s->in_file, rc;

	memset(out, 0, sizeof *out);
	if (own) {
		if (db_begin(s->db, e) < 0)
			return -1;
		s->batch_made_in_tx = 0;
	}
	/* Someone may have saved the same serial while this form was typed. */
	if ((rc = entry_check_serial(s, serial, clean, why, cap, e)) <= 0)
		goto fail;
	rc = -1;
	if (!s->batch_id && create_batch(s, e) < 0)
		goto fail;
	if ((s->mode == ENTRY_FIRST ? save_first : save_second)(s, clean, answers, out, e) < 0)
		goto fail;
	if (count_batch(s, &out->forms, e) < 0)
		goto fail;
	if (own && db_commit(s->db, e) < 0)
		goto fail;
	if (own)
		s->batch_made_in_tx = 0;
	return 1;
fail:
	if (own) {
		db_rollback(s->db);
		if (s->batch_made_in_tx)
			s->batch_id = 0;
		s->batch_made_in_tx = 0;
	}
	entry_saved_free(out);
	return rc;
}

int entry_session_begin_file(struct entry_session *s, struct err *e)
{
	if (db_begin(s->db, e) < 0)
		return -1;
	s->in_file = 1;
	s->batch_made_in_tx = 0;
	return 0;
}

int entry_session_end_file(struct entry_session *s, int ok, struct err *e)
{
	int rc = 0;

	s->in_file = 0;
	if (ok && db_commit(s->db, e) == 0) {
		s->batch_made_in_tx = 0;
		return 0;
	}
	if (ok)
		rc = -1;
	db_rollback(s->db);
	if (s->batch_made_in_tx)
		s->batch_id = 0;
	s->batch_made_in_tx = 0;
	return rc;
}

void entry_print_diffs(FILE *out, const char *first_officer, const char *second_officer,
		       const struct entry_diff *d, size_t n)
{
	struct cmp_row *rows = calloc(n ? n : 1, sizeof *rows);
	char left[120], right[120];

	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct cmp_row){ d[i].q->code, d[i].first, d[i].second };
	snprintf(left, sizeof left, "First entry (%s)", first_officer && *first_officer ?
		 first_officer : "imported");
	snprintf(right, sizeof right, "Second entry (%s)", second_officer);
	compare_print_table(out, "Question", left, right, rows, n);
	free(rows);
}

/* ---- settling differences ------------------------------------------------ */

void entry_pending_free(struct entry_pending *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < p[i].ndiffs; j++) {
			free(p[i].diffs[j].code);
			free(p[i].diffs[j].first);
			free(p[i].diffs[j].second);
		}
		free(p[i].diffs);
		free(p[i].serial);
		free(p[i].event);
		free(p[i].variant);
		free(p[i].first_officer);
		free(p[i].second_officer);
	}
	free(p);
}

static int pending_diffs(sqlite3 *db, struct entry_pending *p, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT d.question_id, q.code, d.first_value, d.second_value FROM entry_difference d "
		"JOIN question q ON q.id = d.question_id WHERE d.response_id = ?1 AND NOT EXISTS "
		"(SELECT 1 FROM entry_resolution x WHERE x.response_id = d.response_id AND "
		"x.question_id = d.question_id) ORDER BY q.position, q.id", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, p->response_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_pending_diff *more = realloc(p->diffs, (p->ndiffs + 1) * sizeof *more);
		struct entry_pending_diff *d;

		if (!more)
			break;
		p->diffs = more;
		d = &p->diffs[p->ndiffs++];
		d->question_id = sqlite3_column_int64(st, 0);
		d->code = dup_col(st, 1);
		d->first = dup_col(st, 2);
		d->second = dup_col(st, 3);
		if (!d->code || !d->first || !d->second)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading the differences", e);
}

int entry_pending_list(sqlite3 *db, long long ex, const char *event, struct entry_pending **out,
		       size_t *n, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT r.id, r.serial, coalesce(v.code, ''), r.form_variant, coalesce(r.officer, ''), "
		"c.officer FROM response r JOIN entry_copy c ON c.response_id = r.id "
		"LEFT JOIN event v ON v.id = r.event_id WHERE r.exercise_id = ?1 AND "
		"r.entry_status = 'differences' AND (?2 IS NULL OR v.code = ?2 COLLATE NOCASE) "
		"ORDER BY coalesce(v.code, ''), r.serial", e);
	struct entry_pending *list = NULL;
	size_t count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if (event)
		sqlite3_bind_text(st, 2, event, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct entry_pending *more = realloc(list, (count + 1) * sizeof *more);
		struct entry_pending *p;

		if (!more)
			break;
		list = more;
		p = &list[count++];
		memset(p, 0, sizeof *p);
		p->response_id = sqlite3_column_int64(st, 0);
		p->serial = dup_col(st, 1);
		p->event = dup_col(st, 2);
		p->variant = dup_col(st, 3);
		p->first_officer = dup_col(st, 4);
		p->second_officer = dup_col(st, 5);
		if (!p->serial || !p->event || !p->variant || !p->first_officer || !p->second_officer)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_ROW)
			err_set(e, EXIT_SYSTEM, "out of memory");
		else
			db_fail(db, "reading the forms with differences", e);
		entry_pending_free(list, count);
		return -1;
	}
	for (size_t i = 0; i < count; i++)
		if (pending_diffs(db, &list[i], e) < 0) {
			entry_pending_free(list, count);
			return -1;
		}
	*out = list;
	*n = count;
	return 0;
}

/* Works the district out again after the postcode or a ticked area changed. */
static int redistrict(sqlite3 *db, long long ex, long long rid, struct err *e)
{
	struct postcode_resolver *r = postcode_resolver_new(db, ex, e);
	struct postcode_input in = { NULL, NULL, NULL };
	struct postcode_result res;
	sqlite3_stmt *st = NULL;
	char pc[64] = "", ticked[16] = "", event[16] = "";
	int ok = -1;

	if (!r)
		return -1;
	if (!(st = db_prepare(db,
		"SELECT (SELECT a.value FROM answer a JOIN question q ON q.id = a.question_id "
		"        WHERE a.response_id = ?1 AND q.type = 'postcode' AND a.state = 'answered' "
		"        AND a.value IS NOT NULL ORDER BY a.id LIMIT 1), "
		"  (SELECT o.code FROM answer a JOIN question_option o ON o.id = a.option_id "
		"   JOIN exercise_district x ON x.district_code = o.code AND x.exercise_id = ?2 "
		"   WHERE a.response_id = ?1 ORDER BY a.id LIMIT 1), "
		"  (SELECT v.district_code FROM response p JOIN event v ON v.id = p.event_id "
		"   WHERE p.id = ?1)", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, ex);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, "reading the form", e);
		goto out;
	}
	copy_col(st, 0, pc, sizeof pc);
	copy_col(st, 1, ticked, sizeof ticked);
	copy_col(st, 2, event, sizeof event);
	sqlite3_finalize(st);
	st = NULL;
	in.postcode = *pc ? pc : NULL;
	in.ticked_district = *ticked ? ticked : NULL;
	in.event_district = *event ? event : NULL;
	if (postcode_resolve(r, &in, &res, e) < 0)
		goto out;
	if (!(st = db_prepare(db, "UPDATE response SET district_code = ?2, district_source = ?3, "
				  "district_note = ?4, postcode = ?5 WHERE id = ?1", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	if (*res.district)
		sqlite3_bind_text(st, 2, res.district, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, res.source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, res.note, -1, SQLITE_STATIC);
	if (*res.postcode)
		sqlite3_bind_text(st, 5, res.postcode, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (sqlite3_step(st) != SQLITE_DONE) {
		db_fail(db, "storing the district", e);
		goto out;
	}
	ok = 0;
out:
	sqlite3_finalize(st);
	postcode_resolver_free(r);
	return ok;
}

static int replace_answers(sqlite3 *db, long long rid, const struct entry_question *q,
			   enum entry_choice choice, const struct entry_answer *correction,
			   struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM answer WHERE response_id = ?1 AND "
					  "coalesce(source_question_id, question_id) = ?2", e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "replacing the answer", e);
	if (choice == ENTRY_TAKE_SECOND) {
		if (!(st = db_prepare(db,
			"INSERT INTO answer (response_id, question_id, option_id, value, state, "
			"source_question_id) SELECT ?1, a.question_id, a.option_id, a.value, a.state, "
			"a.source_question_id FROM entry_copy_answer a JOIN entry_copy c ON "
			"c.id = a.copy_id WHERE c.response_id = ?1 AND "
			"coalesce(a.source_question_id, a.question_id) = ?2 ORDER BY a.id", e)))
			return -1;
		sqlite3_bind_int64(st, 1, rid);
		sqlite3_bind_int64(st, 2, q->id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? 0 : db_fail(db, "replacing the answer", e);
	}
	{
		struct response_writer *w = response_writer_new(db, e);
		struct stored_answer *rows = NULL;
		size_t n = 0, cap = 0;

		if (!w)
			return -1;
		rc = answer_rows(q, correction, &rows, &n, &cap, e) < 0 ||
				     response_write_answers(w, rid, rows, n, e) < 0
			     ? -1
			     : 0;
		free(rows);
		response_writer_free(w);
		return rc;
	}
}

int entry_resolve(sqlite3 *db, long long ex, long long rid, const struct entry_question *q,
		  enum entry_choice choice,
		  const struct entry_answer *correction, const char *supervisor, int *verified,
		  char *why, size_t cap, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char first[ENTRY_TEXT_MAX + 64], second[ENTRY_TEXT_MAX + 64], by[ENTRY_NAME_MAX + 1] = "";
	char *value = NULL;
	long long left = 0;
	int rc, ok = -1, found = 0, settled = 0;
	int districts = q->type == EQ_POSTCODE;

	*verified = 0;
	if (db_begin(db, e) < 0)
		return -1;
	if (!(st = db_prepare(db,
		"SELECT d.first_value, d.second_value, x.resolved_by FROM entry_difference d "
		"LEFT JOIN entry_resolution x ON x.response_id = d.response_id AND "
		"x.question_id = d.question_id WHERE d.response_id = ?1 AND d.question_id = ?2", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		copy_col(st, 0, first, sizeof first);
		copy_col(st, 1, second, sizeof second);
		settled = sqlite3_column_type(st, 2) != SQLITE_NULL;
		copy_col(st, 2, by, sizeof by);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, "reading the difference", e);
		goto out;
	}
	if (!found || settled) {
		ok = 0;
		if (!found)
			say(why, cap, "There is no difference at question %s of this form.", q->code);
		else
			say(why, cap, "Question %s of this form was settled by %s meanwhile.", q->code,
			    by);
		goto out;
	}
	for (size_t k = 0; k < q->nopts; k++)
		districts |= q->opts[k].district != NULL;
	if (choice == ENTRY_KEEP_FIRST) {
		value = strdup(first);
	} else {
		if (replace_answers(db, rid, q, choice, correction, e) < 0)
			goto out;
		value = choice == ENTRY_TAKE_SECOND ? strdup(second)
						    : entry_answer_show(q, correction);
		if (districts && redistrict(db, ex, rid, e) < 0)
			goto out;
	}
	if (!value) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (!(st = db_prepare(db,
		"INSERT INTO entry_resolution (response_id, question_id, choice, value, replaced, "
		"resolved_by, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", e)))
		goto out;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, q->id);
	sqlite3_bind_text(st, 3, choice == ENTRY_KEEP_FIRST ? "first"
				 : choice == ENTRY_TAKE_SECOND ? "second" : "correction",
			  -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
	if (choice == ENTRY_KEEP_FIRST)
		sqlite3_bind_null(st, 5);
	else
		sqlite3_bind_text(st, 5, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, supervisor, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE) {
		db_fail(db, "storing the decision", e);
		goto out;
	}
	{
		char r[32];

		snprintf(r, sizeof r, "%lld", rid);
		if (db_int(db, "SELECT count(*) FROM entry_difference d WHERE d.response_id = ?1 AND "
			       "NOT EXISTS (SELECT 1 FROM entry_resolution x WHERE "
			       "x.response_id = d.response_id AND x.question_id = d.question_id)",
			   0, &left, e, 1, r) < 0)
			goto out;
		if (!left) {
			char sql[96];

			snprintf(sql, sizeof sql, "UPDATE response SET entry_status = 'verified' "
						  "WHERE id = %lld", rid);
			if (db_exec(db, sql, "storing the form's status", e) < 0)
				goto out;
			*verified = 1;
		}
	}
	if (db_commit(db, e) < 0)
		goto out;
	ok = 1;
out:
	if (ok != 1)
		db_rollback(db);
	sqlite3_finalize(st);
	free(value);
	return ok;
}
