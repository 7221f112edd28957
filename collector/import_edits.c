/*
 * import_edits.c: edited submissions.
 *
 * ODK Collect and KoboToolbox give an edited submission a new instance id
 * and name the one it replaces in meta/deprecatedID. The newest version is
 * the person's response; the versions before it are not people.
 */
#include "import_internal.h"

void import_edits_free(struct importer *im)
{
	for (size_t i = 0; i < im->nlinks; i++) {
		free(im->links[i].old_ext);
		free(im->links[i].new_ext);
	}
	free(im->links);
	im->links = NULL;
	im->nlinks = im->caplinks = 0;
	keyset_free(&im->edit_old);
	keyset_free(&im->edit_new);
}

/* 1 when following the file's edits back from `old` reaches `new_ext`. */
static int edit_loops(const struct importer *im, const char *old, const char *new_ext)
{
	for (int step = 0; step < EDIT_CHAIN_MAX; step++) {
		long k;

		if (!strcmp(old, new_ext))
			return 1;
		if (!(k = keyset_get(&im->edit_new, old)))
			return 0;
		old = im->links[k - 1].old_ext;
	}
	return 1;
}

/* Notes that this file's `new_ext` replaces `old_ext`. 0 or -1 (memory). */
static int edit_add(struct importer *im, const char *old_ext, const char *new_ext)
{
	struct edit_link *l;

	if (ALLOC_GROW(im->links, im->nlinks + 1, im->caplinks) < 0)
		return -1;
	l = &im->links[im->nlinks];
	l->old_ext = strdup(old_ext);
	l->new_ext = strdup(new_ext);
	if (!l->old_ext || !l->new_ext) {
		free(l->old_ext);
		free(l->new_ext);
		return -1;
	}
	im->nlinks++;
	if (keyset_add(&im->edit_old, old_ext, (long)im->nlinks) < 0 ||
	    keyset_add(&im->edit_new, new_ext, (long)im->nlinks) < 0)
		return -1;
	return 0;
}

/*
 * Reads an XForm export once before the import to find its edits: which
 * instance replaces which. A version that a later one in the same file
 * replaces is then skipped, wherever in the file it is. An edit naming
 * itself or closing a loop, or a second edit of one version, is not
 * followed: it is imported as it stands. Records that cannot be read are
 * left to the import to reject. 0, or -1 with im->e set.
 */
int import_scan_edits(struct importer *im)
{
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	int rc, ok = -1;

	if (!im->m->id_field || strcmp(im->stats->format, "xform"))
		return 0;
	/* Reading the bytes costs far less than reading the XML twice. */
	if ((rc = source_mentions(im->path, "deprecatedID", im->e)) <= 0)
		return rc;
	if (import_open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	while ((rc = source_next(&src, &rec, &rowerr)) != SOURCE_EOF && rc != SOURCE_FATAL) {
		char ext[EXT_LEN], serial[SERIAL_LEN], why[WHY_LEN], old[EXT_LEN];
		char tbuf[IMPORT_MAX_ID + 1];
		const char *dep, *pfx;

		err_init(&rowerr);
		if (rc == SOURCE_BAD || import_record_keys(im, &rec, ext, serial, why) ||
		    !*ext || !strncmp(ext, "content:", 8))
			continue;
		dep = import_value_of(im, &rec, -1, DEPRECATED_FIELD);
		if (import_trimmed_len(dep) > IMPORT_MAX_ID ||
		    !*(dep = import_trim(dep, tbuf, sizeof tbuf)))
			continue;
		/* The same prefix as the record's own id (import_record_keys()). */
		pfx = im->m->id_prefix ? im->m->id_prefix : im->stats->format;
		snprintf(old, sizeof old, "%.*s:%s", IMPORT_MAX_ID_PREFIX, pfx, dep);
		if (keyset_get(&im->edit_new, ext) || keyset_get(&im->edit_old, old) ||
		    edit_loops(im, old, ext))
			continue;
		if (edit_add(im, old, ext) < 0) {
			err_set(im->e, EXIT_SYSTEM, "out of memory");
			goto out;
		}
	}
	ok = 0; /* a file that cannot be read to the end is refused by run() */
out:
	source_free(&src);
	return ok;
}

/*
 * Where the earlier version of the edit `ext` is: following the file's
 * edits back, edits imported earlier forward and rejected edits back (their
 * step is kept: see import_record_keyed()), until a response (its
 * id into *target, the version into `target_ext`) or an erasure is met.
 * Fills path[] with the indexes of this file's links followed (*npath).
 * 0 (*target 0 when no earlier version is in the database), 1 when an
 * earlier version was erased, -1 on failure.
 */
int import_edit_target(struct importer *im, const char *ext, long long *target,
		       char target_ext[EXT_LEN], long path[EDIT_CHAIN_MAX], int *npath)
{
	char cur[EXT_LEN];

	*target = 0;
	*npath = 0;
	snprintf(cur, sizeof cur, "%s", ext);
	for (int step = 0; step < EDIT_CHAIN_MAX; step++) {
		long k;
		int rc, found = 0;

		if (step > 0) {
			sqlite3_stmt *st = im->find_edited;

			sqlite3_bind_int64(st, 1, im->exercise_id);
			sqlite3_bind_text(st, 2, cur, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW) {
				found = sqlite3_column_int(st, 0);
				if (found == 1) {
					*target = sqlite3_column_int64(st, 1);
					snprintf(target_ext, EXT_LEN, "%s", cur);
				} else if (found == 3 || found == 4) {
					const char *next = (const char *)sqlite3_column_text(st, 2);

					snprintf(cur, sizeof cur, "%s", next ? next : "");
				}
			}
			sqlite3_reset(st);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_fail(im->db, "importing", im->e);
			if (found == 1 || found == 2)
				return found == 2;
			/* 3: an edit imported earlier replaced it: on to that one. 4: it
			   was a rejected edit: back to the version it replaces. */
			if (found == 3 || found == 4)
				continue;
		}
		if (!(k = keyset_get(&im->edit_new, cur)))
			return 0;
		path[(*npath)++] = k - 1;
		snprintf(cur, sizeof cur, "%s", im->links[k - 1].old_ext);
	}
	return 0;
}

/*
 * Deletes response `id` with everything that hangs off it (foreign keys are
 * not enforced inside the import: each table is named), for the edit that
 * replaces it. 0 or -1.
 */
static int drop_replaced(struct importer *im, long long id)
{
	/* By answer: tag's key, so no edit scans the whole tag table. */
	static const char *const sql[] = {
		"DELETE FROM tag WHERE answer_id IN (SELECT id FROM answer WHERE response_id = ?1)",
		"DELETE FROM entry_copy_answer WHERE copy_id IN "
		"(SELECT id FROM entry_copy WHERE response_id = ?1)",
		"DELETE FROM entry_copy WHERE response_id = ?1",
		"DELETE FROM entry_difference WHERE response_id = ?1",
		"DELETE FROM entry_resolution WHERE response_id = ?1",
		"DELETE FROM answer WHERE response_id = ?1",
		"DELETE FROM response WHERE id = ?1",
	};

	char rid[24], bid[24];
	long long flagged = 0;

	/*
	 * The earlier version's words are overwritten, not left in free pages:
	 * if the person is erased later, nothing of this version stays either.
	 */
	if (db_exec(im->db, "PRAGMA secure_delete = ON", "replacing an edited response",
		    im->e) < 0)
		return -1;
	/* A version this import stored and flagged is no longer in its summary. */
	snprintf(rid, sizeof rid, "%lld", id);
	snprintf(bid, sizeof bid, "%lld", im->batch_id);
	if (db_int(im->db, "SELECT outside_dates FROM response WHERE id = ?1 AND batch_id = ?2",
		   0, &flagged, im->e, 2, rid, bid) < 0)
		return -1;
	im->stats->outside -= flagged;
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st = db_prepare(im->db, sql[i], im->e);
		int rc;

		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(im->db, "replacing an edited response", im->e);
	}
	return 0;
}

/*
 * Records the edits followed to reach the stored response `ext` (one row
 * per version, ids only) and, when an earlier version was a response
 * (`target`, 0 for none), deletes it. A rejected edit records its own step
 * only (npath 1, target 0). 0 or -1.
 */
int import_record_edit(struct importer *im, long long target, const char *target_ext,
		       const long *path, int npath)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (target && drop_replaced(im, target) < 0)
		return -1;
	if (!(st = db_prepare(im->db,
			      "INSERT INTO response_edit (exercise_id, old_external_id, "
			      "new_external_id, batch_id, replaced_response_id, edited_at) VALUES "
			      "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (exercise_id, old_external_id) "
			      /* the same edit, rejected before, now replaces the response */
			      "DO UPDATE SET batch_id = excluded.batch_id, replaced_response_id = "
			      "excluded.replaced_response_id, edited_at = excluded.edited_at WHERE "
			      "excluded.replaced_response_id IS NOT NULL AND "
			      "new_external_id = excluded.new_external_id",
			      im->e)))
		return -1;
	for (int i = 0; i < npath && rc == SQLITE_DONE; i++) {
		const struct edit_link *l = &im->links[path[i]];

		sqlite3_bind_int64(st, 1, im->exercise_id);
		sqlite3_bind_text(st, 2, l->old_ext, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, l->new_ext, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, im->batch_id);
		if (target && !strcmp(l->old_ext, target_ext))
			sqlite3_bind_int64(st, 5, target);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_text(st, 6, stamp_now(&im->stamp), -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "recording an edited response", im->e);
	if (target)
		im->stats->replaced++;
	return 0;
}
