#include "area_word.h"

#include <stddef.h>

#include "db.h"

int area_word(sqlite3 *db, long long ex, int capital, const char **word, struct err *e)
{
	/* The local authority district kinds, as collector/area.c lists them. */
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM area_member WHERE exercise_id = ?1) OR "
		"EXISTS (SELECT 1 FROM exercise_district WHERE exercise_id = ?1 AND NOT "
		"(district_code GLOB '[EWSN][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' AND "
		"substr(district_code, 1, 3) IN ('E06', 'E07', 'E08', 'E09', 'W06', 'S12', 'N09')))";
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int areas = 0, rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, ex);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		areas = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, "reading what the exercise's areas are", e);
	if (areas)
		*word = capital ? "Area" : "area";
	else
		*word = capital ? "District" : "district";
	return 0;
}
