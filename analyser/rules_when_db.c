/* The conditions' questions read from and checked against the database (rules_when_db.h). */
#include "rules_when_db.h"

#include <stdio.h>

#include "db.h"

int rules_when_columns(struct strbuf *q, const struct ruleset *rs, int first)
{
	int bad = 0;

	/* Only answered ones: a question left blank is not answered. */
	for (size_t k = 0; k < rs->nwhen_questions; k++)
		bad |= strbuf_addf(q, ", (SELECT group_concat(coalesce(o.code, w.value), char(31)) "
				      "FROM answer w JOIN question wq ON wq.id = w.question_id "
				      "LEFT JOIN question_option o ON o.id = w.option_id "
				      "WHERE w.response_id = a.response_id AND wq.code = ?%d "
				      "AND w.state = 'answered')", first + (int)k);
	return bad ? -1 : 0;
}

void rules_when_bind(sqlite3_stmt *st, const struct ruleset *rs, int first)
{
	for (size_t k = 0; k < rs->nwhen_questions; k++)
		sqlite3_bind_text(st, first + (int)k, rs->when_questions[k], -1, SQLITE_STATIC);
}

int rules_when_check(sqlite3 *db, long long ex, const struct ruleset *rs, struct err *e)
{
	char ex_text[24];
	int bad = 0;

	snprintf(ex_text, sizeof ex_text, "%lld", ex);
	for (size_t i = 0; i < rs->nthemes; i++)
		for (size_t k = 0; k < rs->themes[i].nwhen; k++) {
			const struct rule_when *w = &rs->themes[i].when[k];
			long long n = 0;

			if (db_int(db, "SELECT count(*) FROM question q JOIN questionnaire n ON "
				       "n.id = q.questionnaire_id WHERE n.exercise_id = ?1 AND q.code = ?2",
				   0, &n, e, 2, ex_text, w->question) < 0)
				return -1;
			if (!n) {
				err_set(e, EXIT_DATA, "%s:%ld: theme %s: <%s> names question '%s', "
						      "which this exercise does not have",
					rs->path, w->line, rs->themes[i].code,
					w->negate ? "unless" : "when", w->question);
				bad = 1;
			}
		}
	return bad ? -1 : 0;
}
