/*
 * refi_codebook.c: the rule set's themes as a REFI-QDA codebook (.qdc), and
 * what the project export shares with it: the themes' GUIDs and <Codes>.
 */
#include "refi_internal.h"

#include <nettle/sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "outfile.h"
#include "strbuf.h"
#include "version.h"

/*
 * A version 5 UUID (RFC 4122 section 4.3) in a namespace of Tally's own:
 * SHA-1 over the namespace's 16 bytes and the name "EXERCISE\nKEY".
 */
void refi_guid(const char *exercise, const char *key, char *out)
{
	static const unsigned char ns[16] = { 0x6c, 0x1f, 0x3a, 0x52, 0x8e, 0x4b, 0x4d, 0x2a,
					      0x9b, 0x61, 0x54, 0x61, 0x6c, 0x6c, 0x79, 0x51 };
	struct sha1_ctx ctx;
	unsigned char h[SHA1_DIGEST_SIZE];
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	sha1_init(&ctx);
	sha1_update(&ctx, sizeof ns, ns);
	sha1_update(&ctx, strlen(exercise), (const uint8_t *)exercise);
	sha1_update(&ctx, 1, (const uint8_t *)"\n");
	sha1_update(&ctx, strlen(key), (const uint8_t *)key);
	sha1_digest(&ctx, sizeof h, h);
	h[6] = (unsigned char)((h[6] & 0x0F) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3F) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[h[i] >> 4];
		out[o++] = hex[h[i] & 15];
	}
	out[o] = '\0';
}

static char *col_dup(sqlite3_stmt *st, int i, int *oom)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

void refi_themes_release(struct refi_themes *th)
{
	for (size_t i = 0; i < th->n; i++) {
		free(th->t[i].code);
		free(th->t[i].label);
		free(th->t[i].description);
	}
	free(th->t);
	free(th->exercise);
	free(th->title);
	free(th->rules_file);
	free(th->rules_sha);
	memset(th, 0, sizeof *th);
}

int refi_themes_load(sqlite3 *db, long long ex, struct refi_themes *th, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT x.code, x.title, s.file_name, s.sha256 FROM exercise x "
				      "LEFT JOIN ruleset s ON s.exercise_id = x.id WHERE x.id = ?1", e);
	size_t cap = 0;
	int rc, oom = 0;

	memset(th, 0, sizeof *th);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		th->exercise = col_dup(st, 0, &oom);
		th->title = col_dup(st, 1, &oom);
		th->rules_file = col_dup(st, 2, &oom);
		th->rules_sha = col_dup(st, 3, &oom);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? err_set(e, EXIT_DATA, "no such exercise") :
		       db_fail(db, "reading the exercise", e);
	if (oom)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (!th->rules_sha)
		return err_set(e, EXIT_DATA, "exercise '%s' has no themes yet: tag it with a rule set "
			       "first (analyser tag DB RULES)", th->exercise);
	st = db_prepare(db, "SELECT h.id, coalesce(h.parent_id, 0), h.code, h.label, h.description "
			"FROM theme h JOIN ruleset s ON s.id = h.ruleset_id WHERE s.exercise_id = ?1 "
			"ORDER BY h.position, h.id", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct refi_theme *t;

		if (ALLOC_GROW(th->t, th->n + 1, cap) < 0) {
			oom = 1;
			break;
		}
		t = &th->t[th->n++];
		memset(t, 0, sizeof *t);
		t->id = sqlite3_column_int64(st, 0);
		t->parent_id = sqlite3_column_int64(st, 1);
		t->code = col_dup(st, 2, &oom);
		t->label = col_dup(st, 3, &oom);
		t->description = col_dup(st, 4, &oom);
		if (t->code) {
			char key[128];

			snprintf(key, sizeof key, "theme\n%s", t->code);
			refi_guid(th->exercise, key, t->guid);
		}
	}
	sqlite3_finalize(st);
	if (oom)
		return err_set(e, EXIT_SYSTEM, "out of memory");
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the themes", e);
	if (!th->n)
		return err_set(e, EXIT_DATA, "exercise '%s' has no themes yet: tag it with a rule set "
			       "first (analyser tag DB RULES)", th->exercise);
	return 0;
}

/* The theme's Description: what it covers, its code, and the rules that found it. */
static int describe(sqlite3 *db, const struct refi_themes *th, const struct refi_theme *t,
		    struct strbuf *sb, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT r.name, count(*) FROM tag t JOIN theme h ON "
				      "h.id = t.theme_id JOIN rule r ON r.ruleset_id = h.ruleset_id "
				      "AND r.no = t.rule_no WHERE t.theme_id = ?1 GROUP BY r.name "
				      "ORDER BY r.name", e);
	int rc, bad = 0, n = 0;

	if (!st)
		return -1;
	if (t->description && *t->description)
		bad |= strbuf_addf(sb, "%s\n", t->description);
	bad |= strbuf_addf(sb, REFI_CODE_LINE "%s\n", t->code);
	bad |= strbuf_addf(sb, "Rules: found by the rule set %s (version %.12s)", th->rules_file,
			   th->rules_sha);
	sqlite3_bind_int64(st, 1, t->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bad |= strbuf_addf(sb, "%s%s (%lld answer%s)", n++ ? ", " : "; patterns that tagged answers: ",
				   (const char *)sqlite3_column_text(st, 0),
				   (long long)sqlite3_column_int64(st, 1),
				   sqlite3_column_int64(st, 1) == 1 ? "" : "s");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading the tags' rules", e);
	if (!n)
		bad |= strbuf_addstr(sb, "; no answer tagged with this theme itself");
	bad |= strbuf_addstr(sb, ". The patterns are in the rules file; a parent theme also "
			     "counts the respondents of its sub-themes.");
	return bad ? err_set(e, EXIT_SYSTEM, "out of memory") : 0;
}

static int write_code(xmlTextWriterPtr w, sqlite3 *db, const struct refi_themes *th, size_t i,
		      int depth, struct err *e)
{
	const struct refi_theme *t = &th->t[i];
	struct strbuf sb;
	int bad = 0;

	if (depth > 64) /* the rules' parents form no cycle: this is a safety net */
		return err_set(e, EXIT_DATA, "theme '%s' is nested too deep", t->code);
	strbuf_init(&sb);
	if (describe(db, th, t, &sb, e) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	bad |= xmlTextWriterStartElement(w, BAD_CAST "Code") < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "guid", BAD_CAST t->guid) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST t->label) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "isCodable", BAD_CAST "true") < 0;
	bad |= xmlTextWriterWriteElement(w, BAD_CAST "Description", BAD_CAST sb.buf) < 0;
	strbuf_release(&sb);
	if (bad)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
	for (size_t j = 0; j < th->n; j++)
		if (th->t[j].parent_id == t->id && write_code(w, db, th, j, depth + 1, e) < 0)
			return -1;
	if (xmlTextWriterEndElement(w) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
	return 0;
}

int refi_write_codes(xmlTextWriterPtr w, sqlite3 *db, const struct refi_themes *th,
		     struct err *e)
{
	if (xmlTextWriterStartElement(w, BAD_CAST "Codes") < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
	for (size_t i = 0; i < th->n; i++) {
		int known = 0;

		/* Top level: no parent, or a parent that is not in the set. */
		for (size_t j = 0; j < th->n && th->t[i].parent_id && !known; j++)
			known = th->t[j].id == th->t[i].parent_id;
		if (!known && write_code(w, db, th, i, 0, e) < 0)
			return -1;
	}
	if (xmlTextWriterEndElement(w) < 0)
		return err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
	return 0;
}

int refi_write_file(const char *path, const void *buf, size_t len, struct err *e)
{
	struct out_file of;

	if (out_check(path, e) < 0 || out_open(&of, path, e) < 0)
		return -1;
	if (fwrite(buf, 1, len, of.f) != len) {
		out_abandon(&of);
		return err_set(e, EXIT_SYSTEM, "cannot write %s", path);
	}
	return out_commit(&of, e);
}

int refi_codebook_export(sqlite3 *db, long long ex, const char *path, struct err *e)
{
	struct refi_themes th;
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	int rc = -1, bad = 0;

	if (!w) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		memset(&th, 0, sizeof th);
		goto done;
	}
	if (refi_themes_load(db, ex, &th, e) < 0)
		goto done;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	bad |= xmlTextWriterStartDocument(w, NULL, "utf-8", NULL) < 0;
	bad |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "CodeBook",
					   BAD_CAST REFI_NS_CODEBOOK) < 0;
	bad |= xmlTextWriterWriteAttribute(w, BAD_CAST "origin", BAD_CAST "Tally " TALLY_VERSION) < 0;
	if (bad) {
		err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
		goto done;
	}
	if (refi_write_codes(w, db, &th, e) < 0)
		goto done;
	if (xmlTextWriterEndDocument(w) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory writing the codebook");
		goto done;
	}
	xmlFreeTextWriter(w); /* flushes into buf */
	w = NULL;
	rc = refi_write_file(path, xmlBufferContent(buf), (size_t)xmlBufferLength(buf), e);
done:
	if (w)
		xmlFreeTextWriter(w);
	xmlBufferFree(buf);
	refi_themes_release(&th);
	return rc;
}
