/*
 * erased.c: an erased response's survey id or serial as a whole field of a
 * raw record, for records whose fields cannot be read.
 */
#include "erased.h"

#include <string.h>

#include "db.h"

/* A byte that can end a field in a raw record: CSV, XLSX rows and XML alike. */
static int field_edge(int c)
{
	return c == ',' || c == ';' || c == '\t' || c == '"' || c == '\'' || c == '\r' ||
	       c == '\n' || c == '<' || c == '>';
}

int erased_holds_field(const unsigned char *raw, size_t len, const char *value, size_t n)
{
	if (!raw || !value || !n || n > len)
		return 0;
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(raw + i, value, n) && (i == 0 || field_edge(raw[i - 1])) &&
		    (i + n == len || field_edge(raw[i + n])))
			return 1;
	return 0;
}

static void holds_field(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *raw = sqlite3_value_blob(argv[0]);
	const unsigned char *v = sqlite3_value_text(argv[1]);
	int n = sqlite3_value_bytes(argv[0]), m = sqlite3_value_bytes(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx, raw && v && n > 0 && m > 0 &&
				erased_holds_field(raw, (size_t)n, (const char *)v, (size_t)m));
}

int erased_register(sqlite3 *db, struct err *e)
{
	if (sqlite3_create_function(db, "tally_holds_field", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				    NULL, holds_field, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "preparing the search for erased responses", e);
	return 0;
}
