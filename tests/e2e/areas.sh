#!/usr/bin/env bash
# End-to-end: exercises over areas other than English districts. A region
# whose included districts a Staffordshire postcode rolls up to, a Scottish
# health board, areas outside the UK placed by event or tick, and an ONS
# code of a kind that does not exist, refused with the kinds that do.
# usage: areas.sh COLLECTOR [ANALYSER]   (TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=${2:-}
. "$(dirname "$0")/lib.sh"
A=$TALLY_FIXTURES/exercise/areas

# mapping EXERCISE FILE: an online export with an event, a ticked area and a postcode.
mapping() {
	cat >"$2" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<mapping exercise="$1" form="standard" channel="online">
  <response-id field="Respondent" prefix="t"/>
  <postcode field="Postcode"/>
  <district field="Area"/>
  <event field="Event"/>
  <question code="Q1" field="Comment"/>
</mapping>
XML
}
HEAD='Respondent,Event,Area,Postcode,Comment'
# placed DB ID: the area and how it was found for response t:ID.
placed() { sqlite3 "$1" "SELECT coalesce(district_code, '-') || ' ' || district_source FROM response WHERE external_id = 't:$2'"; }

# --- a region: a postcode in a district it includes counts in the region ------
DB=$TMP/region.db
run "$COLLECTOR" init "$DB" "$A/region.xml"
expect_rc "region init" 0
expect_out "region init" "1 areas, 1 events"
expect_eq "region stored" "$(sqlite3 "$DB" "SELECT code || '|' || name FROM district")" "E12000005|West Midlands"
expect_eq "region's districts" "$(sqlite3 "$DB" "SELECT count(*) FROM area_member WHERE area_code = 'E12000005'")" 4
run "$COLLECTOR" postcodes load "$DB" "$A/postcodes.csv"
expect_rc "region postcodes" 0
mapping wm-2026 "$TMP/wm.map.xml"
printf '%s\nR1,,,ST13 5AA,Kind staff\nR2,,,M1 1AE,Quick\nR3,RS-WM-1,,,Helpful\nR4,,E07000195,,Fine\n' \
	"$HEAD" >"$TMP/wm.csv"
run "$COLLECTOR" import "$DB" "$TMP/wm.csv" --map "$TMP/wm.map.xml" -q
expect_rc "region import" 0
expect_eq "Leek postcode counts in the region" "$(placed "$DB" R1)" "E12000005 postcode"
# The exercise's word: status and the analyser's headings say "area", not "district".
run "$COLLECTOR" status "$DB"
expect_out "region status" "By area"
expect_eq "region status: no 'district' heading" "$(printf '%s\n' "$out" | grep -c '^By district')" 0
if [ -n "$ANALYSER" ]; then
	sed 's/exercise="twb-2019"/exercise="wm-2026"/' "$TALLY_FIXTURES/rules/small.rules.xml" >"$TMP/wm.rules.xml"
	"$ANALYSER" tag "$DB" "$TMP/wm.rules.xml" -q >/dev/null
	run "$ANALYSER" counts "$DB" --by district,channel
	expect_out "region counts crosstab: says the exercise's word" "by Area and Channel"
	run "$ANALYSER" counts "$DB" --format json --no-suppress
	expect_out "region counts json: the dimension's title" '"Area"'
fi
expect_eq "its note names the district and the region" \
	"$(sqlite3 "$DB" "SELECT district_note FROM response WHERE external_id = 't:R1'")" \
	"postcode ST13 5AA is in E07000198, part of E12000005"
expect_eq "Manchester postcode is outside the region's districts" "$(placed "$DB" R2)" "- out-of-area"
expect_eq "regional event" "$(placed "$DB" R3)" "E12000005 event"
expect_eq "a ticked district counts in its region" "$(placed "$DB" R4)" "E12000005 ticked"
run "$COLLECTOR" postcodes lookup "$DB" "ST5 1AA"
expect_out "lookup in the region" "E12000005	postcode	postcode ST5 1AA is in E07000195, part of E12000005"

# --- a Scottish health board --------------------------------------------------
DB=$TMP/board.db
run "$COLLECTOR" init "$DB" "$A/health-board.xml"
expect_rc "health board init" 0
run "$COLLECTOR" postcodes load "$DB" "$A/postcodes.csv"
mapping grampian-2026 "$TMP/gr.map.xml"
printf '%s\nR1,,,AB10 1AA,Kind staff\nR2,,,ST13 5AA,Quick\n' "$HEAD" >"$TMP/gr.csv"
run "$COLLECTOR" import "$DB" "$TMP/gr.csv" --map "$TMP/gr.map.xml" -q
expect_rc "health board import" 0
expect_eq "Aberdeen postcode counts in NHS Grampian" "$(placed "$DB" R1)" "S08000020 postcode"
expect_eq "Leek postcode is outside it" "$(placed "$DB" R2)" "- out-of-area"

# --- outside the UK: by event or tick; a UK postcode is outside the areas -----
DB=$TMP/ie.db
run "$COLLECTOR" init "$DB" "$A/outside-uk.xml"
expect_rc "outside the UK init" 0
expect_eq "own codes stored" "$(sqlite3 "$DB" "SELECT group_concat(district_code, ' ') FROM (SELECT district_code FROM exercise_district ORDER BY position)")" "IE-DUB IE-LOUTH"
mapping ie-2026 "$TMP/ie.map.xml"
printf '%s\nR1,LE-DUB-1,,,Friendly\nR2,,IE-LOUTH,,Clear\nR3,LE-DUB-1,,ST5 1AA,Calm\nR4,,Louth,,Good\n' \
	"$HEAD" >"$TMP/ie.csv"
run "$COLLECTOR" import "$DB" "$TMP/ie.csv" --map "$TMP/ie.map.xml" -q
expect_rc "outside the UK import" 0
expect_eq "by the event" "$(placed "$DB" R1)" "IE-DUB event"
expect_eq "by the tick" "$(placed "$DB" R2)" "IE-LOUTH ticked"
expect_eq "a UK postcode is outside the areas" "$(placed "$DB" R3)" "- out-of-area"
expect_eq "a tick by the area's name" "$(placed "$DB" R4)" "IE-LOUTH ticked"

# --- an ONS code of an unknown kind: refused, naming the kinds there are -------
run "$COLLECTOR" init "$TMP/bad.db" "$TALLY_FIXTURES/exercise/unknown-area-kind.xml"
expect_rc "unknown kind" 1
expect_err "unknown kind" "unknown-area-kind.xml:9: area code E99000005: E99 is not an ONS area kind this tool knows; known: E06 unitary authority, E07 non-metropolitan district"
expect_err "unknown kind" "E12 region"
[ ! -e "$TMP/bad.db" ] && ok "unknown kind: no database" || fail "unknown kind created a database"

# --- files that say <districts> load as before ----------------------------------
run "$COLLECTOR" init "$TMP/old.db" "$TALLY_SAMPLES/exercise-2019.xml"
expect_rc "districts file" 0
expect_out "districts file" "9 districts, 23 events"
run "$COLLECTOR" status "$TMP/old.db"
expect_out "districts file status" "By district"
expect_eq "no area members" "$(sqlite3 "$TMP/old.db" "SELECT count(*) FROM area_member")" 0

finish
