#!/usr/bin/env bash
# End-to-end: one table of "is this box ticked?" read the same way by both
# paths that read a field per option: 'import' and 'enter --from --map'. And
# a batch cell with more choices than an answer holds is refused, not cut.
# usage: ticks.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
MAP=$F/import/two-answers.map.xml # "Used: GP" is option gp, labelled "GP practice"

# name|cell of "Used: GP"|what it says
LONG="1$(printf '%300s' '')x"     # past any buffer a cell was once cut to
TABLE="one|1|yes
x|x|yes
yes spaced and upper| YES |yes
tick mark|✓|yes
ticked|Ticked|yes
the option's code|gp|yes
the option's label|GP practice|yes
the label in another case|  gp PRACTICE |yes
empty||no
zero|0|no
no|No|no
false|false|no
maybe|maybe|bad
another option's label|Pharmacy|bad
a tick with more after 300 spaces|$LONG|bad"

# csv ROWS_WANTED: the table's rows whose outcome is in ROWS_WANTED, as forms
# T-<row number>; the GP cell quoted.
csv() {
	local i=0
	echo 'Serial,Video: yes,Video: maybe,Video: no,Used: GP,Used: pharmacy'
	while IFS='|' read -r name cell want; do
		i=$((i + 1))
		case " $1 " in *" $want "*) printf 'T-%d,,,,"%s",\n' "$i" "$cell" ;; esac
	done <<<"$TABLE"
}
# gp_of DB SERIAL: "yes" when the form's GP box is stored ticked, "no" when
# the form is stored without it, "none" when there is no such response.
gp_of() {
	sqlite3 "$1" "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM response WHERE serial = '$2')
		THEN 'none' WHEN EXISTS (SELECT 1 FROM response r JOIN answer a ON a.response_id = r.id
		JOIN question_option o ON o.id = a.option_id WHERE r.serial = '$2' AND o.code = 'gp')
		THEN 'yes' ELSE 'no' END"
}

new_db() {
	"$COLLECTOR" init "$1" "$S/exercise-2019.xml" >/dev/null &&
	"$COLLECTOR" postcodes load "$1" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
}

# ---- import: every row of the table in one file ------------------------------
DB=$TMP/import.db
new_db "$DB"
csv "yes no bad" >"$TMP/ticks.csv"
run "$COLLECTOR" import "$DB" "$TMP/ticks.csv" --map "$MAP"
expect_rc "import the table (bad rows rejected)" 1
i=0
while IFS='|' read -r name cell want; do
	i=$((i + 1))
	got=$(gp_of "$DB" "T-$i")
	[ "$want" = bad ] && want=none
	expect_eq "import: $name" "$got" "$want"
done <<<"$TABLE"

# ---- enter --from --map: the good rows saved, each bad row refused -----------
DB=$TMP/enter.db
new_db "$DB"
csv "yes no" >"$TMP/good.csv"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/good.csv" --map "$MAP"
expect_rc "enter the table's good rows" 0
csv "bad" >"$TMP/bad.csv"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/bad.csv" --map "$MAP"
expect_rc "enter the table's bad rows" 1
bad_err=$err
i=0
line=1
while IFS='|' read -r name cell want; do
	i=$((i + 1))
	if [ "$want" = bad ]; then
		line=$((line + 1))
		case "$bad_err" in
		*"bad.csv:$line: "*"not a tick"*) ok "enter: $name: refused" ;;
		*) fail "enter: $name: line $line not refused as not a tick" "stderr: $bad_err" ;;
		esac
	else
		expect_eq "enter: $name" "$(gp_of "$DB" "T-$i")" "$want"
	fi
done <<<"$TABLE"

# ---- more choices in one cell than an answer holds ---------------------------
cat >"$TMP/joined.map.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<mapping exercise="twb-2019" channel="paper">
  <serial field="Serial"/>
  <question code="SERVICES" field="Used" separator=", "/>
</mapping>
EOF
many=$(for k in $(seq 64); do printf 'gp, '; done)
printf 'Serial,Used\nJ-1,"%snot-an-option"\nJ-2,"%s"\n' "$many" "gp, pharmacy" >"$TMP/joined.csv"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/joined.csv" --map "$TMP/joined.map.xml"
expect_rc "a cell of 65 choices" 1
expect_err "a cell of 65 choices" "joined.csv:2: "
expect_err "a cell of 65 choices" "more than 64 choices"
expect_eq "nothing of that file saved" "$(gp_of "$DB" J-2)" none

# ---- a mapped <value> with white space around it -----------------------------
# 'enter --from --map' trims a cell before looking it up in <value> with the
# same set as import (trim.h: a vertical tab or form feed too, not only
# spaces and tabs), so the two paths read "Happy" and a vertical tab alike.
cat >"$TMP/valued.map.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<mapping exercise="twb-2019" channel="paper">
  <serial field="Serial"/>
  <question code="UEC-SAT" field="Sat">
    <value from="Happy" to="satisfied"/>
  </question>
</mapping>
EOF
V40=V-$(printf '4%.0s' $(seq 38)) # the longest serial enter takes, 40 characters
printf 'Serial,Sat\nV-1,"Happy\v"\nV-2,"\f Happy \t"\n"%s\v",Happy\n' "$V40" >"$TMP/valued.csv"
sat_of() {
	sqlite3 "$1" "SELECT o.code FROM response r JOIN answer a ON a.response_id = r.id
		JOIN question q ON q.id = a.question_id JOIN question_option o ON o.id = a.option_id
		WHERE r.serial = '$2' AND q.code = 'UEC-SAT'"
}
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/valued.csv" --map "$TMP/valued.map.xml"
expect_rc "enter: a mapped value ending in a vertical tab" 0
expect_eq "enter: 'Happy' and a vertical tab is the mapped option" "$(sat_of "$DB" V-1)" satisfied
expect_eq "enter: 'Happy' between form feed, spaces and a tab" "$(sat_of "$DB" V-2)" satisfied
expect_eq "enter: a 40-character serial and a vertical tab, trimmed" "$(sat_of "$DB" "$V40")" satisfied
DB=$TMP/valued-import.db
new_db "$DB"
run "$COLLECTOR" import "$DB" "$TMP/valued.csv" --map "$TMP/valued.map.xml"
expect_rc "import: the same cells" 0
expect_eq "import: 'Happy' and a vertical tab, as enter reads it" "$(sat_of "$DB" V-1)" satisfied
expect_eq "import: 'Happy' between form feed, spaces and a tab" "$(sat_of "$DB" V-2)" satisfied
expect_eq "import: a 40-character serial and a vertical tab, trimmed" "$(sat_of "$DB" "$V40")" satisfied

finish
