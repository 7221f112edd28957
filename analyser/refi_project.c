/*
 * refi_project.c: the exercise as a REFI-QDA project (.qdpx): a zip with
 * project.qde (urn:QDA-XML:project:1.0) and sources/GUID.txt, one UTF-8
 * text a counted free-text answer. Each tag is a PlainTextSelection of the
 * words its rule matched, coded with the tag's theme.
 *
 * Positions: tags keep byte offsets into the answer as written; REFI-QDA
 * counts characters (Unicode code points) from 0, end exclusive, in the
 * text of the source as exported. When the text is redacted, an offset is
 * first moved by the replacements before it, and a match that starts or
 * ends inside a replaced stretch covers its whole replacement tag.
 */
#include "refi_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "db.h"
#include "redact.h"
#include "review.h"
#include "strbuf.h"
#include "version.h"

#define ZIP_TIME 946684800 /* 2000-01-01: the same bytes on every run */

/* The text a source holds, with what maps the answer's byte offsets into it. */
struct source_text {
	char *text;                /* NUL-terminated */
	size_t len;
	struct redact_span *spans; /* what was replaced, in order; NULL when raw */
	size_t nspans;
};

static void source_text_release(struct source_text *s)
{
	free(s->text);
	free(s->spans);
	memset(s, 0, sizeof *s);
}

static int source_text_make(const struct redactor *red, const char *v, size_t len,
			    struct source_text *s)
{
	struct strbuf sb;
	size_t at = 0;

	memset(s, 0, sizeof *s);
	if (red && redactor_find(red, v, len, &s->spans, &s->nspans) < 0)
		return -1;
	strbuf_init(&sb);
	for (size_t i = 0; i < s->nspans; i++) {
		if (strbuf_add(&sb, v + at, s->spans[i].start - at) < 0 ||
		    strbuf_addstr(&sb, redact_tag(s->spans[i].kind)) < 0)
			goto oom;
		at = s->spans[i].end;
	}
	if (strbuf_add(&sb, v + at, len - at) < 0 || !(s->text = strbuf_detach(&sb, &s->len)))
		goto oom;
	return 0;
oom:
	strbuf_release(&sb);
	free(s->spans);
	s->spans = NULL;
	return -1;
}

/* Byte offset `b` of the answer as written, as a byte offset of the source's text. */
static size_t map_offset(const struct source_text *s, size_t b, int is_end)
{
	size_t shift_from = 0, shift_to = 0; /* bytes replaced before, and what replaced them */

	for (size_t i = 0; i < s->nspans; i++) {
		const struct redact_span *sp = &s->spans[i];
		size_t tl = strlen(redact_tag(sp->kind));

		if (b >= sp->end) {
			shift_from += sp->end - sp->start;
			shift_to += tl;
			continue;
		}
		if (b > sp->start)
			return sp->start - shift_from + shift_to + (is_end ? tl : 0);
		break;
	}
	return b - shift_from + shift_to;
}

/* Characters (code points) in the first `b` bytes of `s`. */
static long chars_before(const char *s, size_t len, size_t b)
{
	long n = 0;

	if (b > len)
		b = len;
	for (size_t i = 0; i < b; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

struct project {
	xmlTextWriterPtr w;
	zip_t *zip;
	const struct refi_themes *th;
	char user[REFI_GUID_LEN + 1];
	struct refi_project_stats *st;
};

static const struct refi_theme *theme_of(const struct refi_themes *th, long long id)
{
	for (size_t i = 0; i < th->n; i++)
		if (th->t[i].id == id)
			return &th->t[i];
	return NULL;
}

static int add_file(struct project *p, const char *name, char *data, size_t len, struct err *e)
{
	zip_source_t *zs = zip_source_buffer(p->zip, data, len, 1);
	zip_int64_t idx;

	if (!zs) {
		free(data);
		return err_set(e, EXIT_SYSTEM, "out of memory building the project");
	}
	if ((idx = zip_file_add(p->zip, name, zs, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(zs);
		return err_set(e, EXIT_SYSTEM, "cannot add %s to the project: %s", name,
			       zip_strerror(p->zip));
	}
	zip_file_set_mtime(p->zip, (zip_uint64_t)idx, ZIP_TIME, 0);
	return 0;
}

/* One answer: its text file and its <TextSource> with a selection a tag. */
static int write_source(struct project *p, sqlite3_stmt *tags, long long answer,
			long long response, const char *question, const struct source_text *s,
			struct err *e)
{
	xmlTextWriterPtr w = p->w;
	char guid[REFI_GUID_LEN + 1], key[96], path[REFI_GUID_LEN + 32], file[REFI_GUID_LEN + 16];
	char name[160], *copy;
	int rc = SQLITE_DONE, bad = 0;

	snprintf(key, sizeof key, "answer\n%lld", answer);
	refi_guid(p->th->exercise, key, guid);
	snprintf(file, sizeof file, "sources/%s.txt", guid);
	snprintf(path, sizeof path, "internal://%s.txt", guid);
	snprintf(name, sizeof name, "response %lld answer %lld %s", response, answer,
		 question ? question : "");
	if (!(copy = malloc(s->len + 1)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	memcpy(copy, s->text, s->len + 1);
	if (add_file(p, file, copy, s->len, e) < 0)
		return -1;
	bad |= xmlTextWriterStartElement(w, BAD_CAST "TextSource") < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "guid", BAD_CAST guid) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "plainTextPath", BAD_CAST path) < 0;
	sqlite3_bind_int64(tags, 1, answer);
	while (!bad && (rc = sqlite3_step(tags)) == SQLITE_ROW) {
		const struct refi_theme *t = theme_of(p->th, sqlite3_column_int64(tags, 0));
		long long b0 = sqlite3_column_int64(tags, 1), b1 = sqlite3_column_int64(tags, 2);
		char sel[REFI_GUID_LEN + 1], cod[REFI_GUID_LEN + 1], num[32];
		size_t from, to;

		if (!t || b0 < 0 || b1 < b0)
			continue; /* a tag of another rule set, or with no span: nothing to point at */
		from = map_offset(s, (size_t)b0, 0);
		to = map_offset(s, (size_t)b1, 1);
		snprintf(key, sizeof key, "answer\n%lld\ntheme\n%s", answer, t->code);
		refi_guid(p->th->exercise, key, sel);
		snprintf(key, sizeof key, "coding\n%lld\ntheme\n%s", answer, t->code);
		refi_guid(p->th->exercise, key, cod);
		bad |= xmlTextWriterStartElement(w, BAD_CAST "PlainTextSelection") < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "guid", BAD_CAST sel) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST t->code) < 0;
		snprintf(num, sizeof num, "%ld", chars_before(s->text, s->len, from));
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "startPosition", BAD_CAST num) < 0;
		snprintf(num, sizeof num, "%ld", chars_before(s->text, s->len, to));
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "endPosition", BAD_CAST num) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "creatingUser", BAD_CAST p->user) < 0;
		bad |= xmlTextWriterStartElement(w, BAD_CAST "Coding") < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "guid", BAD_CAST cod) < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "creatingUser", BAD_CAST p->user) < 0;
		bad |= xmlTextWriterStartElement(w, BAD_CAST "CodeRef") < 0;
		bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "targetGUID", BAD_CAST t->guid) < 0;
		bad |= xmlTextWriterEndElement(w) < 0; /* CodeRef */
		bad |= xmlTextWriterEndElement(w) < 0; /* Coding */
		bad |= xmlTextWriterEndElement(w) < 0; /* PlainTextSelection */
		p->st->codings++;
		p->st->added += sqlite3_column_int(tags, 3);
	}
	sqlite3_reset(tags);
	if (bad)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the project");
	if (rc != SQLITE_DONE)
		return err_set(e, EXIT_SYSTEM, "reading the tags: %s",
			       sqlite3_errmsg(sqlite3_db_handle(tags)));
	if (xmlTextWriterEndElement(w) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the project");
	p->st->sources++;
	return 0;
}

/*
 * The codings of an answer: its tags as counted, the rules' with the
 * reviewers' decisions (review.h): a tag a reviewer removed is left out, a
 * theme a reviewer added codes the whole answer (a decision has no span).
 * With `rules_only`, or no decision at all, the tag table alone.
 */
#define CODINGS_SQL \
	"SELECT e.theme_id, coalesce(t.match_start, 0), " \
	"coalesce(t.match_end, length(CAST(a.value AS BLOB))), t.answer_id IS NULL " \
	"FROM effective_tag e JOIN answer a ON a.id = e.answer_id " \
	"LEFT JOIN tag t ON t.answer_id = e.answer_id AND t.theme_id = e.theme_id " \
	"WHERE e.answer_id = ?1 ORDER BY 2, 1"

static int write_sources(sqlite3 *db, long long ex, struct project *p, int raw, int rules_only,
			 struct err *e)
{
	int decisions = 0;
	sqlite3_stmt *st = db_prepare(db,
		"SELECT a.answer_id, a.response_id, a.question, a.text FROM answers a "
		"JOIN responses r ON r.response_id = a.response_id "
		"WHERE r.exercise = (SELECT code FROM exercise WHERE id = ?1) AND r.counted = 1 "
		"ORDER BY r.response_id, a.answer_id", e);
	sqlite3_stmt *tags = NULL;
	struct redactor *red = raw ? NULL : redactor_new(e);
	int rc = SQLITE_DONE, started = 0, ret = -1;

	if (!st || (!raw && !red) || (!rules_only && review_any_decision(db, &decisions, e) < 0))
		goto out;
	p->st->decisions = decisions;
	if (!(tags = db_prepare(db, decisions ? CODINGS_SQL
				: "SELECT theme_id, match_start, match_end, 0 FROM tag "
				  "WHERE answer_id = ?1 ORDER BY match_start, theme_id", e)))
		goto out;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct source_text s;
		const char *v = (const char *)sqlite3_column_text(st, 3);
		int r;

		if (!started && xmlTextWriterStartElement(p->w, BAD_CAST "Sources") < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory writing the project");
			goto out;
		}
		started = 1;
		if (source_text_make(red, v ? v : "", (size_t)sqlite3_column_bytes(st, 3), &s) < 0) {
			err_set(e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
		r = write_source(p, tags, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
				 (const char *)sqlite3_column_text(st, 2), &s, e);
		source_text_release(&s);
		if (r < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the answers", e);
		goto out;
	}
	if (started && xmlTextWriterEndElement(p->w) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory writing the project");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(tags);
	redactor_free(red);
	return ret;
}

/* The zip's bytes, from the in-memory source it was written to. */
static int zip_bytes(zip_source_t *src, char **data, size_t *len, struct err *e)
{
	zip_stat_t zs;
	zip_int64_t got;

	*data = NULL;
	if (zip_source_open(src) < 0)
		return err_set(e, EXIT_SYSTEM, "cannot read the project back: %s",
			       zip_error_strerror(zip_source_error(src)));
	zip_stat_init(&zs);
	if (zip_source_stat(src, &zs) < 0 || !(zs.valid & ZIP_STAT_SIZE) ||
	    !(*data = malloc(zs.size ? zs.size : 1))) {
		zip_source_close(src);
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	got = zip_source_read(src, *data, zs.size);
	zip_source_close(src);
	if (got < 0 || (zip_uint64_t)got != zs.size) {
		free(*data);
		*data = NULL;
		return err_set(e, EXIT_SYSTEM, "cannot read the project back");
	}
	*len = (size_t)zs.size;
	return 0;
}

int refi_project_export(sqlite3 *db, long long ex, const char *path, int raw, int rules_only,
			struct refi_project_stats *st, struct err *e)
{
	struct refi_themes th;
	struct project p = { 0 };
	xmlBufferPtr buf = xmlBufferCreate();
	zip_error_t ze;
	zip_source_t *src = NULL;
	char *bytes = NULL, *qde;
	size_t len = 0;
	int rc = -1, bad = 0;

	memset(st, 0, sizeof *st);
	memset(&th, 0, sizeof th);
	zip_error_init(&ze);
	p.st = st;
	p.th = &th;
	if (!buf || !(p.w = xmlNewTextWriterMemory(buf, 0)) ||
	    !(src = zip_source_buffer_create(NULL, 0, 0, &ze))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	zip_source_keep(src);
	if (!(p.zip = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
		err_set(e, EXIT_SYSTEM, "cannot start the project: %s", zip_error_strerror(&ze));
		goto done;
	}
	if (refi_themes_load(db, ex, &th, e) < 0)
		goto done;
	refi_guid(th.exercise, "user\nrules", p.user);
	xmlTextWriterSetIndent(p.w, 1);
	xmlTextWriterSetIndentString(p.w, BAD_CAST "  ");
	bad |= xmlTextWriterStartDocument(p.w, NULL, "utf-8", NULL) < 0;
	bad |= xmlTextWriterStartElementNS(p.w, NULL, BAD_CAST "Project",
					   BAD_CAST REFI_NS_PROJECT) < 0;
	bad |= xmlTextWriterWriteAttribute(p.w, BAD_CAST "name", BAD_CAST th.title) < 0;
	bad |= xmlTextWriterWriteAttribute(p.w, BAD_CAST "origin", BAD_CAST "Tally " TALLY_VERSION) < 0;
	bad |= xmlTextWriterWriteAttribute(p.w, BAD_CAST "creatingUserGUID", BAD_CAST p.user) < 0;
	bad |= xmlTextWriterStartElement(p.w, BAD_CAST "Users") < 0;
	bad |= xmlTextWriterStartElement(p.w, BAD_CAST "User") < 0;
	bad |= xmlTextWriterWriteAttribute(p.w, BAD_CAST "guid", BAD_CAST p.user) < 0;
	bad |= xmlTextWriterWriteAttribute(p.w, BAD_CAST "name", BAD_CAST "Tally theme rules") < 0;
	bad |= xmlTextWriterEndElement(p.w) < 0;
	bad |= xmlTextWriterEndElement(p.w) < 0;
	bad |= xmlTextWriterStartElement(p.w, BAD_CAST "CodeBook") < 0;
	if (bad) {
		err_set(e, EXIT_SYSTEM, "out of memory writing the project");
		goto done;
	}
	if (refi_write_codes(p.w, db, &th, e) < 0)
		goto done;
	if (xmlTextWriterEndElement(p.w) < 0 || write_sources(db, ex, &p, raw, rules_only, e) < 0) {
		if (!err_isset(e))
			err_set(e, EXIT_SYSTEM, "out of memory writing the project");
		goto done;
	}
	bad |= xmlTextWriterWriteFormatElement(p.w, BAD_CAST "Description",
		"Exercise %s: the counted free-text answers (%s), one text source each, and the "
		"tags of the rule set %s (version %.12s) as codings of the words that matched. "
		"Positions count characters of the source's text from 0.", th.exercise,
		raw ? "as written, personal data and all: not for sharing" :
		      "personal data redacted", th.rules_file, th.rules_sha) < 0;
	bad |= xmlTextWriterEndDocument(p.w) < 0;
	if (bad) {
		err_set(e, EXIT_SYSTEM, "out of memory writing the project");
		goto done;
	}
	xmlFreeTextWriter(p.w);
	p.w = NULL;
	if (!(qde = malloc((size_t)xmlBufferLength(buf) + 1))) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto done;
	}
	memcpy(qde, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	if (add_file(&p, "project.qde", qde, (size_t)xmlBufferLength(buf), e) < 0)
		goto done;
	if (zip_close(p.zip) < 0) {
		err_set(e, EXIT_SYSTEM, "cannot build the project: %s", zip_strerror(p.zip));
		zip_discard(p.zip);
		p.zip = NULL;
		goto done;
	}
	p.zip = NULL;
	if (zip_bytes(src, &bytes, &len, e) < 0)
		goto done;
	rc = refi_write_file(path, bytes, len, e);
done:
	if (p.w)
		xmlFreeTextWriter(p.w);
	if (p.zip)
		zip_discard(p.zip);
	if (src)
		zip_source_free(src);
	free(bytes);
	xmlBufferFree(buf);
	zip_error_fini(&ze);
	refi_themes_release(&th);
	return rc;
}
