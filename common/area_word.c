#include "area_word.h"

#include <stddef.h>

const char *area_word(sqlite3 *db, long long ex, int capital)
{
	/* The local authority district kinds, as collector/area.c lists them. */
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM area_member WHERE exercise_id = ?1) OR "
		"EXISTS (SELECT 1 FROM exercise_district WHERE exercise_id = ?1 AND NOT "
		"(district_code GLOB '[EWSN][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' AND "
		"substr(district_code, 1, 3) IN ('E06', 'E07', 'E08', 'E09', 'W06', 'S12', 'N09')))";
	sqlite3_stmt *st = NULL;
	int areas = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ex);
		areas = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	if (areas)
		return capital ? "Area" : "area";
	return capital ? "District" : "district";
}
