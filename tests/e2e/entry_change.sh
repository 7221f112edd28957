#!/bin/bash
# collector enter --change SERIAL: a typed form changed at the keyboard before
# a second entry checks it; the earlier answers are kept as a version, the
# exercise's cross-field checks ask again, and a checked form cannot change.
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
F=$TALLY_FIXTURES/crosscheck
DB=$TMP/survey.db

q() { sqlite3 "$DB" "$1"; }

"$COLLECTOR" init "$DB" "$F/exercise.xml" >/dev/null
"$COLLECTOR" enter "$DB" --event LE-TAM-1 --officer "Jo Bloggs" --from "$F/good.csv" >/dev/null

run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change C-01 --event LE-TAM-1
expect_rc "--change with --event" 2
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change NOPE </dev/null
expect_rc "--change an unknown serial" 1
expect_err "--change an unknown serial" "there is no form with serial number NOPE"
run "$COLLECTOR" enter "$DB" --officer "Sam Smith" --change C-01 </dev/null
expect_rc "--change someone else's form" 1
expect_err "--change someone else's form" "only the officer who typed form C-01, or a supervisor, can change it"

# USED changed to No: SERVICES and WELL break the skip rule and are asked again.
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change C-01 < <(printf '1\n2\ns\ns\ny\n')
expect_rc "--change a form" 0
expect_out "--change asks again what the rule skips" "Question 2: This question is only for people who answered"
expect_out "--change saves" "Form C-01 changed: what it said before is kept."
expect_eq "the new answers" "$(q "SELECT group_concat(coalesce(o.code, a.state), ',') FROM answer a JOIN response r ON r.id = a.response_id LEFT JOIN question_option o ON o.id = a.option_id WHERE r.serial = 'C-01' ORDER BY a.id")" "no,skipped,skipped,skipped"
expect_eq "the earlier version" "$(q "SELECT v.version || '|' || v.saved_by || '|' || v.replaced_by || '|' || count(*) FROM entry_version v JOIN entry_version_answer a ON a.version_id = v.id")" "1|Jo Bloggs|Jo Bloggs|5"
expect_eq "its words kept" "$(q "SELECT count(*) FROM entry_version_answer WHERE value = 'Kind staff'")" 1

# Left as it was; the input ending first changes nothing.
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change C-01 < <(printf 'd\n')
expect_rc "--change left as it was" 0
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change C-01 < <(printf '1\n')
expect_rc "--change with the input ending" 1
expect_err "--change with the input ending" "the input ended before the changes were saved: form C-01 is as it was"
expect_eq "still one version" "$(q "SELECT count(*) FROM entry_version")" 1

# A second entry checks it: no more changes.
printf 'serial,USED,SERVICES,WELL,IDEAS\nC-01,2,,,\n' >"$TMP/second.csv"
"$COLLECTOR" enter "$DB" --event LE-TAM-1 --officer "Sam Smith" --verify --from "$TMP/second.csv" >/dev/null
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs" --change C-01 </dev/null
expect_rc "--change a checked form" 1
expect_err "--change a checked form" "form C-01 has been checked by a second entry"

# Erasing it erases its versions.
run "$COLLECTOR" erase "$DB" --serial C-01 --by DPO --yes
expect_rc "erase a changed form" 0
expect_eq "versions erased" "$(q "SELECT count(*) FROM entry_version")|$(q "SELECT count(*) FROM entry_version_answer")" "0|0"

finish
