/* The free-text questions, looked up by id without a join (free_text.h). */
#include "free_text.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"

int free_text_load(sqlite3 *db, struct free_text *ft, struct err *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, code FROM question "
					  "WHERE type = 'free-text' ORDER BY id", e);
	size_t cap = 0;
	int rc;

	memset(ft, 0, sizeof *ft);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 1);

		if (ft->n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			long long *id = realloc(ft->id, ncap * sizeof *id);
			char **codes = id ? realloc(ft->code, ncap * sizeof *codes) : NULL;

			if (id)
				ft->id = id;
			if (codes)
				ft->code = codes;
			if (!id || !codes)
				goto oom;
			cap = ncap;
		}
		if (!(ft->code[ft->n] = strdup(code ? code : "")))
			goto oom;
		ft->id[ft->n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, "reading the free-text questions", e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
oom:
	sqlite3_finalize(st);
	return err_set(e, EXIT_SYSTEM, "out of memory");
}

const char *free_text_code(struct free_text *ft, long long id)
{
	/* The answers of a response come question by question: start where the last one was. */
	for (size_t k = 0; k < ft->n; k++) {
		size_t i = (ft->last + k) % ft->n;

		if (ft->id[i] == id) {
			ft->last = i;
			return ft->code[i];
		}
	}
	return NULL;
}

void free_text_release(struct free_text *ft)
{
	for (size_t i = 0; i < ft->n; i++)
		free(ft->code[i]);
	free(ft->code);
	free(ft->id);
	memset(ft, 0, sizeof *ft);
}
