/*
 * source_limesurvey.c: LimeSurvey response exports (.lsr) as a source.
 *
 * An .lsr is <document><LimeSurveyDocType>Responses</LimeSurveyDocType>
 * ...<responses><fields><fieldname>...</fields><rows><row>...</row></rows>.
 * Its columns are SGQA codes ("293446X20X245anwesenheit": survey, group,
 * question id, then a subquestion code or "other" or "comment"); each row
 * holds one element per non-NULL column, named like the column but with
 * '_' in front when it starts with a digit and '-' for '#', its value in
 * CDATA. With the survey structure (.lss) the columns are given the names
 * of LimeSurvey's "question code" export headings ("Q1", "Q2[SQ001]").
 *
 * The .lsr is read into memory and parsed with libxml2's reader, one <row>
 * at a time: no tree of the whole export is built. The reader parses a few
 * KB ahead, so malformed XML is reported a few rows early (at open for a
 * small file), always with the line where it is. The small .lss is read as
 * a tree through xmlsafe.
 */
#include "source.h"

#include <ctype.h>
#include <errno.h>
#include <libxml/xmlreader.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileutil.h"
#include "source_lsa.h"
#include "strbuf.h"
#include "trim.h"
#include "utf8.h"
#include "xmlsafe.h"

#define LSR_MAX ((size_t)SOURCE_MAX_LIMESURVEY)	/* bytes of an .lsr read into memory */
#define RAW_MAX 4096			/* bytes of a row kept as its raw text */
#define MSG_LEN 320

/* A question or subquestion of the survey structure. */
struct lsq {
	long qid;
	long parent;		/* 0 for a question */
	long gid;
	char *title;		/* the question code, or the subquestion code */
};

struct structure {
	long sid;		/* 0 when not given */
	char *lang;		/* the base language, or NULL */
	struct lsq *q;		/* questions, by qid */
	size_t nq;
	struct lsq *sq;		/* subquestions, by parent and title */
	size_t nsq;
};

/* A name and its column, to sort by name. */
struct keyed {
	const char *key;
	size_t col;
};

struct lsr {
	char *path;		/* the .lsr in messages; in an archive "A.lsa (ENTRY.lsr)" */
	char *file;		/* the file imported: the .lsr or the .lsa */
	char *buf;		/* the whole .lsr, which the reader parses */
	size_t len;
	xmlTextReaderPtr r;
	int perr_set;		/* the parser's first error, kept by on_reader_error */
	int perr_limit;		/* it is one of the safety limits, said in plain words */
	long perr_line;
	char perr[MSG_LEN];

	size_t nf;		/* columns in <fields> */
	char **fieldnames;	/* as in <fields> */
	char **names;		/* what the record calls them */
	char **elems;		/* the element names in a row */
	struct keyed *byelem;	/* columns sorted by element name */
	size_t hint;		/* where the last element was found */

	enum { IN_HEAD, IN_ROWS, DONE } state;
	long nrec;
	char **vals;		/* this row's values, NULL when absent */
	const char **out;	/* what the record shows: vals or "" */
	char *raw;
};

/* ---- Small helpers ---- */

static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static long to_long(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end ? -1 : v;
}

/* Survey, group and the rest of an SGQA column name; 0 when it is not one. */
static int split_sgqa(const char *f, long *sid, long *gid, const char **rest)
{
	const char *p = f;
	char *end;

	if (!isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	*sid = strtol(p, &end, 10);
	if (errno || *end != 'X' || !isdigit((unsigned char)end[1]))
		return 0;
	p = end + 1;
	*gid = strtol(p, &end, 10);
	if (errno || *end != 'X' || !isdigit((unsigned char)end[1]))
		return 0;
	*rest = end + 1;
	return 1;
}

/* The survey id the columns are named after, or 0. */
static long sid_of_fields(char **f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long sid, gid;
		const char *rest;

		if (split_sgqa(f[i], &sid, &gid, &rest))
			return sid;
	}
	return 0;
}

/* The id in a file name "survey_<sid>_responses.lsr", or 0. */
static long sid_of_name(const char *path)
{
	const char *base = file_base(path);
	char *end;
	long v;

	if (strncmp(base, "survey_", 7) != 0 || !isdigit((unsigned char)base[7]))
		return 0;
	errno = 0;
	v = strtol(base + 7, &end, 10);
	return errno || *end != '_' ? 0 : v;
}

/* printf into a new string; NULL when out of memory. */
static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- The survey structure (.lss) ---- */

static void structure_free(struct structure *s)
{
	for (size_t i = 0; i < s->nq; i++)
		free(s->q[i].title);
	for (size_t i = 0; i < s->nsq; i++)
		free(s->sq[i].title);
	free(s->q);
	free(s->sq);
	free(s->lang);
	memset(s, 0, sizeof *s);
}

/* The trimmed text of row's child `name`, or NULL when absent (or no memory). */
static char *row_text(xmlNodePtr row, const char *name)
{
	xmlNodePtr c = xmlsafe_child(row, name);

	return c ? xmlsafe_text(c) : NULL;
}

static int cmp_qid(const void *a, const void *b)
{
	const struct lsq *x = a, *y = b;

	return x->qid < y->qid ? -1 : x->qid > y->qid;
}

static int cmp_sub(const void *a, const void *b)
{
	const struct lsq *x = a, *y = b;

	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	return strcmp(x->title, y->title);
}

static int push_q(struct lsq **v, size_t *n, size_t *cap, const struct lsq *q)
{
	if (ALLOC_GROW(*v, *n + 1, *cap) < 0)
		return -1;
	(*v)[(*n)++] = *q;
	return 0;
}

/*
 * The rows of <questions> or <subquestions>: questions (parent_qid 0) and
 * subquestions, in the base language only when rows carry a language.
 */
static int read_question_rows(struct structure *s, xmlNodePtr section, size_t *qcap,
			      size_t *sqcap)
{
	xmlNodePtr rows = section ? xmlsafe_child(section, "rows") : NULL;

	for (xmlNodePtr row = xmlsafe_first(rows); row; row = xmlsafe_next(row)) {
		struct lsq q = { 0 };
		char *qid, *parent, *gid, *lang;
		int skip, rc;

		if (!xmlsafe_is(row, "row"))
			continue;
		qid = row_text(row, "qid");
		parent = row_text(row, "parent_qid");
		gid = row_text(row, "gid");
		lang = row_text(row, "language");
		q.qid = to_long(qid);
		q.parent = parent ? to_long(parent) : 0;
		q.gid = to_long(gid);
		skip = q.qid < 0 || q.parent < 0 ||
		       (lang && lang[0] && s->lang && strcmp(lang, s->lang) != 0);
		free(qid);
		free(parent);
		free(gid);
		free(lang);
		if (skip)
			continue;
		if (!(q.title = row_text(row, "title")))
			continue;
		if (q.parent == 0)
			rc = push_q(&s->q, &s->nq, qcap, &q);
		else
			rc = push_q(&s->sq, &s->nsq, sqcap, &q);
		if (rc < 0) {
			free(q.title);
			return -1;
		}
	}
	return 0;
}

/* Sorts v and drops the rows equal (by cmp) to the one before. */
static void sort_unique(struct lsq *v, size_t *n, int (*cmp)(const void *, const void *))
{
	size_t j = 0;

	if (*n < 2)
		return;
	qsort(v, *n, sizeof *v, cmp);
	for (size_t i = 0; i < *n; i++) {
		if (j && cmp(&v[j - 1], &v[i]) == 0) {
			free(v[i].title);
			continue;
		}
		v[j++] = v[i];
	}
	*n = j;
}

/* Reads the .lss `path`, or when `buf` is not NULL the .lss held there (`path` names it). */
static int structure_read(const char *path, const char *buf, size_t len, struct structure *s,
			  struct err *e)
{
	xmlDocPtr doc = buf ? xmlsafe_parse(buf, len, path, e) : xmlsafe_read(path, e);
	xmlNodePtr root, type, surveys, langs;
	size_t qcap = 0, sqcap = 0;
	char *t = NULL;
	int rc = -1;

	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	type = xmlsafe_is(root, "document") ? xmlsafe_child(root, "LimeSurveyDocType") : NULL;
	if (type)
		t = xmlsafe_text(type);
	if (!t || strcmp(t, "Survey") != 0) {
		err_set(e, EXIT_DATA, "%s is not a LimeSurvey survey structure (.lss)", path);
		goto out;
	}
	surveys = xmlsafe_child(root, "surveys");
	surveys = surveys ? xmlsafe_child(surveys, "rows") : NULL;
	surveys = surveys ? xmlsafe_child(surveys, "row") : NULL;
	if (surveys) {
		char *sid = row_text(surveys, "sid");

		s->sid = to_long(sid) > 0 ? to_long(sid) : 0;
		free(sid);
		s->lang = row_text(surveys, "language");
	}
	langs = xmlsafe_child(root, "languages");
	if ((!s->lang || !s->lang[0]) && langs && xmlsafe_child(langs, "language")) {
		free(s->lang);
		s->lang = xmlsafe_text(xmlsafe_child(langs, "language"));
	}
	if (read_question_rows(s, xmlsafe_child(root, "questions"), &qcap, &sqcap) < 0 ||
	    read_question_rows(s, xmlsafe_child(root, "subquestions"), &qcap, &sqcap) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
		goto out;
	}
	sort_unique(s->q, &s->nq, cmp_qid);
	sort_unique(s->sq, &s->nsq, cmp_sub);
	if (!s->sid) {
		/* An older export without <surveys>: the questions say. */
		xmlNodePtr qs = xmlsafe_child(root, "questions");
		xmlNodePtr row = qs ? xmlsafe_child(xmlsafe_child(qs, "rows"), "row") : NULL;
		char *sid = row ? row_text(row, "sid") : NULL;

		s->sid = to_long(sid) > 0 ? to_long(sid) : 0;
		free(sid);
	}
	rc = 0;
out:
	free(t);
	xmlFreeDoc(doc);
	return rc;
}

static const struct lsq *find_question(const struct structure *s, long qid)
{
	struct lsq key = { .qid = qid };

	return s->nq ? bsearch(&key, s->q, s->nq, sizeof *s->q, cmp_qid) : NULL;
}

static int has_sub(const struct structure *s, long parent, const char *title, size_t len)
{
	struct lsq key = { .parent = parent };
	char buf[256];

	if (len >= sizeof buf || !s->nsq)
		return 0;
	memcpy(buf, title, len);
	buf[len] = '\0';
	key.title = buf;
	return bsearch(&key, s->sq, s->nsq, sizeof *s->sq, cmp_sub) != NULL;
}

/*
 * The heading of column suffix `sfx` of question q (the part after the
 * question id), or NULL when sfx does not fit the question:
 *   ""              TITLE
 *   SUB             TITLE[SUB]
 *   other           TITLE[other]
 *   comment         TITLE[comment]
 *   othercomment    TITLE[other][comment]
 *   SUBcomment      TITLE[SUB][comment]
 *   SUB#N           TITLE[SUB][N+1]        (dual-scale arrays)
 *   SUB1_SUB2       TITLE[SUB1_SUB2]       (arrays of numbers or texts)
 *   N               TITLE[N]               (ranking)
 *   _filecount      TITLE[filecount]       (file upload)
 * *fit is 0 when it does not fit; NULL with *fit 1 is out of memory.
 */
static char *heading(const struct structure *s, const struct lsq *q, const char *sfx, int *fit)
{
	size_t n = strlen(sfx);
	const char *hash = strchr(sfx, '#'), *us = strchr(sfx, '_');

	*fit = 1;
	if (!n)
		return strdup(q->title);
	if (has_sub(s, q->qid, sfx, n) || strcmp(sfx, "other") == 0 ||
	    strcmp(sfx, "comment") == 0 || all_digits(sfx, n))
		return format("%s[%s]", q->title, sfx);
	if (strcmp(sfx, "othercomment") == 0)
		return format("%s[other][comment]", q->title);
	if (n > 7 && strcmp(sfx + n - 7, "comment") == 0 && has_sub(s, q->qid, sfx, n - 7))
		return format("%s[%.*s][comment]", q->title, (int)(n - 7), sfx);
	if (hash && has_sub(s, q->qid, sfx, (size_t)(hash - sfx)) &&
	    all_digits(hash + 1, strlen(hash + 1)) && strlen(hash + 1) < 4)
		return format("%s[%.*s][%d]", q->title, (int)(hash - sfx), sfx, atoi(hash + 1) + 1);
	if (strcmp(sfx, "_filecount") == 0)
		return format("%s[filecount]", q->title);
	for (; us; us = strchr(us + 1, '_'))
		if (has_sub(s, q->qid, sfx, (size_t)(us - sfx)) &&
		    has_sub(s, q->qid, us + 1, strlen(us + 1)))
			return format("%s[%s]", q->title, sfx);
	*fit = 0;
	return NULL;
}

/*
 * The heading of one column, a new string: the question code form when
 * the structure knows the question, else the column name itself.
 */
static char *translate(const struct structure *s, const char *f)
{
	long sid, gid;
	const char *rest;
	const struct lsq *fallback = NULL;
	size_t digits, fb_len = 0;

	if (!s || !split_sgqa(f, &sid, &gid, &rest) || (s->sid && sid != s->sid))
		return strdup(f);
	for (digits = 0; isdigit((unsigned char)rest[digits]); digits++)
		;
	/* The longest question id that leaves a suffix fitting the question. */
	for (size_t k = digits; k > 0; k--) {
		char num[24];
		const struct lsq *q;
		char *h;
		int fit;

		if (k >= sizeof num)
			continue;
		memcpy(num, rest, k);
		num[k] = '\0';
		q = find_question(s, to_long(num));
		if (!q || (q->gid >= 0 && q->gid != gid))
			continue;
		if (!fallback) {
			fallback = q;
			fb_len = k;
		}
		h = heading(s, q, rest + k, &fit);
		if (h || fit)
			return h; /* a heading, or NULL: out of memory */
	}
	if (!fallback)
		return strdup(f);
	return format("%s[%s]", fallback->title, rest + fb_len);
}

/* ---- Reading the .lsr ---- */

#if LIBXML_VERSION >= 21200
static void on_reader_error(void *ctx, const xmlError *err)
#else
static void on_reader_error(void *ctx, xmlErrorPtr err)
#endif
{
	struct lsr *l = ctx;
	const char *limit;
	size_t n;

	if (l->perr_set || err->level < XML_ERR_ERROR)
		return;
	l->perr_set = 1;
	l->perr_line = err->line;
	if ((limit = xmlsafe_limit_message(err->message))) {
		l->perr_limit = 1;
		snprintf(l->perr, sizeof l->perr, "%s", limit);
		return;
	}
	snprintf(l->perr, sizeof l->perr, "%s", err->message ? err->message : "unknown problem");
	n = strlen(l->perr);
	while (n && trim_is_space((unsigned char)l->perr[n - 1]))
		l->perr[--n] = '\0';
	if (isupper((unsigned char)l->perr[0]) && !isupper((unsigned char)l->perr[1]))
		l->perr[0] = (char)tolower((unsigned char)l->perr[0]);
}

/* The line of a DOCTYPE before the root element, or 0. */
static long prolog_doctype(const char *p, size_t len)
{
	const char *end = p + len;
	long line = 1;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	for (;;) {
		const char *close;

		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			line += *p++ == '\n';
		if (end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
			return line;
		if (end - p >= 2 && memcmp(p, "<?", 2) == 0)
			close = strstr(p, "?>");
		else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			close = strstr(p, "-->");
		else
			return 0;
		if (!close)
			return 0;
		for (; p < close; p++)
			line += *p == '\n';
		p += p[1] == '>' ? 2 : 3;
	}
}

/* Sets the fatal error for a reader failure at the current place. */
static int reader_failed(struct lsr *l, struct err *e)
{
	long line = l->perr_set ? l->perr_line : xmlTextReaderGetParserLineNumber(l->r);
	const char *what = l->perr_limit ? "" : "malformed XML: ";

	l->state = DONE;
	if (line > 0)
		return err_set(e, EXIT_DATA, "%s:%ld: %s%s", l->path, line, what,
			       l->perr_set ? l->perr : "the document cannot be read");
	return err_set(e, EXIT_DATA, "%s: %s%s", l->path, what,
		       l->perr_set ? l->perr : "the document cannot be read");
}

/* The next node: 1, 0 at the end of the document, -1 with `e` set. */
static int step(struct lsr *l, struct err *e)
{
	int rc = xmlTextReaderRead(l->r);

	/*
	 * The reader parses a little ahead: an error is reported when the
	 * nodes before it have all been given out.
	 */
	if (rc < 0)
		return reader_failed(l, e);
	if (rc == 1 && xmlTextReaderNodeType(l->r) == XML_READER_TYPE_DOCUMENT_TYPE) {
		l->state = DONE;
		return err_set(e, EXIT_DATA, "%s:%d: a DOCTYPE is not allowed: DTDs and entities "
			       "are refused for safety", l->path,
			       xmlTextReaderGetParserLineNumber(l->r));
	}
	return rc;
}

static int is_element(struct lsr *l, int depth, const char *name)
{
	return xmlTextReaderNodeType(l->r) == XML_READER_TYPE_ELEMENT &&
	       xmlTextReaderDepth(l->r) == depth &&
	       (!name || strcmp((const char *)xmlTextReaderConstLocalName(l->r), name) == 0);
}

static int is_end(struct lsr *l, int depth)
{
	return xmlTextReaderNodeType(l->r) == XML_READER_TYPE_END_ELEMENT &&
	       xmlTextReaderDepth(l->r) == depth;
}

/*
 * The text inside the element the reader is on (any depth below it), as a
 * new string in *out; the reader ends on its end tag. 0, or -1 with `e` set.
 */
static int element_text(struct lsr *l, char **out, struct err *e)
{
	int depth = xmlTextReaderDepth(l->r);
	struct strbuf s = STRBUF_INIT;

	*out = NULL;
	if (!xmlTextReaderIsEmptyElement(l->r)) {
		for (;;) {
			int rc = step(l, e), type;

			if (rc <= 0) {
				if (rc == 0)
					reader_failed(l, e);
				strbuf_release(&s);
				return -1;
			}
			type = xmlTextReaderNodeType(l->r);
			if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(l->r) == depth)
				break;
			if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			    type == XML_READER_TYPE_WHITESPACE ||
			    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
				const char *v = (const char *)xmlTextReaderConstValue(l->r);

				if (v && strbuf_addstr(&s, v) < 0) {
					strbuf_release(&s);
					return err_set(e, EXIT_SYSTEM, "out of memory reading %s",
						       l->path);
				}
			}
		}
	}
	if (!(*out = strbuf_detach(&s, NULL)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", l->path);
	return 0;
}

/* Skips the element the reader is on; ends on its end tag. 0 or -1. */
static int skip_element(struct lsr *l, struct err *e)
{
	char *t;

	if (element_text(l, &t, e) < 0)
		return -1;
	free(t);
	return 0;
}

static int push_field(struct lsr *l, char *name, size_t *cap)
{
	if (ALLOC_GROW(l->fieldnames, l->nf + 1, *cap) < 0)
		return -1;
	l->fieldnames[l->nf++] = name;
	return 0;
}

static int not_lsr(struct lsr *l, struct err *e)
{
	return err_set(e, EXIT_DATA, "%s is not a LimeSurvey response export (.lsr)", l->path);
}

/* <fields> of <responses>, then up to <rows>. 0 or -1. */
static int read_responses_head(struct lsr *l, struct err *e)
{
	size_t cap = 0;
	int rc;

	if (xmlTextReaderIsEmptyElement(l->r)) {
		l->state = DONE;
		return 0;
	}
	while ((rc = step(l, e)) > 0) {
		if (is_end(l, 1)) {
			l->state = DONE;
			return 0;
		}
		if (is_element(l, 2, "rows")) {
			l->state = xmlTextReaderIsEmptyElement(l->r) ? DONE : IN_ROWS;
			return 0;
		}
		if (is_element(l, 3, "fieldname")) {
			char *name;

			if (element_text(l, &name, e) < 0)
				return -1;
			trim_in_place(name);
			if (push_field(l, name, &cap) < 0) {
				free(name);
				return err_set(e, EXIT_SYSTEM, "out of memory reading %s", l->path);
			}
		} else if (is_element(l, 2, "fields")) {
			if (xmlTextReaderIsEmptyElement(l->r))
				continue;
		} else if (xmlTextReaderNodeType(l->r) == XML_READER_TYPE_ELEMENT &&
			   skip_element(l, e) < 0) {
			return -1;
		}
	}
	if (rc == 0)
		return reader_failed(l, e);
	return -1;
}

/* From the root to <rows>: checks the document type, reads the columns. */
static int read_head(struct lsr *l, struct err *e)
{
	int rc, responses_type = 0;

	while ((rc = step(l, e)) > 0 && xmlTextReaderNodeType(l->r) != XML_READER_TYPE_ELEMENT)
		;
	if (rc < 0)
		return -1;
	if (rc == 0 || !is_element(l, 0, "document") || xmlTextReaderIsEmptyElement(l->r))
		return not_lsr(l, e);
	while ((rc = step(l, e)) > 0) {
		if (is_end(l, 0))
			break;
		if (is_element(l, 1, "LimeSurveyDocType")) {
			char *t;

			if (element_text(l, &t, e) < 0)
				return -1;
			trim_in_place(t);
			responses_type = strcmp(t, "Responses") == 0;
			free(t);
			if (!responses_type)
				return not_lsr(l, e);
		} else if (is_element(l, 1, "responses")) {
			if (!responses_type)
				return not_lsr(l, e);
			return read_responses_head(l, e);
		} else if (xmlTextReaderNodeType(l->r) == XML_READER_TYPE_ELEMENT &&
			   skip_element(l, e) < 0) {
			return -1;
		}
	}
	if (rc < 0)
		return -1;
	if (!responses_type)
		return not_lsr(l, e);
	l->state = DONE; /* an export of no responses has no <responses> at all */
	return 0;
}

/* The element name of a column in a row: '_' before a digit, '-' for '#'. */
static char *element_name(const char *f)
{
	int under = isdigit((unsigned char)f[0]) != 0;
	size_t n = strlen(f);
	char *s = malloc(n + (size_t)under + 1);

	if (!s)
		return NULL;
	s[0] = '_';
	memcpy(s + under, f, n + 1);
	for (char *p = s; *p; p++)
		if (*p == '#')
			*p = '-';
	return s;
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Column names, element names and the lookup; two columns with one name are an error. */
static int name_columns(struct lsr *l, const struct structure *s, const char *lss,
			struct err *e)
{
	struct keyed *byname;
	size_t n = l->nf ? l->nf : 1;

	l->names = calloc(n, sizeof *l->names);
	l->elems = calloc(n, sizeof *l->elems);
	l->byelem = calloc(n, sizeof *l->byelem);
	l->vals = calloc(n, sizeof *l->vals);
	l->out = calloc(n, sizeof *l->out);
	byname = calloc(n, sizeof *byname);
	if (!l->names || !l->elems || !l->byelem || !l->vals || !l->out || !byname)
		goto oom;
	for (size_t i = 0; i < l->nf; i++) {
		if (!(l->names[i] = translate(s, l->fieldnames[i])) ||
		    !(l->elems[i] = element_name(l->fieldnames[i])))
			goto oom;
		l->byelem[i] = (struct keyed){ l->elems[i], i };
		byname[i] = (struct keyed){ l->names[i], i };
	}
	qsort(l->byelem, l->nf, sizeof *l->byelem, cmp_keyed);
	qsort(byname, l->nf, sizeof *byname, cmp_keyed);
	for (size_t i = 1; i < l->nf; i++) {
		size_t a = byname[i - 1].col, b = byname[i].col;

		if (strcmp(byname[i - 1].key, byname[i].key) != 0)
			continue;
		if (strcmp(l->fieldnames[a], l->fieldnames[b]) == 0)
			err_set(e, EXIT_DATA, "%s: column '%s' is listed twice in <fields>",
				l->path, l->fieldnames[a]);
		else
			err_set(e, EXIT_DATA, "%s: columns '%s' and '%s' are both '%s' in %s",
				l->path, l->fieldnames[a], l->fieldnames[b], l->names[a],
				lss ? lss : "the export");
		free(byname);
		return -1;
	}
	free(byname);
	return 0;
oom:
	free(byname);
	return err_set(e, EXIT_SYSTEM, "out of memory reading %s", l->path);
}

/* The column of a row element, or -1. Rows list columns in order: try the next first. */
static long find_column(struct lsr *l, const char *elem)
{
	size_t lo = 0, hi = l->nf;

	if (l->hint < l->nf && strcmp(l->elems[l->hint], elem) == 0)
		return (long)l->hint++;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->byelem[mid].key, elem);

		if (c == 0) {
			l->hint = l->byelem[mid].col + 1;
			return (long)l->byelem[mid].col;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void clear_values(struct lsr *l)
{
	for (size_t i = 0; i < l->nf; i++) {
		free(l->vals[i]);
		l->vals[i] = NULL;
	}
	free(l->raw);
	l->raw = NULL;
	l->hint = 0;
}

/* The row's values joined by ',', cut to RAW_MAX bytes. */
static int make_raw(struct lsr *l)
{
	size_t n = 0;

	if (!(l->raw = malloc(RAW_MAX + 1)))
		return -1;
	for (size_t i = 0; i < l->nf && n < RAW_MAX; i++) {
		const char *v = l->out[i];
		size_t vn = strlen(v), room;

		if (i)
			l->raw[n++] = ',';
		room = RAW_MAX - n;
		if (vn > room)
			vn = utf8_prefix(v, vn, room);
		memcpy(l->raw + n, v, vn);
		n += vn;
	}
	if (n > RAW_MAX)
		n = RAW_MAX;
	l->raw[n] = '\0';
	return (int)n;
}

/* Reads the <row> the reader is on. */
static int read_row(struct lsr *l, struct source_record *rec, struct err *e)
{
	char bad[MSG_LEN] = "";
	int rc, n;

	if (!xmlTextReaderIsEmptyElement(l->r)) {
		while ((rc = step(l, e)) > 0) {
			long col;
			char *v;

			if (is_end(l, 3))
				break;
			if (xmlTextReaderNodeType(l->r) != XML_READER_TYPE_ELEMENT)
				continue;
			col = find_column(l, (const char *)xmlTextReaderConstName(l->r));
			if (col < 0 && !bad[0])
				snprintf(bad, sizeof bad, "field '%s' is not listed in <fields>",
					 (const char *)xmlTextReaderConstName(l->r));
			if (col >= 0 && l->vals[col] && !bad[0])
				snprintf(bad, sizeof bad, "field '%s' is given twice",
					 l->fieldnames[col]);
			if (element_text(l, &v, e) < 0)
				return SOURCE_FATAL;
			if (col < 0 || l->vals[col]) {
				free(v);
				continue;
			}
			l->vals[col] = v;
		}
		if (rc < 0)
			return SOURCE_FATAL;
		if (rc == 0) {
			reader_failed(l, e);
			return SOURCE_FATAL;
		}
	}
	for (size_t i = 0; i < l->nf; i++)
		l->out[i] = l->vals[i] ? l->vals[i] : "";
	if ((n = make_raw(l)) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", l->path);
		return SOURCE_FATAL;
	}
	rec->raw = l->raw;
	rec->raw_len = (size_t)n;
	if (bad[0]) {
		err_set(e, EXIT_DATA, "%s: record %ld: %s", l->path, rec->place, bad);
		return SOURCE_BAD;
	}
	rec->nfields = l->nf;
	rec->names = (const char *const *)l->names;
	rec->values = l->out;
	return SOURCE_RECORD;
}

static int lsr_next(void *state, struct source_record *rec, struct err *e)
{
	struct lsr *l = state;
	int rc;

	clear_values(l);
	memset(rec, 0, sizeof *rec);
	rec->place_word = "record";
	rec->file = l->file;
	rec->place = l->nrec;
	if (l->state != IN_ROWS)
		return SOURCE_EOF;
	while ((rc = step(l, e)) > 0) {
		if (is_end(l, 2)) {
			l->state = DONE;
			return SOURCE_EOF;
		}
		if (is_element(l, 3, "row")) {
			rec->place = ++l->nrec;
			return read_row(l, rec, e);
		}
		if (xmlTextReaderNodeType(l->r) == XML_READER_TYPE_ELEMENT && skip_element(l, e) < 0)
			return SOURCE_FATAL;
	}
	if (rc == 0)
		reader_failed(l, e);
	rec->place = l->nrec + 1;
	return SOURCE_FATAL;
}

static void lsr_free(void *state)
{
	struct lsr *l = state;

	if (!l)
		return;
	if (l->r)
		xmlFreeTextReader(l->r);
	for (size_t i = 0; i < l->nf; i++) {
		free(l->fieldnames[i]);
		if (l->names)
			free(l->names[i]);
		if (l->elems)
			free(l->elems[i]);
		if (l->vals)
			free(l->vals[i]);
	}
	free(l->fieldnames);
	free(l->names);
	free(l->elems);
	free(l->byelem);
	free(l->vals);
	free(l->out);
	free(l->raw);
	free(l->buf);
	free(l->path);
	free(l->file);
	free(l);
}

static const struct source_ops lsr_ops = { lsr_next, lsr_free, NULL };

/*
 * The structure next to path when it exists: NAME.lss for NAME.lsr, else
 * "DIR/survey_<sid>.lss" (sid 0: not tried); NULL when there is none.
 */
static char *sibling_structure(const char *path, long sid)
{
	const char *base = file_base(path);
	size_t n = strlen(path);
	struct stat st;
	char *s = NULL;

	if (n > 4 && !strcmp(path + n - 4, ".lsr")) {
		s = format("%.*s.lss", (int)(n - 4), path);
		if (s && stat(s, &st) == 0 && S_ISREG(st.st_mode))
			return s;
		free(s);
		s = NULL;
	}
	if (sid)
		s = format("%.*ssurvey_%ld.lss", (int)(base - path), path, sid);
	if (s && (stat(s, &st) != 0 || !S_ISREG(st.st_mode))) {
		free(s);
		s = NULL;
	}
	return s;
}

/*
 * Opens a LimeSurvey response export (.lsr) at `path`, or a survey archive
 * (.lsa: by its name or a zip's first bytes) holding the .lsr and its .lss,
 * which is then read as the .lsr given with that .lss. opt->structure is
 * the survey structure (.lss); without it, NAME.lss or survey_<sid>.lss
 * next to the .lsr is used when it exists, and otherwise the columns keep their SGQA
 * names. The .lsr is read whole (at most 512 MiB) and parsed a row at a
 * time.
 *
 * Returns 0 with *src ready (free it with source_free()), or -1 with `e`
 * set: a missing file is EXIT_USAGE; EXIT_DATA when it is not an .lsr
 * (root, document type), has a DOCTYPE or malformed XML before the rows,
 * when the .lss is not one or is of another survey (both ids named), or
 * when two columns get one name. Records: one per <row>, "record N";
 * SOURCE_BAD for a row element that is not a listed column; SOURCE_FATAL
 * with "PATH:LINE: malformed XML: ..." when the XML breaks.
 */
int source_limesurvey_open(const char *path, const struct source_options *opt,
			   struct source *src, struct err *e)
{
	struct lsr *l;
	struct structure s = { 0 };
	struct lsa_parts parts = { 0 };
	const char *lss = opt ? opt->structure : NULL;
	const char *lss_buf = NULL;
	char *found = NULL;
	long line, sid;

	memset(src, 0, sizeof *src);
	if (!(l = calloc(1, sizeof *l)) || !(l->path = strdup(path)) || !(l->file = strdup(path))) {
		if (l)
			free(l->path);
		free(l);
		return err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
	}
	if (file_read_all(path, LSR_MAX, &l->buf, &l->len, e) < 0)
		goto fail;
	if (lsa_has_extension(path) || (l->len >= 4 && !memcmp(l->buf, "PK\3\4", 4))) {
		/* A survey archive: the .lsr and .lss inside it are read instead. */
		if (lsa_read(path, l->buf, l->len, LSR_MAX, &parts, e) < 0)
			goto fail;
		free(l->buf);
		free(l->path);
		l->buf = parts.lsr;
		l->len = parts.lsr_len;
		parts.lsr = NULL;
		if (!(l->path = format("%s (%s)", path, parts.lsr_name))) {
			err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
			goto fail;
		}
		if (!lss) {
			if (!(found = format("%s (%s)", path, parts.lss_name))) {
				err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
				goto fail;
			}
			lss = found;
			lss_buf = parts.lss;
		}
	}
	if ((line = prolog_doctype(l->buf, l->len)) > 0) {
		err_set(e, EXIT_DATA, "%s:%ld: a DOCTYPE is not allowed: DTDs and entities are "
			"refused for safety", l->path, line);
		goto fail;
	}
	l->r = xmlReaderForMemory(l->buf, (int)l->len, l->path, NULL,
				  XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
	if (!l->r) {
		err_set(e, EXIT_SYSTEM, "out of memory opening %s", path);
		goto fail;
	}
	xmlTextReaderSetStructuredErrorHandler(l->r, on_reader_error, l);
	if (read_head(l, e) < 0)
		goto fail;
	sid = sid_of_fields(l->fieldnames, l->nf);
	if (!sid)
		sid = sid_of_name(parts.lsr_name ? parts.lsr_name : path);
	if (!lss)
		lss = found = sibling_structure(path, sid);
	if (lss) {
		if (structure_read(lss, lss_buf, parts.lss_len, &s, e) < 0)
			goto fail;
		if (sid && s.sid && sid != s.sid) {
			err_set(e, EXIT_DATA, "%s is the structure of survey %ld, but %s holds "
				"responses to survey %ld", lss, s.sid, l->path, sid);
			goto fail;
		}
	}
	if (name_columns(l, lss ? &s : NULL, lss, e) < 0)
		goto fail;
	structure_free(&s);
	lsa_parts_free(&parts);
	free(found);
	src->ops = &lsr_ops;
	src->state = l;
	src->format = "limesurvey";
	return 0;
fail:
	structure_free(&s);
	lsa_parts_free(&parts);
	free(found);
	lsr_free(l);
	return -1;
}
