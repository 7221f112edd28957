/*
 * import_record.c: one record: its identity, then a response, a duplicate or a reject.
 */
#include "import_internal.h"

/* A response id made from the record itself, when the export has none. */
static void content_id(const struct source_record *rec, char *out, size_t cap)
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	for (size_t i = 0; i < rec->nfields; i++) {
		sha256_update(&ctx, strlen(rec->values[i]) + 1, (const uint8_t *)rec->values[i]);
	}
	sha256_digest(&ctx, sizeof d, d);
	snprintf(out, cap, "content:");
	for (int i = 0; i < 10 && strlen(out) + 3 < cap; i++)
		snprintf(out + strlen(out), cap - strlen(out), "%02x", d[i]);
}


/* One of the above for `value`, or -1 on failure. */
int import_key_lookup(struct importer *im, sqlite3_stmt *st, const char *value)
{
	int rc, found;

	sqlite3_bind_int64(st, 1, im->exercise_id);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, im->batch_id);
	rc = sqlite3_step(st);
	found = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : KEY_NEW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(im->db, "importing", im->e);
	return found;
}


/*
 * Stores a rejected record with its raw text and the identity it was read
 * with (im->cur_ext, im->cur_serial), so that erasure finds it by the same
 * rules as the import. 0 or -1.
 */
int import_store_reject(struct importer *im, const struct source_record *rec, const char *why)
{
	char place[64];
	int rc;

	im->stats->rejected++;
	snprintf(place, sizeof place, "%s %ld", rec->place_word ? rec->place_word : "record",
		 rec->place);
	sqlite3_bind_int64(im->ins_reject, 1, im->batch_id);
	sqlite3_bind_text(im->ins_reject, 2, place, -1, SQLITE_STATIC);
	sqlite3_bind_int64(im->ins_reject, 3, rec->place);
	sqlite3_bind_text(im->ins_reject, 4, why, -1, SQLITE_STATIC);
	bind_text_or_null(im->ins_reject, 6, im->cur_ext);
	bind_text_or_null(im->ins_reject, 7, im->cur_serial);
	sqlite3_bind_int(im->ins_reject, 8, !im->identity_unknown);
	if (rec->raw && utf8_check(rec->raw, rec->raw_len, NULL))
		sqlite3_bind_text(im->ins_reject, 5, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
	else if (rec->raw)
		sqlite3_bind_blob(im->ins_reject, 5, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(im->ins_reject, 5);
	rc = sqlite3_step(im->ins_reject);
	sqlite3_reset(im->ins_reject);
	return rc == SQLITE_DONE ? 0 : db_fail(im->db, "recording a rejected record", im->e);
}

/* "file:place: reason", the same text for the user and the rejects table. */
int import_reject(struct importer *im, const struct source_record *rec, const char *why)
{
	const char *file = rec->file ? rec->file : im->path;

	if (rec->place_word && !strcmp(rec->place_word, "line"))
		err_set(im->rejects, EXIT_DATA, "%s:%ld: %s", file, rec->place, why);
	else
		err_set(im->rejects, EXIT_DATA, "%s: %s %ld: %s", file,
			rec->place_word ? rec->place_word : "record", rec->place, why);
	return import_store_reject(im, rec, why);
}

/*
 * The record's identity, before anything else of it is read: the export's
 * id (prefixed, into `ext`), a paper serial number, or with neither the
 * content itself. 0, or 1 with `why` set when the record is to be rejected.
 */
int import_record_keys(struct importer *im, const struct source_record *rec, char ext[EXT_LEN],
		       char serial[SERIAL_LEN], char why[WHY_LEN])
{
	const struct mapping *m = im->m;
	char tbuf[IMPORT_MAX_ID + 1];
	const char *v;

	ext[0] = serial[0] = '\0';
	if (m->id_field) {
		v = import_value_of(im, rec, im->id_field, m->id_field);
		if (import_too_long(v, IMPORT_MAX_ID, m->id_field, "response id", why, WHY_LEN))
			return 1;
		v = import_trim(v, tbuf, sizeof tbuf);
		if (*v) {
			/* "prefix:id": settle() refused a longer prefix, import_too_long() a
			   longer id. */
			const char *pfx = m->id_prefix ? m->id_prefix : im->stats->format;
			size_t plen = strnlen(pfx, IMPORT_MAX_ID_PREFIX), vlen = strlen(v);

			memcpy(ext, pfx, plen);
			ext[plen] = ':';
			memcpy(ext + plen + 1, v, vlen + 1);
		} else if (m->id_required) {
			snprintf(why, WHY_LEN, "the response id is missing (column '%.80s')", m->id_field);
			return 1;
		}
	}
	if (m->serial_field) {
		v = import_value_of(im, rec, im->serial_field, m->serial_field);
		if (import_too_long(v, IMPORT_MAX_SERIAL, m->serial_field, "serial number", why,
				    WHY_LEN))
			return 1;
		v = import_trim(v, serial, SERIAL_LEN);
		if (!*v) {
			snprintf(why, WHY_LEN, "the paper form's serial number is missing (column '%.80s')",
				 m->serial_field);
			return 1;
		}
	}
	if (!*ext && !*serial)
		content_id(rec, ext, EXT_LEN);
	return 0;
}


/*
 * Reads the file again up to the current record, to know the place of every
 * key seen so far: from then on `seen` holds every key of the file.
 */
static int replay(struct importer *im)
{
	struct keyset seen = { 0 };
	struct source src = { 0 };
	struct source_record rec;
	struct err rowerr;
	int rc, ok = -1;

	if (response_batch_flush(im->pending, im->e) < 0 || import_open_source(im, &src) < 0)
		return -1;
	err_init(&rowerr);
	for (long n = 1; n < im->stats->read; n++) {
		char ext[EXT_LEN], serial[SERIAL_LEN], why[WHY_LEN], key[SERIAL_KEY_LEN];

		if ((rc = source_next(&src, &rec, &rowerr)) == SOURCE_EOF || rc == SOURCE_FATAL) {
			err_set(im->e, EXIT_DATA, "%s changed while it was being imported: import it "
						  "again", im->path);
			goto out;
		}
		err_init(&rowerr);
		if (rc == SOURCE_BAD || import_record_keys(im, &rec, ext, serial, why))
			continue;
		/* As identity() went: an id seen or imported earlier ends the record's checks. */
		if (*ext) {
			if (keyset_get(&seen, ext))
				continue;
			if (keyset_add(&seen, ext, rec.place) < 0)
				goto oom;
			if ((rc = import_key_lookup(im, im->find_id, ext)) < 0)
				goto out;
			if (rc == KEY_EARLIER || rc == KEY_ERASED || rc == KEY_REPLACED)
				continue;
		}
		serial_key(serial, key);
		if (*serial && keyset_add(&seen, key, rec.place) < 0)
			goto oom;
	}
	keyset_free(&im->seen);
	im->seen = seen;
	im->tracking = 1;
	ok = 0;
	goto out;
oom:
	err_set(im->e, EXIT_SYSTEM, "out of memory");
out:
	if (ok < 0)
		keyset_free(&seen);
	source_free(&src);
	return ok;
}

/*
 * Closes the earlier "appears twice" rejects of a response id (`ext`) or
 * serial number (`serial`) this import found already imported. 0, or -1.
 */
static int close_twice(struct importer *im, const char *ext, const char *serial)
{
	sqlite3_stmt *st = im->close_twice;
	int rc;

	sqlite3_bind_int64(st, 1, im->batch_id);
	if (ext)
		sqlite3_bind_text(st, 2, ext, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	if (serial)
		sqlite3_bind_text(st, 3, serial, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, IMPORT_TWICE, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, im->exercise_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail(im->db, "closing rows fixed since", im->e);
}

/*
 * Whether a response known by `value` (an id or a serial number; `key`
 * among this file's keys) is new: 0 when it is, 1 when it was seen earlier
 * in this file (rejected) or is already in the database (counted as a
 * duplicate), -1 on failure.
 *
 * A key is seen once a record reaches this check with it. Most such records
 * become responses of this import, found again by the UNIQUE indexes of
 * `response`; `seen` keeps only the keys of the others (duplicates of
 * earlier imports, records rejected later), so memory does not grow with
 * the file. Where a response's record was is not kept: the rare second
 * sighting of one reads the file again to find out (replay()), and from
 * then on `seen` keeps every key.
 */
static int identity(struct importer *im, const struct source_record *rec, const char *key,
		    const char *value, const char *what, sqlite3_stmt *find)
{
	long first;
	int rc = KEY_NEW;

	/* Erased: skipped before anything of the record is written, every time it comes. */
	if (keyset_get(&im->erased, key)) {
		im->stats->erased++;
		return 1;
	}
	first = keyset_get(&im->seen, key);
	if (!first) {
		/* A pending response may have it: the database must know them first. */
		if (response_batch_may_have(im->pending, key) && response_batch_flush(im->pending, im->e) < 0)
			return -1;
		if ((rc = import_key_lookup(im, find, value)) < 0)
			return -1;
		if (rc == KEY_THIS_IMPORT && (im->tracking || replay(im) < 0 ||
					      !(first = keyset_get(&im->seen, key)))) {
			if (!err_isset(im->e))
				err_set(im->e, EXIT_DATA, "%s changed while it was being imported: "
							  "import it again", im->path);
			return -1;
		}
	}
	if (first) {
		char why[400];

		snprintf(why, sizeof why, "%s '%.200s' " IMPORT_TWICE " (first at %s %ld)",
			 what, value, rec->place_word, first);
		return import_reject(im, rec, why) < 0 ? -1 : 1;
	}
	if (rc == KEY_NEW && !im->tracking)
		return 0;
	if (keyset_add(&im->seen, key, rec->place) < 0)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	if (rc == KEY_ERASED) {
		im->stats->erased++;
		if (keyset_add(&im->erased, key, rec->place) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
	} else if (rc == KEY_EARLIER) {
		im->stats->duplicates++;
		if (close_twice(im, find == im->find_id ? value : NULL,
				find == im->find_id ? NULL : value) < 0)
			return -1;
	}
	else if (rc == KEY_REPLACED)
		im->stats->superseded++;
	return rc != KEY_NEW;
}

/* Counts an accepted response under its district, for the summary. */
static int count_district(struct importer *im, const struct postcode_result *p)
{
	int out = !p->district[0] && p->source && !strcmp(p->source, "out-of-area");
	struct district_count *c;

	for (size_t i = im->ncounts; i-- > 0;) {
		c = &im->counts[i];
		if (!strcmp(c->code, p->district) && (p->district[0] || c->out_of_area == out)) {
			c->n++;
			return 0;
		}
	}
	if (ALLOC_GROW(im->counts, im->ncounts + 1, im->capcounts) < 0)
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	c = &im->counts[im->ncounts++];
	snprintf(c->code, sizeof c->code, "%s", p->district);
	c->out_of_area = out;
	c->n = 1;
	return 0;
}

struct district_label {
	struct import_district d;
	int named;                  /* a district's name, not "not known" */
};

static int by_district(const void *a, const void *b)
{
	const struct district_label *x = a, *y = b;

	if (x->named != y->named)
		return y->named - x->named;
	return strcmp(x->d.name, y->d.name);
}

/*
 * The summary's districts from the counts, grouped and ordered as
 * "SELECT coalesce(d.name, 'outside the area' or 'not known'), count(*) ...
 * GROUP BY 1 ORDER BY d.name IS NULL, 1" over this import's responses
 * would, without reading them back and sorting them all.
 */
int import_district_summary(struct importer *im)
{
	struct import_stats *st = im->stats;
	sqlite3_stmt *name = db_prepare(im->db, "SELECT name FROM district WHERE code = ?1", im->e);
	struct district_label *l = NULL;
	size_t n = 0;
	int ok = -1;

	if (!name)
		return -1;
	if (!(l = calloc(im->ncounts ? im->ncounts : 1, sizeof *l)) ||
	    !(st->districts = calloc(im->ncounts ? im->ncounts : 1, sizeof *st->districts)))
		goto oom;
	for (size_t i = 0; i < im->ncounts; i++) {
		const struct district_count *c = &im->counts[i];
		const char *label = c->out_of_area ? "outside the area" : "not known";
		int named = 0, rc = SQLITE_DONE;
		size_t k;

		if (c->code[0]) {
			sqlite3_bind_text(name, 1, c->code, -1, SQLITE_STATIC);
			if ((rc = sqlite3_step(name)) == SQLITE_ROW && sqlite3_column_text(name, 0)) {
				label = (const char *)sqlite3_column_text(name, 0);
				named = 1;
			}
		}
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			db_fail(im->db, "counting the districts", im->e);
			goto out;
		}
		for (k = 0; k < n && strcmp(l[k].d.name, label); k++)
			;
		if (k == n && !(l[n++].d.name = strdup(label)))
			goto oom;
		l[k].d.count += c->n;
		l[k].named |= named;
		sqlite3_reset(name);
	}
	qsort(l, n, sizeof *l, by_district);
	for (size_t k = 0; k < n; k++) {
		st->districts[k] = l[k].d;
		l[k].d.name = NULL;
	}
	st->ndistricts = n;
	ok = 0;
	goto out;
oom:
	err_set(im->e, EXIT_SYSTEM, "out of memory");
out:
	for (size_t k = 0; k < n; k++)
		free(l[k].d.name);
	free(l);
	sqlite3_finalize(name);
	return ok;
}

void import_stats_free(struct import_stats *stats)
{
	for (size_t i = 0; i < stats->ndistricts; i++)
		free(stats->districts[i].name);
	free(stats->districts);
	stats->districts = NULL;
	stats->ndistricts = 0;
}

/* Is the ISO date (and time) `date` before the exercise opens or after it closes? */
static int outside_dates(const struct importer *im, const char *date)
{
	return strncmp(date, im->opens, 10) < 0 || strncmp(date, im->closes, 10) > 0;
}

/* The exercise's opening and closing dates, for outside_dates(). */
int import_exercise_dates(struct importer *im)
{
	sqlite3_stmt *st = db_prepare(im->db, "SELECT opens, closes FROM exercise WHERE id = ?1",
				      im->e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, im->exercise_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(im->opens, sizeof im->opens, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(im->closes, sizeof im->closes, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(im->db, "reading the exercise's dates", im->e);
	return 0;
}

/* A record whose identity is new: a response, or a reject. 1, 0 or -1 on failure. */
static int store_record(struct importer *im, const struct source_record *rec,
			struct response_build *b, const char *ext, const char *serial)
{
	const struct mapping *m = im->m;
	char date[DATE_ISO_MAX] = "", tick[16], tbuf[IMPORT_MAX_VALUE + 1], why[ERR_LINE_LEN];
	const char *v, *ticked = NULL;
	long long event_id = im->fixed_event_id;
	char event_district[16];
	struct postcode_input pin = { NULL, NULL, NULL };
	struct postcode_result pres;
	int rc;

	memcpy(event_district, im->fixed_event_district, sizeof event_district);

	/* Values that would be cut to fit are refused. */
	if ((m->event_field &&
	     import_too_long(import_value_of(im, rec, im->event_field, m->event_field),
			     IMPORT_MAX_VALUE, m->event_field, "event code", why, sizeof why)) ||
	    (m->submitted_field &&
	     import_too_long(import_value_of(im, rec, im->submitted_field, m->submitted_field),
			     IMPORT_MAX_VALUE, m->submitted_field, "date", why, sizeof why)) ||
	    (!im->opt->officer && m->officer_field &&
	     import_too_long(import_value_of(im, rec, im->officer_field, m->officer_field),
			     IMPORT_MAX_VALUE, m->officer_field, "officer's name", why, sizeof why)))
		return import_reject(im, rec, why) < 0 ? -1 : 0;

	/* Where and when. */
	if (m->event_field &&
	    *import_trim(import_value_of(im, rec, im->event_field, m->event_field), tbuf,
			 sizeof tbuf)) {
		sqlite3_bind_int64(im->find_event, 1, im->exercise_id);
		sqlite3_bind_text(im->find_event, 2, tbuf, -1, SQLITE_STATIC);
		rc = sqlite3_step(im->find_event);
		if (rc == SQLITE_ROW) {
			event_id = sqlite3_column_int64(im->find_event, 0);
			snprintf(event_district, sizeof event_district, "%s",
				 (const char *)sqlite3_column_text(im->find_event, 1));
		}
		sqlite3_reset(im->find_event);
		if (rc == SQLITE_DONE) {
			char why[300];

			snprintf(why, sizeof why, "column '%.80s': the event is not one of the "
						  "exercise's ('collector status' lists them)",
				 m->event_field);
			return import_reject(im, rec, why) < 0 ? -1 : 0;
		}
		if (rc != SQLITE_ROW)
			return db_fail(im->db, "importing", im->e);
	}
	if (m->submitted_field) {
		v = import_trim(import_value_of(im, rec, im->submitted_field, m->submitted_field),
				tbuf, sizeof tbuf);
		if (*v && date_parse(v, im->dates, date) < 0) {
			char why[400];

			snprintf(why, sizeof why, "column '%.80s': the value is not a date the mapping "
						  "reads (dates=\"%s\")",
				 m->submitted_field, m->dates);
			return import_reject(im, rec, why) < 0 ? -1 : 0;
		}
		if (*v && m->reject_outside && outside_dates(im, date)) {
			snprintf(why, sizeof why, "column '%.80s': the date is outside the exercise's "
						  "%s to %s and the mapping says outside=\"reject\"",
				 m->submitted_field, im->opens, im->closes);
			return import_reject(im, rec, why) < 0 ? -1 : 0;
		}
	}

	/* Answers: by field, repeat by repeat, then through routes and grids of items. */
	for (size_t i = 0; i < im->nqs; i++) {
		const struct bound_question *q = &im->qs[i];

		if (q->route || q->items)
			continue;
		if ((q->each ? import_read_each(im, rec, q, b) : import_read_question(im, rec, q, b)) < 0)
			return import_reject(im, rec, b->reason) < 0 ? -1 : 0;
	}
	if (import_shape_read(im, rec, b) < 0)
		return import_reject(im, rec, b->reason) < 0 ? -1 : 0;

	/* District, in the brief's order of trust. */
	if (m->postcode_field)
		pin.postcode = import_value_of(im, rec, im->postcode_field, m->postcode_field);
	if (m->district_field &&
	    import_ticked_district(im, import_value_of(im, rec, im->district_field,
							   m->district_field),
				   tick, &ticked) < 0)
		return -1;
	pin.event_district = *event_district ? event_district : NULL;
	pin.ticked_district = ticked;
	if (postcode_resolve(im->resolver, &pin, &pres, im->e) < 0)
		return -1;

	/*
	 * Cross-field checks: an export or a paper form may hold what the form's
	 * routing rules out (both "None" and another box ticked). The record is
	 * stored as given, since each answer is what the person wrote, and each
	 * check it breaks is a warning with its place; the summary counts them.
	 */
	{
		struct crosscheck_problem cp[4];
		size_t ncp = crosscheck_answers(im->checks, b->rows, b->n, cp, 4);

		if (ncp)
			im->stats->cross_checked++;
		for (size_t k = 0; k < ncp && k < 4; k++)
			err_set(im->warnings, EXIT_OK, "%s:%s%s%ld: %s (stored as given)", im->path,
				rec->place_word && !strcmp(rec->place_word, "line") ? ""
										     : rec->place_word ? rec->place_word : "record",
				rec->place_word && !strcmp(rec->place_word, "line") ? "" : " ",
				rec->place, cp[k].where);
	}

	/* The response and its answers. */
	{
		struct stored_response r = { 0 };

		r.exercise_id = im->exercise_id;
		r.batch_id = im->batch_id;
		r.channel = im->channel;
		r.form_variant = im->form;
		r.event_id = event_id;
		r.place = &pres;
		r.external_id = ext;
		r.serial = serial;
		/* --officer names whoever typed the whole file; otherwise the column, if any. */
		r.officer = im->opt->officer
				    ? im->opt->officer
				    : import_trim(import_value_of(im, rec, im->officer_field,
								  m->officer_field),
						  tbuf, sizeof tbuf);
		r.submitted_at = date;
		/* Kept and flagged, so nothing is lost; counts can leave them out. */
		r.outside_dates = *date && outside_dates(im, date);
		if (response_batch_add(im->pending, &r, b->rows, b->n, im->e) < 0)
			return -1;
		im->stats->outside += r.outside_dates;
	}
	im->stats->accepted++;
	im->stats->no_answer += b->no_answer;
	return count_district(im, &pres) < 0 ? -1 : 1;
}

static int import_record_keyed(struct importer *im, const struct source_record *rec,
			       struct response_build *b, const char *ext, const char *serial);

int import_record(struct importer *im, const struct source_record *rec,
		  struct response_build *b)
{
	char ext[EXT_LEN], serial[SERIAL_LEN], why[WHY_LEN];
	int rc = 0;

	if (im->fixed_names && !im->indexed && import_index_fields(im, rec) < 0)
		return -2; /* the mapping does not fit the file: refuse it */
	if (import_note_fields(im, rec) < 0)
		return -1;
	im->cur_ext = im->cur_serial = NULL;
	if (import_record_keys(im, rec, ext, serial, why)) {
		/* A record of an erased response is not kept, even when it is faulty. */
		if (*ext) {
			if (keyset_get(&im->erased, ext))
				rc = KEY_ERASED;
			else if ((rc = import_key_lookup(im, im->find_id, ext)) < 0)
				return -1;
			if (rc == KEY_ERASED) {
				im->stats->erased++;
				return keyset_add(&im->erased, ext, rec->place) < 0
					       ? err_set(im->e, EXIT_SYSTEM, "out of memory") : 0;
			}
		}
		im->cur_ext = *ext ? ext : NULL;
		rc = import_reject(im, rec, why);
		im->cur_ext = NULL;
		return rc < 0 ? -1 : 0;
	}
	im->cur_ext = *ext ? ext : NULL;
	im->cur_serial = *serial ? serial : NULL;
	rc = import_record_keyed(im, rec, b, ext, serial);
	im->cur_ext = im->cur_serial = NULL;
	return rc;
}

/* A record whose keys are read: by its identity, skipped, rejected or stored. 0 or -1. */
static int import_record_keyed(struct importer *im, const struct source_record *rec,
			       struct response_build *b, const char *ext, const char *serial)
{
	char key[SERIAL_KEY_LEN] = "", target_ext[EXT_LEN] = "";
	long long target = 0;
	long path[EDIT_CHAIN_MAX];
	int rc = 0, npath = 0;

	/* A version that a later edit in this file replaces is not a person. */
	if (*ext && keyset_get(&im->edit_old, ext)) {
		im->stats->superseded++;
		return 0;
	}
	if (*ext && (rc = identity(im, rec, ext, ext, "response", im->find_id)) != 0)
		return rc < 0 ? -1 : 0;
	if (*serial) {
		serial_key(serial, key);
		if ((rc = identity(im, rec, key, serial, "serial number", im->find_serial)) != 0)
			key[0] = '\0';
	}
	/* An edit: of an erased response it is skipped, every time it comes. */
	if (rc == 0 && *ext && keyset_get(&im->edit_new, ext) &&
	    (rc = import_edit_target(im, ext, &target, target_ext, path, &npath)) > 0) {
		im->stats->erased++;
		if (keyset_add(&im->erased, ext, rec->place) < 0)
			return err_set(im->e, EXIT_SYSTEM, "out of memory");
	}
	if (rc == 0) {
		rc = store_record(im, rec, b, ext, serial);
		/* A rejected edit keeps its step (nothing replaced), so that an edit
		   of it finds the response it would have replaced. */
		if (rc >= 0 && npath &&
		    import_record_edit(im, rc > 0 ? target : 0, target_ext, path,
				       rc > 0 ? npath : 1) < 0)
			return -1;
	} else if (rc > 0)
		rc = 0;
	/* Passed identity() but not stored: no index of `response` knows the keys. */
	if (rc == 0 && ((*ext && keyset_add(&im->seen, ext, rec->place) < 0) ||
			(*key && keyset_add(&im->seen, key, rec->place) < 0)))
		return err_set(im->e, EXIT_SYSTEM, "out of memory");
	return rc < 0 ? -1 : 0;
}
