#!/usr/bin/env bash
# End-to-end: messages never print what a respondent wrote. A made-up name and
# phone number is planted in every kind of field that gets a row rejected
# (single and multiple choice, one column per option, scale, date, event,
# district, postcode, free text, a row of the wrong width), through import and
# through 'enter --from'. No output of import, enter, status or erase may hold
# it; the rejected rows keep it in reject.raw, in the database only.
# usage: messages.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
X=$S/exports
DB=$TMP/survey.db
NAME="Zelda-Quist"              # every marker starts with it
mk() { printf '%s-0770090%04d-%s' "$NAME" "$$" "$1"; }
LOG=$TMP/all-output

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
: >"$LOG"
# step NAME CMD...: runs it and keeps what it printed, both streams.
step() {
	local name=$1
	shift
	run "$@"
	printf '== %s\n%s\n%s\n' "$name" "$out" "$err" >>"$LOG"
}
# in_raw MARKER: how many rejected rows hold it in reject.raw.
in_raw() { sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$1') > 0"; }

# ---- import: one rejected row per kind of field -----------------------------
M=$F/import/online.map.xml
HEAD='Respondent,Submitted,Postcode,Area,What works well in urgent care?,How satisfied are you?,Services used,Age,Recommend,Notes'
{
	echo "$HEAD"
	echo "M1,2019-06-12,,,\"$(mk text) said it\",$(mk single),,,,"
	echo "M2,2019-06-12,,,,,\"GP practice, $(mk multi)\",,,"
	echo "M3,2019-06-12,,,,,,$(mk demographic),,"
	echo "M4,2019-06-12,,,,,,,$(mk scale),"
	echo "M5,$(mk date),,,,,,,,"
	echo "M6,2019-06-12,$(mk postcode),$(mk district),,Maybe,,,,"
	echo "M7,2019-06-12,,,,,,,,$(mk width),extra"
	echo "M9,2019-06-12,$(mk postcode2),$(mk district2),,,,,,"
	echo "M8,2019-06-12,,,,,,,,"
	echo "M8,2019-06-12,,,\"$(mk repeat2)\",,,,,"
} >"$TMP/online.csv"
step "import online" "$COLLECTOR" import "$DB" "$TMP/online.csv" --map "$M"
expect_rc "import with rejects" 1
for k in single multi demographic scale date postcode district width repeat2; do
	expect_eq "reject.raw keeps the $k marker" "$(in_raw "$(mk "$k")")" 1
done
# One column per option: a tick that is not a tick.
printf 'Serial,Video: yes,Video: maybe,Video: no,Used: GP,Used: pharmacy\nT-1,x,,,1,%s\n' "$(mk tick)" >"$TMP/ticks.csv"
step "import ticks" "$COLLECTOR" import "$DB" "$TMP/ticks.csv" --map "$F/import/two-answers.map.xml"
expect_rc "import a bad tick" 1
expect_eq "reject.raw keeps the tick marker" "$(in_raw "$(mk tick)")" 1
# An event column: an event that is not the exercise's.
PHEAD=$(head -1 "$X/paper-forms.csv" | tr -d '\r')
{
	echo "$PHEAD"
	echo "Q-1,$(mk event),T. Salt,06/06/2019,Public,GP,Kind,,,,,,,,,,,,,,,,,,,,ST17,55-64,Male,White,No,No"
	echo "Q-2,LE-HAN-1,T. Salt,06/06/2019,$(mk paper-single),GP,Kind,,,,,,,,,,,,,,,,,,,,ST17,55-64,Male,White,No,No"
} >"$TMP/paper.csv"
step "import paper" "$COLLECTOR" import "$DB" "$TMP/paper.csv" --map "$X/paper-forms.map.xml"
expect_rc "import a bad event" 1
expect_eq "reject.raw keeps the event marker" "$(in_raw "$(mk event)")" 1
expect_eq "reject.raw keeps the paper marker" "$(in_raw "$(mk paper-single)")" 1
expect_eq "the reasons hold no marker" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(reason, '$NAME') > 0")" 0
expect_eq "the district notes hold no marker" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE instr(coalesce(district_note, ''), '$NAME') > 0")" 0

# ---- enter --from: the same checks as typing --------------------------------
{
	echo "serial,RESPONDENT,SERVICES,UEC-WELL,UEC-SAT,RECOMMEND,POSTCODE,AGE"
	echo "E-1,$(mk e-single),,,,,,"
	echo "E-2,1,\"1,$(mk e-multi)\",,,,,"
	echo "E-3,1,,,$(mk e-sat),,,"
	echo "E-4,1,,,,$(mk e-scale),,"
	echo "E-5,1,,,,,$(mk e-postcode),"
	echo "E-6,1,,,,,,$(mk e-demographic)"
	echo "E-7,1,,\"$(mk e-text)\",,,,,extra"
	echo "E-8,99$(printf '%04d' $$)0770090,,,,,,"
} >"$TMP/typed.csv"
step "enter --from" "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/typed.csv"
expect_rc "a batch with bad rows" 1
expect_err "the batch says where and why" "typed.csv:2: RESPONDENT: that is not one of the options"
expect_err "an option number is not repeated" "typed.csv:9: RESPONDENT: there is no option with that number"
{
	echo "$PHEAD"
	echo "R-1,$(mk e-event),T. Salt,06/06/2019,Public,GP,Kind,,,,,,,,,,,,,,,,,,,,ST17,55-64,Male,White,No,No"
	echo "R-2,LE-HAN-1,T. Salt,06/06/2019,Public,$(mk e-mapped),Kind,,,,,,,,,,,,,,,,,,,,ST17,55-64,Male,White,No,No"
} >"$TMP/typed-mapped.csv"
step "enter --from --map" "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/typed-mapped.csv" --map "$X/paper-forms.map.xml"
expect_rc "a mapped batch with bad rows" 1
printf 'Serial,Video: yes,Video: maybe,Video: no,Used: GP,Used: pharmacy\nT-2,x,,,1,%s\n' "$(mk e-tick)" >"$TMP/typed-ticks.csv"
step "enter --from ticks" "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/typed-ticks.csv" --map "$F/import/two-answers.map.xml"
expect_rc "a batch with a bad tick" 1

# ---- status and erase --------------------------------------------------------
step "status" "$COLLECTOR" status "$DB"
expect_rc "status" 0
rid=$(sqlite3 "$DB" "SELECT id FROM response WHERE external_id = 'test:M8'")
step "erase" "$COLLECTOR" erase "$DB" --external-id M8 --by DPO --yes
expect_rc "erase" 0
expect_eq "the repeat's raw text went with the erasure" "$(in_raw "$(mk repeat2)")" 0
[ -n "$rid" ] && ok "a response to erase ($rid)" || fail "no response M8"

# ---- nothing printed holds a marker -----------------------------------------
if grep -q -F "$NAME" "$LOG"; then
	fail "a message printed a respondent's words" "$(grep -F "$NAME" "$LOG" | head -5)"
else
	ok "no output of import, enter, status or erase holds a marker ($(grep -c '^== ' "$LOG") commands)"
fi
expect_eq "the phone number is not printed either" "$(grep -c -F "0770090$(printf '%04d' $$)" "$LOG")" 0
finish
