/*
 * import.c: one export file into the database, every record accounted for.
 *
 * The mapping is first bound to the exercise (import_bind.c). Then each
 * record becomes a response with its answers, a duplicate, or a reject
 * with its reason (import_record.c), inside one transaction for the file.
 */
#include "import_internal.h"

int import_open_source(struct importer *im, struct source *src)
{
	const char *f = im->stats->format;

	if (im->m->nrepeats && !strcmp(f, "xform")) {
		struct source_options so = im->opt->src;

		/* The groups are the mapping's; the array lives as long as the import. */
		if (!im->repeat_each &&
		    !(im->repeat_each = shape_repeat_each(im->m, &im->nrepeat_each)))
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
		so.repeat_each = im->repeat_each;
		so.nrepeat_each = im->nrepeat_each;
		return source_xform_open(im->path, &so, src, im->e);
	}

	if (!strcmp(f, "csv"))
		return source_csv_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "xlsx"))
		return source_xlsx_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "xform"))
		return source_xform_open(im->path, &im->opt->src, src, im->e);
	if (!strcmp(f, "limesurvey"))
		return source_limesurvey_open(im->path, &im->opt->src, src, im->e);
	return err_set(im->e, EXIT_USAGE, "unknown format '%s' (csv, xlsx, xform, limesurvey)", f);
}

static int prepare_all(struct importer *im)
{
	sqlite3 *db = im->db;

	im->ins_reject = db_prepare(db,
		"INSERT INTO reject (batch_id, place, line, reason, raw, response_key, serial, "
		"identity_kept) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		im->e);
	/* A survey id erased at the respondent's request never comes back. */
	im->find_id = db_prepare(db, "SELECT CASE WHEN batch_id = ?3 THEN 3 ELSE 1 END FROM response "
				     "WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL SELECT 2 "
				     "FROM erasure WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL "
				     "SELECT 4 FROM response_edit WHERE exercise_id = ?1 AND "
				     "old_external_id = ?2 LIMIT 1",
				 im->e);
	im->find_edited = db_prepare(db, "SELECT 1, id, NULL FROM response WHERE exercise_id = ?1 "
					 "AND external_id = ?2 UNION ALL SELECT 2, 0, NULL FROM "
					 "erasure WHERE exercise_id = ?1 AND external_id = ?2 UNION ALL "
					 "SELECT 3, 0, new_external_id FROM response_edit WHERE "
					 "exercise_id = ?1 AND old_external_id = ?2 UNION ALL SELECT 4, "
					 "0, old_external_id FROM response_edit WHERE exercise_id = ?1 "
					 "AND new_external_id = ?2 LIMIT 1", im->e);
	im->find_serial = db_prepare(db, "SELECT CASE WHEN batch_id = ?3 THEN 3 ELSE 1 END FROM "
					 "response WHERE exercise_id = ?1 AND serial = ?2 UNION ALL "
					 "SELECT 2 FROM erasure WHERE exercise_id = ?1 AND serial = ?2 "
					 "LIMIT 1", im->e);
	/*
	 * A row rejected because its identity came twice in its file is fixed
	 * when a later import of the exercise reads that identity again and
	 * finds it imported (the duplicate row corrected or removed); if the
	 * later file still has it twice, that import rejects it anew.
	 */
	im->close_twice = db_prepare(db,
		"UPDATE reject SET closed_by_batch = ?1 WHERE closed_by_batch IS NULL AND "
		"batch_id < ?1 AND (response_key = ?2 OR serial = ?3) AND "
		"reason LIKE '%' || ?4 || '%' AND batch_id IN "
		"(SELECT id FROM import_batch WHERE exercise_id = ?5)", im->e);
	im->find_event = db_prepare(db, "SELECT id, district_code FROM event WHERE "
					"exercise_id = ?1 AND code = ?2", im->e);
	if (erased_register(db, im->e) < 0)
		return -1;
	/*
	 * Only an id that could not be an answer is evidence: one with a letter
	 * or sign in it, or six digits or more. A short number ("7", "4242")
	 * could be anyone's answer, and the row would be lost as erased.
	 */
	im->find_erased_raw = db_prepare(db,
		"SELECT 1 FROM (SELECT CASE WHEN instr(external_id, ':') > 0 THEN "
		"substr(external_id, instr(external_id, ':') + 1) ELSE external_id END AS v "
		"FROM erasure WHERE exercise_id = ?1 AND external_id IS NOT NULL AND "
		"external_id NOT LIKE 'content:%' UNION ALL SELECT serial FROM erasure WHERE "
		"exercise_id = ?1 AND serial IS NOT NULL) WHERE (length(v) >= 6 OR "
		"v GLOB '*[^0-9]*') AND tally_holds_field(?2, v) LIMIT 1", im->e);
	im->districts = db_prepare(db,
		"SELECT d.code FROM exercise_district x JOIN district d ON d.code = x.district_code "
		"WHERE x.exercise_id = ?1 AND (d.code = upper(?2) OR d.name = ?2 COLLATE NOCASE)",
		im->e);
	return im->ins_reject && im->find_id && im->find_serial && im->find_event && im->districts &&
				       im->find_erased_raw && im->find_edited && im->close_twice
		       ? 0
		       : -1;
}

static void finalize_all(struct importer *im)
{
	sqlite3_finalize(im->ins_reject);
	sqlite3_finalize(im->find_id);
	sqlite3_finalize(im->find_serial);
	sqlite3_finalize(im->find_event);
	sqlite3_finalize(im->districts);
	sqlite3_finalize(im->find_erased_raw);
	sqlite3_finalize(im->find_edited);
	sqlite3_finalize(im->close_twice);
}

static int start_batch(struct importer *im, const char *sha)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"INSERT INTO import_batch (exercise_id, file_name, sha256, mapping_sha256, format, "
		"channel, officer, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, im->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, im->m->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, im->stats->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, im->channel, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, im->opt->officer);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(im->db, "starting the import", im->e);
	im->batch_id = sqlite3_last_insert_rowid(im->db);
	im->stats->batch_id = im->batch_id;
	return 0;
}

static int finish_batch(struct importer *im)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"UPDATE import_batch SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
		"rows_read = ?2, rows_accepted = ?3, rows_rejected = ?4, rows_duplicate = ?5 "
		"WHERE id = ?1", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->batch_id);
	sqlite3_bind_int64(st, 2, im->stats->read);
	sqlite3_bind_int64(st, 3, im->stats->accepted);
	sqlite3_bind_int64(st, 4, im->stats->rejected);
	sqlite3_bind_int64(st, 5, im->stats->duplicates);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(im->db, "finishing the import", im->e);
}

static int valid_channel(const char *c)
{
	return !strcmp(c, "online") || !strcmp(c, "paper") || !strcmp(c, "easy-read-paper") ||
	       !strcmp(c, "event-card");
}

/* The event --event names, with its district. */
static int fixed_event(struct importer *im)
{
	const char *code = im->opt->event;
	int rc;

	im->fixed_event_id = 0;
	if (!code)
		return 0;
	sqlite3_bind_int64(im->find_event, 1, im->exercise_id);
	sqlite3_bind_text(im->find_event, 2, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->find_event);
	if (rc == SQLITE_ROW) {
		im->fixed_event_id = sqlite3_column_int64(im->find_event, 0);
		snprintf(im->fixed_event_district, sizeof im->fixed_event_district, "%s",
			 (const char *)sqlite3_column_text(im->find_event, 1));
	}
	sqlite3_reset(im->find_event);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "finding the event", im->e);
	if (!im->fixed_event_id)
		return err_set(im->e, EXIT_USAGE, "there is no event '%s' in this exercise: "
						  "'collector status' lists them", code);
	return 0;
}

/* Settles format, channel, form and --event before anything is written. */
static int settle(struct importer *im)
{
	const struct import_options *opt = im->opt;
	const char *f = opt->format ? opt->format : im->m->format;

	if (!f && !(f = source_detect(im->path, im->e)))
		return -1;
	/* Before the file is hashed: a device or a huge file is refused at once. */
	if (source_check_input(im->path, f, im->e) < 0)
		return -1;
	im->stats->format = f;
	im->channel = opt->channel ? opt->channel : im->m->channel ? im->m->channel : "online";
	if (!valid_channel(im->channel))
		return err_set(im->e, EXIT_USAGE, "unknown channel '%s' (online, paper, "
						  "easy-read-paper, event-card)", im->channel);
	im->form = opt->form ? opt->form : im->m->form;
	if (strcmp(im->form, "standard") && strcmp(im->form, "easy-read"))
		return err_set(im->e, EXIT_USAGE, "unknown form '%s' (standard, easy-read)", im->form);
	if (im->m->id_prefix && strlen(im->m->id_prefix) > IMPORT_MAX_ID_PREFIX)
		return err_set(im->e, EXIT_DATA, "%s:%ld: the response id prefix is %zu bytes, more "
						 "than the %d kept",
			       im->m->path, im->m->line, strlen(im->m->id_prefix),
			       IMPORT_MAX_ID_PREFIX);
	im->dates = date_style_named(im->m->dates);
	if (import_exercise_dates(im) < 0)
		return -1;
	/* A LimeSurvey export lists its columns in <fields>: a header like CSV's. */
	im->fixed_names = !strcmp(f, "csv") || !strcmp(f, "xlsx") || !strcmp(f, "limesurvey");
	return fixed_event(im);
}

/* Was this file imported with this mapping before? */
static int already_imported(struct importer *im, const char *sha)
{
	sqlite3_stmt *st = db_prepare(im->db,
		"SELECT id FROM import_batch WHERE exercise_id = ?1 AND sha256 = ?2 AND "
		"mapping_sha256 = ?3 AND finished_at IS NOT NULL ORDER BY id LIMIT 1", im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, im->m->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		im->stats->batch_id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "reading earlier imports", im->e);
	return rc == SQLITE_ROW;
}

/*
 * The identity of a record the reader could not take, as far as it can be
 * read: 1 when it is an erased response's (the record is skipped, not
 * rejected), 0 with im->cur_ext and im->cur_serial set for its reject, or
 * im->identity_unknown when its fields cannot be told apart (erasure then
 * looks for the id in its raw text); -1 on failure.
 */
static int bad_record_identity(struct importer *im, const struct source_record *rec,
			       char ext[EXT_LEN], char serial[SERIAL_LEN])
{
	char why[WHY_LEN], key[SERIAL_KEY_LEN];
	int rc = KEY_NEW;

	im->cur_ext = im->cur_serial = NULL;
	im->identity_unknown = 0;
	if (!rec->nfields) {
		/* Its id cannot be read: an erased id or serial as a whole field of it will do. */
		if (rec->raw && rec->raw_len) {
			sqlite3_bind_int64(im->find_erased_raw, 1, im->exercise_id);
			sqlite3_bind_blob(im->find_erased_raw, 2, rec->raw, (int)rec->raw_len,
					  SQLITE_STATIC);
			rc = sqlite3_step(im->find_erased_raw);
			sqlite3_reset(im->find_erased_raw);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return db_fail(im->db, "importing", im->e);
			if (rc == SQLITE_ROW) {
				im->stats->erased++;
				return 1;
			}
		}
		im->identity_unknown = 1;
		return 0;
	}
	if (im->fixed_names && !im->indexed && import_index_fields(im, rec) < 0)
		return -1; /* the mapping does not fit the file: refuse it */
	import_record_keys(im, rec, ext, serial, why);
	if (!strncmp(ext, "content:", 8))
		ext[0] = '\0'; /* a hash of a record that was not read right matches nothing */
	serial_key(serial, key);
	if ((*ext && keyset_get(&im->erased, ext)) || (*serial && keyset_get(&im->erased, key)))
		rc = KEY_ERASED;
	else if (*ext && (rc = import_key_lookup(im, im->find_id, ext)) < 0)
		return -1;
	if (*serial && rc != KEY_ERASED &&
	    (rc = import_key_lookup(im, im->find_serial, serial)) < 0)
		return -1;
	if (rc == KEY_ERASED) {
		im->stats->erased++;
		return 1;
	}
	im->cur_ext = *ext ? ext : NULL;
	im->cur_serial = *serial ? serial : NULL;
	return 0;
}

/*
 * dates="auto": one pass over the date column before anything is stored,
 * so the whole column is read one way (date_column_decide); the file is
 * refused when that cannot be told, never guessed row by row.
 */
static int decide_dates(struct importer *im)
{
	struct date_column col = { 0 };
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	char tbuf[IMPORT_MAX_VALUE + 1], why[ERR_LINE_LEN];
	const char *word = NULL, *v;
	int rc, ok = -1;

	if (im->dates != DATE_AUTO || !im->m->submitted_field)
		return 0;
	if (import_open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	while ((rc = source_next(&src, &rec, &rowerr)) != SOURCE_EOF) {
		if (rc == SOURCE_FATAL) {
			ok = 0; /* the import's own pass says why */
			goto out;
		}
		err_init(&rowerr);
		if (rc != SOURCE_RECORD)
			continue;
		word = rec.place_word;
		v = import_value_of(im, &rec, import_index_of(&rec, im->m->submitted_field),
				    im->m->submitted_field);
		date_column_note(&col, import_trim(v, tbuf, sizeof tbuf), rec.place);
	}
	if (date_column_decide(&col, word ? word : "record", &im->dates, why, sizeof why) < 0) {
		err_set(im->e, EXIT_DATA, "%s: column '%.80s': %s", im->path,
			im->m->submitted_field, why);
		goto out;
	}
	ok = 0;
out:
	source_free(&src);
	return ok;
}

static int run(struct importer *im, struct source *src)
{
	struct response_build b = { 0 };
	struct source_record rec;
	struct progress prog;
	struct err rowerr;
	int rc, ok = -1;

	/* Percent and time left where the reader can say how far into the file it is. */
	progress_start(&prog, im->opt->progress, im->path,
		       source_bytes(src) >= 0 ? file_size(im->path) : 0);
	err_init(&rowerr);
	while ((rc = source_next(src, &rec, &rowerr)) != SOURCE_EOF) {
		im->stats->read++;
		if (rc == SOURCE_FATAL) {
			err_set(im->e, rowerr.code ? rowerr.code : EXIT_DATA, "%s",
				rowerr.nlines ? err_first(&rowerr) : "the file cannot be read further");
			goto out;
		}
		if (rc == SOURCE_BAD) {
			/* The reader's message already has the file and place. */
			const char *msg = rowerr.nlines ? err_first(&rowerr) : "unreadable record";
			const char *why = msg;
			size_t plen = strlen(im->path);

			if (!strncmp(why, im->path, plen) && why[plen] == ':') {
				why += plen + 1;
				while (*why && *why != ' ')
					why++;
				while (*why == ' ')
					why++;
			}
			char ext[EXT_LEN], serial[SERIAL_LEN];
			int erased = bad_record_identity(im, &rec, ext, serial);

			if (erased < 0)
				goto out;
			if (!erased) {
				err_set(im->rejects, EXIT_DATA, "%s", msg);
				if (import_store_reject(im, &rec, *why ? why : msg) < 0)
					goto out;
			}
			im->cur_ext = im->cur_serial = NULL;
			im->identity_unknown = 0;
			err_init(&rowerr);
			continue;
		}
		rc = import_record(im, &rec, &b);
		import_build_release(&b);
		if (rc < 0)
			goto out;
		if ((im->stats->read & 0xfff) == 0)
			progress_update(&prog, im->stats->read, source_bytes(src));
	}
	ok = 0;
out:
	progress_end(&prog);
	free(b.rows);
	free(b.owned);
	return ok;
}

#define POSTCODE_MEMO 131072 /* full postcodes looked up, remembered (about 6 MB, fixed) */

int import_file(sqlite3 *db, long long exercise_id, const struct mapping *m, const char *path,
		const struct import_options *opt, struct import_stats *stats, struct err *rejects,
		struct err *warnings, struct err *e)
{
	struct importer im = { 0 };
	struct source src = { 0 };
	char sha[SHA256_HEX_LEN + 1];
	long long fk = 0;
	int rc, ok = -1, in_tx = 0, fk_off = 0;

	memset(stats, 0, sizeof *stats);
	im.db = db;
	im.exercise_id = exercise_id;
	im.m = m;
	im.opt = opt;
	im.path = path;
	im.stats = stats;
	im.rejects = rejects;
	im.warnings = warnings;
	im.e = e;
	if (prepare_all(&im) < 0 || settle(&im) < 0 || source_fingerprint(path, sha, e) < 0)
		goto out;
	if ((rc = already_imported(&im, sha)) != 0) {
		stats->already = rc > 0;
		ok = rc > 0 ? 0 : -1;
		goto out;
	}
	if (import_bind_mapping(&im) < 0 || import_collect_mapped(&im) < 0)
		goto out;
	/* Records resolve only inside the transaction: their lookups can be kept. */
	if (!(im.resolver = postcode_resolver_new(db, exercise_id, e)))
		goto out;
	if (postcode_resolver_remember(im.resolver, POSTCODE_MEMO) < 0) {
		err_set(e, EXIT_SYSTEM, "out of memory");
		goto out;
	}
	if (opt->threshold > 0)
		postcode_resolver_set_threshold(im.resolver, opt->threshold);
	if (decide_dates(&im) < 0 || import_scan_edits(&im) < 0 ||
	    import_open_source(&im, &src) < 0)
		goto out;
	/*
	 * Foreign keys are not checked inside the import's transaction: checking
	 * the references of every response and answer took about a seventh of
	 * the import's time. Every id the rows refer to (the exercise, this batch,
	 * questions, options, events, districts) is read again inside the
	 * transaction, which holds the write lock from BEGIN IMMEDIATE on, so
	 * nothing can remove them meanwhile; districts and events are looked up
	 * there for each record. The pragma does nothing inside a transaction:
	 * it is turned off before BEGIN and back on after COMMIT or ROLLBACK.
	 */
	if (db_int(db, "PRAGMA foreign_keys", 0, &fk, e, 0) < 0 ||
	    (fk && db_exec(db, "PRAGMA foreign_keys = OFF", "importing", e) < 0))
		goto out;
	fk_off = fk != 0;
	if (db_begin(db, e) < 0)
		goto out;
	in_tx = 1;
	if (!(im.checks = crosscheck_load(db, exercise_id, e)))
		goto out;
	import_bound_free(&im);
	if (fixed_event(&im) < 0 || import_bind_mapping(&im) < 0 || start_batch(&im, sha) < 0 ||
	    !(im.pending = response_batch_new(db, e)))
		goto out;
	if (run(&im, &src) < 0 || response_batch_flush(im.pending, e) < 0)
		goto out;
	if (opt->strict && stats->rejected) {
		err_set(e, EXIT_DATA, "%s: %ld records rejected and --strict given: nothing imported",
			path, stats->rejected);
		goto out;
	}
	if (import_district_summary(&im) < 0 ||
	    finish_batch(&im) < 0 || db_commit(db, e) < 0)
		goto out;
	in_tx = 0;
	import_warn_unmapped(&im);
	import_warn_unseen(&im);
	ok = 0;
out:
	if (in_tx)
		db_rollback(db);
	if (fk_off) /* outside a transaction now, where it cannot fail */
		sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (ok < 0)
		import_stats_free(stats);
	source_free(&src);
	keyset_free(&im.seen);
	keyset_free(&im.erased);
	import_edits_free(&im);
	response_batch_free(im.pending);
	free(im.counts);
	postcode_resolver_free(im.resolver);
	crosscheck_free(im.checks);
	finalize_all(&im);
	import_bound_free(&im);
	free(im.mapped);
	free(im.mapped_seen);
	for (size_t i = 0; i < im.nunmapped; i++)
		free(im.unmapped[i].name);
	free(im.unmapped);
	keyset_free(&im.unmapped_index);
	free(im.column_unmapped);
	free(im.repeat_each);
	return ok;
}
