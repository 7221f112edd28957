/*
 * collector enter: engagement officers type in paper and Easy Read forms,
 * at the keyboard one question at a time, or from a typed-up batch file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd.h"
#include "commands.h"
#include "compare.h"
#include "csv.h"
#include "db.h"
#include "entry.h"
#include "mapping.h"
#include "strbuf.h"
#include "tick.h"
#include "trim.h"

static const char usage[] =
	"usage: collector enter DB --event CODE --officer NAME [options]\n"
	"\n"
	"Type in paper forms, or Easy Read forms, collected at an event or roadshow.\n"
	"\n"
	"For each form you type the serial number written on it, then the answer to\n"
	"each question in turn. At the end you see the whole form and can change any\n"
	"answer before you save it. Each form is saved the moment you confirm it: if\n"
	"the window is closed or the laptop goes flat, only the form you were typing\n"
	"is lost. Start again with the same event and name and it says how many forms\n"
	"are saved and carries on. Type q at the serial number to finish.\n"
	"\n"
	"At each question type:\n"
	"  3        the number in front of the box that is ticked\n"
	"  1,4      every box that is ticked, where the question allows more than one\n"
	"  words    what is written; it can run over several lines: press Enter on\n"
	"           an empty line to finish\n"
	"  s        skip: the question is left blank on the form\n"
	"  u        unreadable: you cannot read it, or cannot tell which box is ticked\n"
	"  b        back to the previous question\n"
	"  ?        help with the question\n"
	"Mistakes are caught as you type (an option number that does not exist, two\n"
	"boxes on a one-box question, a postcode that is not a postcode, a serial\n"
	"number already entered) and the question is asked again.\n"
	"\n"
	"Double entry: a second officer checks forms by typing them again with\n"
	"--verify, without looking at the first entry. The two are compared answer\n"
	"by answer and any differences shown side by side; a supervisor settles them\n"
	"with 'collector resolve'.\n"
	"\n"
	"  --event CODE       the event or roadshow the forms come from (required;\n"
	"                     'collector status' lists the codes)\n"
	"  --officer NAME     your name (required)\n"
	"  --form FORM        standard (the default) or easy-read\n"
	"  --verify           second entry: check forms another officer has typed\n"
	"  --change SERIAL    change a form you typed, until it has a second entry\n"
	"                     (with --officer only); what it said is kept\n"
	"  --from FILE.csv    take the forms from a typed-up CSV file instead of the\n"
	"                     keyboard: a header row of 'serial' and question codes,\n"
	"                     then one form a row, answers written as you would type\n"
	"                     them (an empty cell is a blank answer). The file is\n"
	"                     saved whole or not at all.\n"
	"  --map MAPPING      with --from: the file's columns are described by an\n"
	"                     import mapping (docs/mapping-format.md) instead\n"
	"  --questions        list the form's questions and their codes, then stop\n"
	"  --exercise CODE    which exercise, when the database holds several\n"
	"  -h, --help         show this help\n"
	"\n"
	"Examples:\n"
	"  collector enter survey.db --event LE-HAN-1 --officer \"Jo Bloggs\"\n"
	"  collector enter survey.db --event LE-HAN-1 --officer \"Sam Smith\" --verify\n"
	"  collector enter survey.db --event RS-LEE-1 --officer \"Jo Bloggs\" \\\n"
	"      --form easy-read --from easy-read-forms.csv\n"
	"\n"
	"A short session (what you type follows '> '):\n"
	"  Form 1. Serial number written on the form (q to finish):\n"
	"  > 101\n"
	"  Question 1 of 28  RESPONDENT\n"
	"  Are you responding as...\n"
	"     1  A member of the public\n"
	"     2  Someone who works in health or social care\n"
	"     ...\n"
	"  > 1\n"
	"  ...\n"
	"  Type y to save it, a question number to change that answer, or d to\n"
	"  discard the form.\n"
	"  > y\n"
	"  Saved form 101 (1 in this batch).\n"
	"\n"
	"Exit status: 0 done; 1 the input ended in the middle of a form (that form\n"
	"was not saved), or a --from file was refused; 2 wrong command line; 3\n"
	"system or database error.\n";

/* ---- --questions ---------------------------------------------------------- */

static const char *type_name(enum entry_qtype t)
{
	switch (t) {
	case EQ_SINGLE:
		return "one box";
	case EQ_MULTIPLE:
		return "boxes";
	case EQ_SCALE:
		return "scale";
	case EQ_POSTCODE:
		return "postcode";
	case EQ_NUMBER:
		return "number";
	case EQ_DATE:
		return "date";
	case EQ_SHORT_TEXT:
		return "short";
	case EQ_FREE_TEXT:
		break;
	}
	return "text";
}

static void list_questions(const struct entry_form *f)
{
	printf("%s form: %zu questions. A --from file has a header row of 'serial' and\n"
	       "these codes.\n\n", strcmp(f->variant, "easy-read") ? "Standard" : "Easy Read",
	       f->nqs);
	for (size_t i = 0; i < f->nqs; i++) {
		const struct entry_question *q = &f->qs[i];
		const char *next;
		size_t len = compare_wrap(q->text, 78 - 30, &next);

		printf("%3d  %-14s %-9s %.*s\n", q->number, q->code, type_name(q->type), (int)len,
		       q->text);
		if (*next)
			compare_print_wrapped(stdout, next, 30, 78 - 30);
		if (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE)
			for (size_t k = 0; k < q->nopts; k++)
				printf("%*s%2zu  %s\n", 30, "", k + 1, q->opts[k].label);
		if (q->type == EQ_SCALE)
			printf("%*s%ld to %ld\n", 30, "", q->scale_min, q->scale_max);
	}
}

/* ---- --from: a typed-up batch file ------------------------------------------ */

/* A message for FILE:LINE: the officer-facing sentence, its first word in lower case. */
static void file_error(struct err *errs, const char *path, long line, const char *what,
		       const char *why)
{
	char msg[ENTRY_WHY_MAX];

	snprintf(msg, sizeof msg, "%s", why);
	if (msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z')
		msg[0] = (char)(msg[0] - 'A' + 'a');
	if (what)
		err_set(errs, EXIT_DATA, "%s:%ld: %s: %s", path, line, what, msg);
	else
		err_set(errs, EXIT_DATA, "%s:%ld: %s", path, line, msg);
}

/* The label of the form's option `code`, or NULL when the form has none. */
static const char *option_label(const struct entry_question *q, const char *code)
{
	for (size_t k = 0; k < q->nopts; k++)
		if (!strcmp(q->opts[k].code, code))
			return q->opts[k].label;
	return NULL;
}

/* Where each question's answer is in the file. */
struct column {
	const struct entry_question *q;
	int field;                       /* header index, -1 when none */
	const struct map_question *mq;   /* --map: how to read it */
	int *option_fields;              /* --map, one field per option */
	const struct map_value *values;  /* --map <district>: its values */
	size_t nvalues;
};

struct batch {
	const char *path;
	const struct entry_form *form;
	const struct mapping *m;
	struct column *cols;             /* one per question of the form */
	int serial_field, event_field;
	size_t nfields;
	char **serials;                  /* serial numbers seen in the file */
	long *serial_lines;
	size_t nserials, serials_alloc, lines_alloc;
};

static int header_index(const struct csv_record *h, const char *name)
{
	for (size_t i = 0; i < h->nfields; i++)
		if (!strcmp(h->fields[i], name))
			return (int)i;
	return -1;
}

/* The header of a file without a mapping: serial and question codes. */
static int read_plain_header(struct batch *b, const struct csv_record *h, struct err *errs)
{
	for (size_t i = 0; i < h->nfields; i++) {
		const char *name = h->fields[i];
		const struct entry_question *q;
		char shown[80];

		snprintf(shown, sizeof shown, "%.70s", name);
		if (!strcasecmp(name, "serial")) {
			if (b->serial_field >= 0)
				err_set(errs, EXIT_DATA, "%s:%ld: two columns are called 'serial'",
					b->path, h->line);
			b->serial_field = (int)i;
			continue;
		}
		if (!(q = entry_form_find(b->form, name))) {
			err_set(errs, EXIT_DATA, "%s:%ld: column '%s' is not a question code of the "
						 "%s form ('collector enter DB --questions%s' lists "
						 "them)", b->path, h->line, shown,
				strcmp(b->form->variant, "easy-read") ? "standard" : "Easy Read",
				strcmp(b->form->variant, "easy-read") ? "" : " --form easy-read");
			continue;
		}
		if (b->cols[q->number - 1].field >= 0) {
			err_set(errs, EXIT_DATA, "%s:%ld: two columns are for question %s", b->path,
				h->line, q->code);
			continue;
		}
		b->cols[q->number - 1].field = (int)i;
	}
	if (b->serial_field < 0)
		err_set(errs, EXIT_DATA, "%s:%ld: there is no 'serial' column: the serial number "
					 "written on each form is needed", b->path, h->line);
	return err_isset(errs) ? -1 : 0;
}

static int need(struct batch *b, const struct csv_record *h, const char *field, long line,
		struct err *errs)
{
	int i = header_index(h, field);

	if (i < 0)
		err_set(errs, EXIT_DATA, "%s: there is no column '%.80s' in the header, but the "
					 "mapping (%s:%ld) names it", b->path, field, b->m->path, line);
	return i;
}

/* The header of a file read with a mapping. */
static int read_mapped_header(struct batch *b, const struct csv_record *h, struct err *errs)
{
	const struct mapping *m = b->m;

	if (!m->serial_field)
		return err_set(errs, EXIT_DATA, "%s:%ld: the mapping has no <serial>: typed-in "
						"forms need their serial numbers", m->path, m->line);
	b->serial_field = need(b, h, m->serial_field, m->line, errs);
	if (m->event_field)
		b->event_field = need(b, h, m->event_field, m->line, errs);
	for (size_t i = 0; i < m->nquestions; i++) {
		const struct map_question *mq = &m->questions[i];
		const struct entry_question *q = entry_form_find(b->form, mq->code);
		struct column *c;

		if (!q) {
			err_set(errs, EXIT_DATA, "%s:%ld: question '%s' is not on the %s form",
				m->path, mq->line, mq->code, b->form->variant);
			continue;
		}
		c = &b->cols[q->number - 1];
		c->mq = mq;
		if (mq->field)
			c->field = need(b, h, mq->field, mq->line, errs);
		if (mq->noptions) {
			if (!(c->option_fields = calloc(mq->noptions, sizeof *c->option_fields)))
				return err_set(errs, EXIT_SYSTEM, "out of memory");
			for (size_t k = 0; k < mq->noptions; k++)
				c->option_fields[k] = need(b, h, mq->options[k].field,
							   mq->options[k].line, errs);
		}
	}
	/* <postcode> and <district> answer the form's own questions when not mapped. */
	for (size_t i = 0; i < b->form->nqs; i++) {
		const struct entry_question *q = &b->form->qs[i];
		struct column *c = &b->cols[i];
		int district = 0;

		for (size_t k = 0; k < q->nopts; k++)
			district |= q->opts[k].district != NULL;
		if (c->mq || c->field >= 0)
			continue;
		if (q->type == EQ_POSTCODE && m->postcode_field)
			c->field = need(b, h, m->postcode_field, m->line, errs);
		else if (district && q->type == EQ_SINGLE && m->district_field) {
			c->field = need(b, h, m->district_field, m->line, errs);
			c->values = m->district_values;
			c->nvalues = m->ndistrict_values;
		}
	}
	return err_isset(errs) ? -1 : 0;
}

static const char *cell(const struct csv_record *rec, int i)
{
	return i >= 0 && (size_t)i < rec->nfields ? rec->fields[i] : "";
}

/* The code a mapping <value> turns text into, or the text itself. */
static const char *mapped(const struct map_value *v, size_t n, const char *text)
{
	char t[512];
	size_t start, len = trim_bounds(text, strlen(text), &start);
	const char *s = text + start;

	/* trim.h's set, as import trims the same kind of cell. */
	snprintf(t, sizeof t, "%.*s", (int)(len < sizeof t ? len : sizeof t - 1), s);
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i].from, t))
			return v[i].to;
	return text;
}

/* More choices than an answer holds: refused, never cut to the first ones. */
static enum entry_input too_many_picks(char *why, size_t cap)
{
	snprintf(why, cap, "more than %d choices, the most one answer takes", ENTRY_MAX_PICKS);
	return ENTRY_INPUT_ERROR;
}

/* One answer of a row read with a mapping, through the same checks as typing. */
static enum entry_input mapped_answer(const struct column *c, const struct csv_record *rec,
				      struct entry_answer *a, char *why, size_t cap)
{
	const struct map_question *mq = c->mq;
	const struct entry_question *q = c->q;
	const char *pieces[ENTRY_MAX_PICKS];
	size_t n = 0;

	if (mq && mq->noptions) {
		for (size_t k = 0; k < mq->noptions; k++) {
			const char *code = mq->options[k].code;
			enum tick t = tick_read(cell(rec, c->option_fields[k]), code,
						option_label(q, code));

			if (t == TICK_NO)
				continue;
			if (t == TICK_BAD) {
				snprintf(why, cap, "column '%.60s': the value is not a tick (" TICK_WORDS
						   ")", mq->options[k].field);
				return ENTRY_INPUT_ERROR;
			}
			if (n == ENTRY_MAX_PICKS)
				return too_many_picks(why, cap);
			pieces[n++] = code;
		}
		return entry_parse_choices(q, pieces, n, a, why, cap);
	}
	{
		const char *v = cell(rec, c->field);
		const struct map_value *vals = mq ? mq->values : c->values;
		size_t nvals = mq ? mq->nvalues : c->nvalues;

		if (!v[strspn(v, " \t\r\n")]) {
			memset(a, 0, sizeof *a);
			a->state = ENTRY_SKIPPED;
			return ENTRY_INPUT_ANSWER;
		}
		if (mq && mq->separator && (q->type == EQ_SINGLE || q->type == EQ_MULTIPLE)) {
			char *copy = strdup(v), *p = copy;
			size_t seplen = strlen(mq->separator);
			enum entry_input r;

			if (!copy) {
				snprintf(why, cap, "out of memory");
				return ENTRY_INPUT_ERROR;
			}
			while (p && n < ENTRY_MAX_PICKS) {
				char *sep = seplen ? strstr(p, mq->separator) : NULL;

				if (sep)
					*sep = '\0';
				pieces[n++] = mapped(vals, nvals, p);
				p = sep ? sep + seplen : NULL;
			}
			r = p && *p ? too_many_picks(why, cap)
				   : entry_parse_choices(q, pieces, n, a, why, cap);
			free(copy);
			return r;
		}
		return entry_parse(q, mapped(vals, nvals, v), a, why, cap);
	}
}

static int remember_serial(struct batch *b, const char *serial, long line, long *first)
{
	*first = 0;
	for (size_t i = 0; i < b->nserials; i++)
		if (!strcmp(b->serials[i], serial)) {
			*first = b->serial_lines[i];
			return 0;
		}
	if (ALLOC_GROW(b->serials, b->nserials + 1, b->serials_alloc) < 0 ||
	    ALLOC_GROW(b->serial_lines, b->nserials + 1, b->lines_alloc) < 0)
		return -1;
	if (!(b->serials[b->nserials] = strdup(serial)))
		return -1;
	b->serial_lines[b->nserials++] = line;
	return 0;
}

struct file_result {
	long forms, differing, erased;
	char first_serial[ENTRY_SERIAL_MAX + 1], last_serial[ENTRY_SERIAL_MAX + 1];
};

/* One data row: checked like typing, then saved inside the file's transaction. */
static int one_row(struct entry_session *s, struct batch *b, const struct csv_record *rec,
		   struct entry_answer *answers, struct file_result *res, struct err *errs,
		   struct err *e)
{
	const struct entry_form *f = b->form;
	char serial[ENTRY_SERIAL_MAX + 1], why[ENTRY_WHY_MAX];
	struct entry_saved saved;
	int bad = 0, rc;
	long first;

	if (rec->nfields != b->nfields) {
		err_set(errs, EXIT_DATA, "%s:%ld: %zu fields, but the header has %zu", b->path,
			rec->line, rec->nfields, b->nfields);
		return 0;
	}
	{
		const char *v = cell(rec, b->serial_field);
		size_t start, len = trim_bounds(v, strlen(v), &start);

		v += start; /* trim.h's set, as import trims the serial */
		if (!len || len > ENTRY_SERIAL_MAX) {
			err_set(errs, EXIT_DATA, "%s:%ld: the serial number is %s", b->path,
				rec->line, len ? "longer than 40 characters" : "missing");
			return 0;
		}
		memcpy(serial, v, len);
		serial[len] = '\0';
	}
	if (remember_serial(b, serial, rec->line, &first) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (first) {
		err_set(errs, EXIT_DATA, "%s:%ld: serial %s appears twice in this file (first on "
					 "line %ld)", b->path, rec->line, serial, first);
		return 0;
	}
	/* An erased form is skipped, not refused: the rest of the file is good. */
	if ((rc = entry_serial_erased(s, serial, e)) != 0) {
		if (rc < 0)
			return -1;
		printf("%s:%ld: form %s skipped: it was erased at the respondent's request "
		       "(see 'collector erase')\n", b->path, rec->line, serial);
		res->erased++;
		return 0;
	}
	if (b->event_field >= 0) {
		const char *ev = cell(rec, b->event_field);

		if (*ev && strcasecmp(ev, entry_session_event(s))) {
			err_set(errs, EXIT_DATA, "%s:%ld: form %s is from another event (column "
						 "'%.60s'), but this is a batch for %s: put each "
						 "event's forms in a file of their own", b->path,
				rec->line, serial, b->m ? b->m->event_field : "event",
				entry_session_event(s));
			return 0;
		}
	}
	for (size_t i = 0; i < f->nqs; i++) {
		const struct column *c = &b->cols[i];
		enum entry_input r;
		char code[80];

		entry_answer_clear(&answers[i]);
		answers[i].state = ENTRY_SKIPPED; /* no column: nothing written */
		if (c->field < 0 && !(c->mq && c->mq->noptions))
			continue;
		if (b->m) {
			r = mapped_answer(c, rec, &answers[i], why, sizeof why);
		} else {
			r = entry_parse(c->q, cell(rec, c->field), &answers[i], why, sizeof why);
			if (r == ENTRY_INPUT_EMPTY) {
				answers[i].state = ENTRY_SKIPPED;
				continue;
			}
		}
		snprintf(code, sizeof code, "%s", c->q->code);
		if (r == ENTRY_INPUT_BACK || r == ENTRY_INPUT_HELP) {
			snprintf(why, sizeof why, "'%s' means something only when typing forms in: "
						  "write the answer, s or u", r == ENTRY_INPUT_BACK ? "b" : "?");
			r = ENTRY_INPUT_ERROR;
		}
		if (r == ENTRY_INPUT_ERROR) {
			file_error(errs, b->path, rec->line, code, why);
			bad = 1;
		}
	}
	if (bad)
		return 0;
	/* Cross-field checks: the row is refused, with each check it breaks. */
	{
		struct entry_problem p[8];
		int n = entry_cross_check(f, answers, p, 8, e);

		if (n < 0)
			return -1;
		for (int k = 0; k < n && k < 8; k++)
			file_error(errs, b->path, rec->line, NULL, p[k].where);
		if (n)
			return 0;
	}
	rc = entry_save(s, serial, answers, &saved, why, sizeof why, e);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		file_error(errs, b->path, rec->line, NULL, why);
		return 0;
	}
	if (!res->forms)
		snprintf(res->first_serial, sizeof res->first_serial, "%s", serial);
	snprintf(res->last_serial, sizeof res->last_serial, "%s", serial);
	res->forms++;
	if (saved.ndiffs) {
		res->differing++;
		printf("Form %s (line %ld) differs from the first entry at %zu question%s:\n",
		       serial, rec->line, saved.ndiffs, saved.ndiffs == 1 ? "" : "s");
		entry_print_diffs(stdout, saved.first_officer, entry_session_officer(s), saved.diffs,
				  saved.ndiffs);
	}
	entry_saved_free(&saved);
	return 0;
}

/* What a saved file did: forms or second entries, serials, erased, verified. */
static void print_saved(const char *path, struct entry_session *s, enum entry_mode mode,
			const struct file_result *res)
{
	printf("%s: %ld %s saved for %s by %s (serial%s %s%s%s).\n", path, res->forms,
	       mode == ENTRY_SECOND ? (res->forms == 1 ? "second entry" : "second entries")
				    : (res->forms == 1 ? "form" : "forms"),
	       entry_session_event(s), entry_session_officer(s), res->forms == 1 ? "" : "s",
	       res->first_serial, res->forms == 1 ? "" : entry_range_dash(res->first_serial,
									  res->last_serial),
	       res->forms == 1 ? "" : res->last_serial);
	if (res->erased)
		printf("%ld %s skipped: erased at the respondent's request.\n", res->erased,
		       res->erased == 1 ? "form" : "forms");
	if (mode == ENTRY_SECOND)
		printf("%ld agree with the first entry and are verified; %ld differ%s\n",
		       res->forms - res->differing, res->differing,
		       res->differing ? ": 'collector resolve' settles them." : ".");
}

/* Frees what from_file() gathered in `b` for a form of nqs questions. */
static void batch_release(struct batch *b, size_t nqs)
{
	for (size_t i = 0; b->cols && i < nqs; i++)
		free(b->cols[i].option_fields);
	free(b->cols);
	for (size_t i = 0; i < b->nserials; i++)
		free(b->serials[i]);
	free(b->serials);
	free(b->serial_lines);
}

static int from_file(sqlite3 *db, long long ex, const struct entry_form *form,
		     const struct mapping *m, const char *path, const char *event,
		     const char *officer, enum entry_mode mode, struct err *e)
{
	struct entry_session_options so = { ex, form, event, officer, mode, path };
	struct entry_session *s = NULL;
	struct csv_options copt = { 0 };
	struct csv_reader *r = NULL;
	struct csv_record rec;
	struct batch b = { 0 };
	struct file_result res = { 0 };
	struct entry_answer *answers = NULL;
	struct err errs;
	int rc, status = EXIT_SYSTEM, in_tx = 0;

	err_init(&errs);
	b.path = path;
	b.form = form;
	b.m = m;
	b.serial_field = b.event_field = -1;
	if (m)
		copt.separator = m->separator;
	if (!(b.cols = calloc(form->nqs, sizeof *b.cols)) ||
	    !(answers = calloc(form->nqs, sizeof *answers))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < form->nqs; i++) {
		b.cols[i].q = &form->qs[i];
		b.cols[i].field = -1;
	}
	{
		struct stat sb;

		if (stat(path, &sb) != 0) {
			err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s",
				path, strerror(errno));
			goto out;
		}
	}
	if (!(r = csv_reader_open(path, &copt, e)))
		goto out;
	if (!(s = entry_session_open(db, &so, e)))
		goto out;
	do
		rc = csv_read(r, &rec, &errs);
	while (rc == CSV_BAD);
	if (rc == CSV_FATAL) {
		err_set(e, errs.code ? errs.code : EXIT_DATA, "%s", err_first(&errs));
		goto out;
	}
	if (rc == CSV_EOF) {
		err_set(e, EXIT_DATA, "%s is empty: it needs a header row of 'serial' and question "
				      "codes, then one form a row", path);
		goto out;
	}
	if (err_isset(&errs))
		goto refused;
	b.nfields = rec.nfields;
	if ((m ? read_mapped_header(&b, &rec, &errs) : read_plain_header(&b, &rec, &errs)) < 0)
		goto refused;
	if (entry_session_begin_file(s, e) < 0)
		goto out;
	in_tx = 1;
	while ((rc = csv_read(r, &rec, &errs)) != CSV_EOF) {
		if (rc == CSV_FATAL) {
			if (errs.code == EXIT_SYSTEM) {
				err_set(e, EXIT_SYSTEM, "%s", errs.lines[errs.nlines ? errs.nlines - 1 : 0]);
				goto out;
			}
			goto refused;
		}
		if (rc == CSV_BAD)
			continue; /* the reader said why */
		if (one_row(s, &b, &rec, answers, &res, &errs, e) < 0)
			goto out;
	}
	if (!err_isset(&errs) && !res.forms && res.erased) {
		entry_session_end_file(s, 0, e);
		in_tx = 0;
		if (err_isset(e))
			goto out;
		printf("%s: nothing saved: every form in it was erased at the respondent's "
		       "request.\n", path);
		status = EXIT_OK;
		goto out;
	}
	if (err_isset(&errs) || !res.forms) {
		if (!err_isset(&errs))
			err_set(&errs, EXIT_DATA, "%s has no forms after its header row", path);
		goto refused;
	}
	in_tx = 0;
	if (entry_session_end_file(s, 1, e) < 0)
		goto out;
	print_saved(path, s, mode, &res);
	status = EXIT_OK;
	goto out;
refused:
	if (in_tx) {
		in_tx = 0;
		entry_session_end_file(s, 0, e);
	}
	err_print(&errs, cmd_progname);
	err_set(e, EXIT_DATA, "%s was not stored: nothing saved. Correct the lines above and run "
			      "it again", path);
	status = EXIT_DATA;
out:
	if (in_tx)
		entry_session_end_file(s, 0, NULL);
	for (size_t i = 0; answers && i < form->nqs; i++)
		entry_answer_clear(&answers[i]);
	free(answers);
	batch_release(&b, form->nqs);
	entry_session_free(s);
	csv_reader_free(r);
	if (status == EXIT_SYSTEM && !err_isset(e))
		err_set(e, EXIT_SYSTEM, "%s was not stored", path);
	return status;
}

/* ---- typed ----------------------------------------------------------------- */

/* An unknown event: said, and asked again. 1 with the new code, 0 at end of input. */
static int ask_event(sqlite3 *db, long long ex, const char *bad, char **line, size_t *cap)
{
	char close[200];

	char msg[400];

	entry_close_events(db, ex, bad, close, sizeof close);
	snprintf(msg, sizeof msg, "There is no event '%s' in this exercise%s%s%s.", bad,
		 *close ? " (did you mean " : "", close, *close ? "?)" : "");
	compare_print_wrapped(stdout, msg, 0, 78);
	printf("Type the event code from the batch sheet ('collector status' lists them),\n"
	       "or q to stop:\n> ");
	if (!entry_ui_read_line(stdin, stdout, line, cap))
		return 0;
	return strcasecmp(*line, "q") != 0;
}

/* --change SERIAL: the saved form, its answers asked again where the officer says. */
static int change(sqlite3 *db, long long ex, const char *serial, const char *officer,
		  struct err *e)
{
	struct entry_editable ed;
	struct entry_form *form = NULL;
	char why[ENTRY_WHY_MAX], id[32];
	long long rid;
	int rc;

	snprintf(id, sizeof id, "%lld", ex);
	if (db_int(db, "SELECT id FROM response WHERE exercise_id = ?1 AND serial = ?2", 0, &rid,
		   e, 2, id, serial) < 0)
		return EXIT_SYSTEM;
	if (!rid) {
		err_set(e, EXIT_DATA, "there is no form with serial number %s", serial);
		return EXIT_DATA;
	}
	if ((rc = entry_edit_allowed(db, ex, rid, officer, 0, &ed, why, sizeof why, e)) <= 0) {
		if (rc == 0) {
			why[0] = (char)(why[0] >= 'A' && why[0] <= 'Z' ? why[0] - 'A' + 'a' : why[0]);
			err_set(e, EXIT_DATA, "%s", why);
		}
		return rc == 0 ? EXIT_DATA : EXIT_SYSTEM;
	}
	if (!(form = entry_form_load(db, ex, ed.variant, e)))
		return EXIT_SYSTEM;
	rc = entry_ui_change(db, ex, form, &ed, officer, stdin, stdout, e);
	entry_form_free(form);
	return rc;
}

struct enter_opts {
	const char *event, *officer, *form_name, *from, *change;
	enum entry_mode mode;
	int questions;
	struct mapping *m;
};

static int parse(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'v' },
		{ "officer", required_argument, NULL, 'o' },
		{ "form", required_argument, NULL, 'F' },
		{ "verify", no_argument, NULL, 'V' },
		{ "from", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "questions", no_argument, NULL, 'Q' },
		{ "change", required_argument, NULL, 'C' },
		CMD_EXERCISE_OPTION,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct enter_opts *o = ctx->opts;
	const char *map_path = NULL;
	int c;

	o->mode = ENTRY_FIRST;
	while ((c = cmd_getopt(ctx, argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case 'v': o->event = optarg; break;
		case 'o': o->officer = optarg; break;
		case 'F': o->form_name = optarg; break;
		case 'V': o->mode = ENTRY_SECOND; break;
		case 'f': o->from = optarg; break;
		case 'm': map_path = optarg; break;
		case 'Q': o->questions = 1; break;
		case 'C': o->change = optarg; break;
		case 'h':
			return cmd_help(usage);
		default:
			return cmd_bad_option(usage);
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(usage, "enter takes one database");
	if (o->form_name && strcmp(o->form_name, "standard") && strcmp(o->form_name, "easy-read"))
		return cmd_usage_error(usage, "--form is standard or easy-read, not '%s'",
				       o->form_name);
	if (map_path && !o->from)
		return cmd_usage_error(usage, "--map goes with --from FILE.csv");
	if (o->change && (o->from || o->mode == ENTRY_SECOND || o->event || o->form_name))
		return cmd_usage_error(usage, "--change SERIAL goes with --officer only: the form "
					      "keeps its event and form");
	if (!o->questions && !o->event && !o->change)
		return cmd_usage_error(usage, "enter needs --event CODE: the event the forms come "
					      "from");
	if (!o->questions && !o->officer)
		return cmd_usage_error(usage, "enter needs --officer NAME: who is typing");
	if (map_path) {
		if (!(o->m = mapping_load(map_path, e)))
			return -1;
		if (o->form_name && strcmp(o->form_name, o->m->form))
			return cmd_usage_error(usage, "--form %s, but the mapping %s is for the %s "
						      "form", o->form_name, map_path, o->m->form);
		if (!o->form_name)
			o->form_name = o->m->form;
		if (!ctx->exercise_code)
			ctx->exercise_code = o->m->exercise;
	}
	if (!o->form_name)
		o->form_name = "standard";
	ctx->db_path = argv[optind];
	return CMD_GO_ON;
}

static int run(struct cmd_ctx *ctx, struct err *e)
{
	struct enter_opts *o = ctx->opts;
	struct entry_form *form = NULL;
	struct entry_session *s = NULL;
	sqlite3 *db = ctx->db;
	long long ex = ctx->exercise;
	char *line = NULL;
	size_t cap = 0;
	int rc = EXIT_OK;

	if (o->change) {
		rc = change(db, ex, o->change, o->officer, e);
		goto out;
	}
	if (!(form = entry_form_load(db, ex, o->form_name, e)))
		goto out;
	if (o->questions) {
		list_questions(form);
		goto out;
	}
	if (o->from) {
		rc = from_file(db, ex, form, o->m, o->from, o->event, o->officer, o->mode, e);
		goto out;
	}
	{
		char ev[64];
		int known;

		snprintf(ev, sizeof ev, "%s", o->event);
		while ((known = entry_event_exists(db, ex, ev, e)) == 0) {
			if (!ask_event(db, ex, ev, &line, &cap)) {
				err_set(e, EXIT_USAGE, "no event given: nothing typed in");
				break;
			}
			snprintf(ev, sizeof ev, "%s", line + strspn(line, " \t"));
			ev[strcspn(ev, " \t")] = '\0';
		}
		if (known > 0) {
			struct entry_session_options so = { ex, form, ev, o->officer, o->mode, NULL };

			s = entry_session_open(db, &so, e);
		}
	}
	if (!s)
		goto out;
	rc = entry_ui_run(s, stdin, stdout, e);
out:
	entry_session_free(s);
	entry_form_free(form);
	free(line);
	return rc;
}

static void release(void *opts)
{
	mapping_free(((struct enter_opts *)opts)->m);
}

const struct cmd_ops cmd_enter = { parse, run, release, sizeof(struct enter_opts) };
