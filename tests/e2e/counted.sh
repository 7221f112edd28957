# Helpers for the tests that count an export independently (export_rows.py)
# and check the import's summary and stored answers against it. Source after
# lib.sh, with DB set (it may change between imports).
ROWS="python3 $(dirname "${BASH_SOURCE[0]}")/export_rows.py"
q() { sqlite3 "$DB" "$1"; }
last_batch="(SELECT max(id) FROM import_batch)"

# accounted NAME ROWS: the summary's imported + rejected + duplicates + skipped = ROWS
accounted() {
	local line imp rej dup skipped
	line=$(printf '%s\n' "$out" | grep ' read, ')
	imp=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) imported.*/\1/p')
	rej=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) rejected.*/\1/p')
	dup=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) already in the database.*/\1/p')
	skipped=$(printf '%s\n' "$out" | sed -n 's/^  \([0-9]*\) skipped: .*/\1/p' | paste -sd+ | sed 's/^$/0/')
	expect_eq "$1: imported + rejected + duplicates + skipped = rows" \
		"$((imp + rej + dup + skipped))" "$2"
}
# The places of the last import's rejects ("5 9"): their cells are in the reject table.
rejected_places() { q "SELECT coalesce(group_concat(line, ' '), '') FROM reject WHERE batch_id = $last_batch"; }
# arrived NAME FILE FIELD QUESTION [export_rows options]: every cell of FIELD in a row kept is
# an answer to QUESTION of the last import (one response each)
arrived() {
	local name=$1 file=$2 field=$3 code=$4 want got
	shift 4
	want=$($ROWS cells "$file" "$field" --except "$(rejected_places)" "$@")
	got=$(q "SELECT count(DISTINCT a.response_id) FROM answer a JOIN question qu ON qu.id = a.question_id
		 JOIN response r ON r.id = a.response_id
		 WHERE qu.code = '$code' AND r.batch_id = $last_batch")
	expect_eq "$name: every '$field' cell arrived as $code" "$got" "$want"
}
# arrived_option NAME FILE FIELD QUESTION OPTION [options]: one field per option
arrived_option() {
	local name=$1 file=$2 field=$3 code=$4 opt=$5 want got
	shift 5
	want=$($ROWS cells "$file" "$field" --except "$(rejected_places)" "$@")
	got=$(q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id
		 JOIN question_option o ON o.id = a.option_id JOIN response r ON r.id = a.response_id
		 WHERE qu.code = '$code' AND o.code = '$opt' AND r.batch_id = $last_batch")
	expect_eq "$name: every '$field' tick arrived as $code/$opt" "$got" "$want"
}
# answers_of EXTERNAL_ID QUESTION: the codes (or values) stored, space-separated, sorted
answers_of() {
	q "SELECT group_concat(v, ' ') FROM (SELECT coalesce(o.code, a.value) v FROM answer a
	   JOIN response r ON r.id = a.response_id JOIN question qu ON qu.id = a.question_id
	   LEFT JOIN question_option o ON o.id = a.option_id
	   WHERE r.external_id = '$1' AND qu.code = '$2' ORDER BY v)"
}

# arrived_each NAME FILE FIELD QUESTION [options]: every cell (each repeat's too) is one answer
arrived_each() {
	local name=$1 file=$2 field=$3 code=$4 want got
	shift 4
	want=$($ROWS cells "$file" "$field" --except "$(rejected_places)" "$@")
	got=$(q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id
		 JOIN response r ON r.id = a.response_id
		 WHERE qu.code = '$code' AND r.batch_id = $last_batch")
	expect_eq "$name: every '$field' cell arrived as an answer to $code" "$got" "$want"
}
# answers_of_batch QUESTION: the last import's answers to QUESTION, "external-id=code-or-value" sorted
answers_of_batch() {
	q "SELECT group_concat(v, ' ') FROM (SELECT r.external_id || '=' || coalesce(o.code, '') ||
	   coalesce(':' || a.value, '') v FROM answer a
	   JOIN response r ON r.id = a.response_id JOIN question qu ON qu.id = a.question_id
	   LEFT JOIN question_option o ON o.id = a.option_id
	   WHERE qu.code = '$1' AND r.batch_id = $last_batch ORDER BY v)"
}
