/*
 * tag_rows.c: tally_tag_rows(P), the tags of a batch as a virtual table
 * (see tag_rows.h). Read-only, eponymous, one pass in order.
 */
#include "tag_rows.h"

#include <string.h>

#include "db.h"

enum { TAG_COLUMNS = 7 };

struct rows_cursor {
	sqlite3_vtab_cursor base;
	const struct tag_rows *rows;
	size_t i;
};

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **err)
{
	sqlite3_vtab *t;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(answer_id, theme_id, rule_no, "
				      "match_start, match_end, response_id, question_id, "
				      "rows HIDDEN)");

	(void)aux;
	(void)argc;
	(void)argv;
	(void)err;
	if (rc != SQLITE_OK)
		return rc;
	if (!(t = sqlite3_malloc(sizeof *t)))
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	*out = t;
	return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *t)
{
	sqlite3_free(t);
	return SQLITE_OK;
}

/* The rows come only through the hidden argument. */
static int rows_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	(void)vt;
	for (int i = 0; i < info->nConstraint; i++)
		if (info->aConstraint[i].iColumn == TAG_COLUMNS && info->aConstraint[i].usable &&
		    info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ) {
			info->aConstraintUsage[i].argvIndex = 1;
			info->aConstraintUsage[i].omit = 1;
			info->estimatedCost = 1;
			info->estimatedRows = 1000;
			return SQLITE_OK;
		}
	return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct rows_cursor *c = sqlite3_malloc(sizeof *c);

	(void)vt;
	if (!c)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof *c);
	*out = &c->base;
	return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c)
{
	sqlite3_free(c);
	return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
		       sqlite3_value **argv)
{
	struct rows_cursor *c = (struct rows_cursor *)cur;

	(void)idx;
	(void)idxstr;
	c->rows = argc ? sqlite3_value_pointer(argv[0], TAG_ROWS_POINTER) : NULL;
	c->i = 0;
	return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur)
{
	((struct rows_cursor *)cur)->i++;
	return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur)
{
	const struct rows_cursor *c = (const struct rows_cursor *)cur;

	return !c->rows || c->i >= c->rows->n;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	const struct rows_cursor *c = (const struct rows_cursor *)cur;
	const struct tag_row *r = &c->rows->v[c->i];

	switch (col) {
	case 0: sqlite3_result_int64(ctx, r->answer); break;
	case 1: sqlite3_result_int64(ctx, r->theme); break;
	case 2: sqlite3_result_int64(ctx, r->rule); break;
	case 3: sqlite3_result_int64(ctx, r->start); break;
	case 4: sqlite3_result_int64(ctx, r->end); break;
	case 5: sqlite3_result_int64(ctx, r->response); break;
	case 6: sqlite3_result_int64(ctx, r->question); break;
	default: sqlite3_result_null(ctx); break;
	}
	return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct rows_cursor *)cur)->i;
	return SQLITE_OK;
}

static const sqlite3_module rows_module = {
	.xConnect = rows_connect,
	.xBestIndex = rows_best_index,
	.xDisconnect = rows_disconnect,
	.xOpen = rows_open,
	.xClose = rows_close,
	.xFilter = rows_filter,
	.xNext = rows_next,
	.xEof = rows_eof,
	.xColumn = rows_column,
	.xRowid = rows_rowid,
};

int tag_rows_register(sqlite3 *db, struct err *e)
{
	if (sqlite3_create_module(db, "tally_tag_rows", &rows_module, NULL) != SQLITE_OK)
		return db_fail(db, "storing the tags", e);
	return 0;
}
