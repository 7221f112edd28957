#!/usr/bin/env bash
# End-to-end: analyser review over the samples. A reviewer removes a wrong
# tag and adds a missed theme; the counts change by exactly that, and
# --rules-only gives the old ones; the report, the exports and explain say
# so; a new tag run (same and changed rules) keeps both decisions; erasing
# the response takes its decisions and their reason with it. A coded sample
# stored with `review sample load` lists the same disagreements as its file
# (rules only) and those with the decisions; erasure takes its notes.
# usage: review.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
RULES=$S/rules/twb-2019.rules.xml
PHRASE="Kumquat-$$-review-note"

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$ANALYSER" tag "$DB" "$RULES" >/dev/null

q() { sqlite3 "$DB" "$1"; }
# A sub-theme with no sub-themes of its own, and an answer whose respondent
# mentions it only there: removing the tag takes the respondent off it.
read -r A1 T1 <<<"$(q "SELECT t.answer_id, h.code FROM tag t JOIN theme h ON h.id = t.theme_id
	JOIN response r ON r.id = t.response_id AND r.entry_status = 'accepted'
	WHERE h.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM theme c WHERE c.parent_id = h.id)
	AND (SELECT count(*) FROM tag u WHERE u.response_id = t.response_id AND u.theme_id = h.id) = 1
	ORDER BY t.answer_id LIMIT 1" | tr '|' ' ')"
# Another such theme, and an answer of a respondent who does not mention it.
read -r A2 T2 <<<"$(q "SELECT a.id, h.code FROM answer a JOIN question qu ON qu.id = a.question_id
	JOIN response r ON r.id = a.response_id AND r.entry_status = 'accepted'
	JOIN theme h ON h.parent_id IS NOT NULL AND h.code <> '$T1'
	AND NOT EXISTS (SELECT 1 FROM theme c WHERE c.parent_id = h.id)
	WHERE qu.type = 'free-text' AND length(a.value) > 0 AND r.id <> (SELECT response_id FROM answer WHERE id = $A1)
	AND NOT EXISTS (SELECT 1 FROM tag u JOIN theme p ON p.id = u.theme_id WHERE u.response_id = r.id AND p.code = h.code)
	ORDER BY a.id DESC, h.position LIMIT 1" | tr '|' ' ')"
[ -n "$A1" ] && [ -n "$A2" ] && ok "picked answer $A1 ($T1 to remove) and $A2 ($T2 to add)" ||
	fail "no answers to review"
R2=$(q "SELECT response_id FROM answer WHERE id = $A2")

# count THEME FILE: respondents mentioning THEME over every district, from a counts CSV.
count() { awk -F, -v t="$1" '$1 == t && $4 == "(all)" { print $6 }' "$2"; }
"$ANALYSER" counts "$DB" --format csv --no-suppress >"$TMP/before.csv" 2>/dev/null

# --- the decisions ---------------------------------------------------------------
run "$ANALYSER" review remove "$DB" "$A1" "$T1" --as asmith --reason "not about that"
expect_rc "review remove" 0
expect_err "review remove says what it did" "answer $A1: removed $T1, by asmith"
run "$ANALYSER" review add "$DB" "$A2" "$T2" --as bjones --reason "$PHRASE, ring 07700 900123"
expect_rc "review add" 0
case "$err$out" in *"$PHRASE"*|*07700*) fail "the reason was printed" ;; *) ok "the reason is not printed" ;; esac
expect_eq "both kept with reviewer, theme code and rule set" \
	"$(q "SELECT group_concat(action || ' ' || theme_code || ' ' || reviewer || ' ' || (length(ruleset_sha256) = 64), ',') FROM review_decision")" \
	"remove $T1 asmith 1,add $T2 bjones 1"
# Refused: a theme the rules do not have, one not there to remove, one there already, a bad action.
run "$ANALYSER" review add "$DB" "$A2" NO-SUCH-THEME --as asmith
expect_rc "add a theme unknown to the rules" 1
expect_err "unknown theme" "answer $A2: no theme 'NO-SUCH-THEME' in the current rule set"
run "$ANALYSER" review remove "$DB" "$A1" "$T1" --as asmith
expect_rc "remove twice" 1
expect_err "remove twice" "nothing to remove"
run "$ANALYSER" review add "$DB" "$A2" "$T2" --as asmith
expect_rc "add twice" 1
run "$ANALYSER" review add "$DB" 99999999 "$T2" --as asmith
expect_rc "no such answer" 1
expect_err "no such answer" "no answer 99999999"
run env -u USER "$ANALYSER" review add "$DB" "$A2" "$T1"
expect_rc "no reviewer" 2
expect_err "no reviewer" "--as NAME"
run "$ANALYSER" review accept "$DB" x "$T1" --as asmith
expect_rc "answer not a number" 2
run "$ANALYSER" review list "$DB" --untagged --theme "$T1"
expect_rc "two queues" 2
run "$ANALYSER" review progress "$DB" --reason x
expect_rc "an option of another command" 2
expect_eq "nothing more recorded" "$(q "SELECT count(*) FROM review_decision")" 2

# --- counts: changed by exactly the two decisions; --rules-only as before ----------
run "$ANALYSER" counts "$DB" --format csv --no-suppress
printf '%s\n' "$out" >"$TMP/after.csv"
expect_eq "$T1 one respondent fewer" "$(count "$T1" "$TMP/after.csv")" $(($(count "$T1" "$TMP/before.csv") - 1))
expect_eq "$T2 one respondent more" "$(count "$T2" "$TMP/after.csv")" $(($(count "$T2" "$TMP/before.csv") + 1))
# Only the two themes, their parents and "any theme" can change.
allowed=" $T1 $T2 $(q "SELECT group_concat(p.code, ' ') FROM theme h JOIN theme p ON p.id = h.parent_id
	WHERE h.code IN ('$T1', '$T2')") (any) "
others=""
for c in $(diff "$TMP/before.csv" "$TMP/after.csv" | grep '^>' | cut -c3- | cut -d, -f1 | sort -u); do
	case "$allowed" in *" $c "*) ;; *) others="$others $c" ;; esac
done
expect_eq "nothing else changed" "$others" ""
"$ANALYSER" counts "$DB" --format csv --no-suppress --rules-only >"$TMP/rules.csv" 2>/dev/null
expect_eq "--rules-only gives the old counts" "$(cmp -s "$TMP/before.csv" "$TMP/rules.csv" && echo same)" same
run "$ANALYSER" counts "$DB"
expect_err "the table says decisions were used" "counted with the review decisions"
run "$ANALYSER" counts "$DB" --format json --no-suppress
expect_out "json says which tags" '"tags": "rules+decisions"'
run "$ANALYSER" counts "$DB" --format json --no-suppress --rules-only
expect_out "json --rules-only" '"tags": "rules"'
# Published with disclosure control, the ledger keys the tables by the tags counted.
"$ANALYSER" counts "$DB" --format csv >/dev/null 2>&1
expect_eq "the ledger's snapshot is of the reviewed tags" \
	"$(q "SELECT count(*) > 0 AND sum(snapshot NOT LIKE '% reviewed;%') = 0 FROM publication_table")" 1
"$ANALYSER" counts "$DB" --format csv --rules-only >/dev/null 2>&1
expect_eq "rules only: another snapshot, the other's tables forgotten" \
	"$(q "SELECT count(*) > 0 AND sum(snapshot LIKE '% reviewed;%') = 0 FROM publication_table")" 1
expect_eq "the SQL layer counts the same" \
	"$(q "SELECT count(DISTINCT response_id) FROM count_inputs WHERE theme = '$T2'")" "$(count "$T2" "$TMP/after.csv")"

# --- report, exports, explain ------------------------------------------------------
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/r.html"
expect_rc "report" 0
grep -q "include those corrections" "$TMP/r.html" && ok "How we counted says reviewers corrected" ||
	fail "How we counted does not mention the review"
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/r0.html" --rules-only
grep -q "come from the rules alone" "$TMP/r0.html" && ok "--rules-only: How we counted says rules alone" ||
	fail "--rules-only report does not say rules alone"
run "$ANALYSER" export "$DB" --tables "$TMP/t.csv"
expect_rc "export --tables" 0
grep -q "reviewers' decisions: a tag a reviewer removed" "$TMP/t.notes.csv" && ok "the notes say decisions were used" ||
	fail "the notes do not say which tags"
run "$ANALYSER" export "$DB" --rows "$TMP/rows.csv"
expect_rc "export --rows" 0
run "$ANALYSER" export "$DB" --rows "$TMP/raw.csv" --raw-text
python3 - "$TMP/rows.csv" "$TMP/raw.csv" "$A1" "$T1" "$A2" "$T2" "$PHRASE" <<'PY' && rc=0 || rc=$?
import csv, sys
rows, raw, a1, t1, a2, t2, phrase = sys.argv[1:]
def by_answer(p):
    return {r["answer_id"]: r for r in csv.DictReader(open(p, newline=""))}
r, w = by_answer(rows), by_answer(raw)
assert t1 not in r[a1]["themes"].split("; ") and t1 in r[a1]["rule_themes"].split("; "), r[a1]
assert r[a1]["review"] == t1 + " removed", r[a1]["review"]
assert t2 in r[a2]["themes"].split("; ") and t2 not in r[a2]["rule_themes"].split("; "), r[a2]
assert r[a2]["review"] == t2 + " added", r[a2]["review"]
assert "[phone]" in r[a2]["review_reasons"] and "07700" not in r[a2]["review_reasons"], r[a2]
assert "07700 900123" in w[a2]["review_reasons"]
assert sum(1 for x in r.values() if x["review"]) == 2
PY
[ "$rc" -eq 0 ] || err="python failed"
expect_rc "rows: themes as counted, the rules' own, the review, reasons redacted" 0
run "$ANALYSER" explain "$DB" "$R2"
expect_out "explain shows the decision, who and when" "review: $T2 added by bjones at 20"
expect_out "explain: the rules do not give it" "overrides the current rules"

# --- list and progress -------------------------------------------------------------
TEXT2=$(q "SELECT substr(value, 1, 12) FROM answer WHERE id = $A2")
run "$ANALYSER" review list "$DB" --decided --decisions
expect_rc "review list --decided" 0
expect_eq "two answers listed" "$(printf '%s\n' "$out" | grep -c '^[0-9]')" 2
expect_out "the decision under its answer" "  remove $T1 by asmith at "
case "$out" in *"$TEXT2"*) fail "list printed answer text without --text" ;; *) ok "list prints no answer text" ;; esac
run "$ANALYSER" review list "$DB" --decided --text
case "$out" in *"$TEXT2"*) ok "--text shows the answer" ;; *) fail "--text shows no answer" "$out" ;; esac
run "$ANALYSER" review list "$DB" --theme "$T2"
expect_out "one theme's queue has the added answer" "$A2	$R2	"
run "$ANALYSER" review list "$DB" --sample 5 --seed 3
s1=$out
run "$ANALYSER" review list "$DB" --sample 5 --seed 3
expect_eq "the same seed, the same sample" "$out" "$s1"
expect_eq "a sample of 5" "$(printf '%s\n' "$out" | grep -c '^[0-9]')" 5
# A coded sample: the respondent of answer 1 coded as the rules have it, plus
# $T2; the next one's as the rules have it.
R1=$(q "SELECT response_id FROM answer WHERE id = $A1")
R3=$(q "SELECT min(r.id) FROM response r WHERE r.id > $R1 AND EXISTS (SELECT 1 FROM tag t WHERE t.response_id = r.id)")
gold_of() { q "SELECT group_concat(code, '; ') FROM (SELECT DISTINCT h.code FROM tag t JOIN theme h ON h.id = t.theme_id WHERE t.response_id = $1)"; }
printf 'response,themes\n%s,"%s; %s"\n%s,"%s"\n' "$R1" "$(gold_of "$R1")" "$T2" "$R3" "$(gold_of "$R3")" >"$TMP/gold.csv"
run "$ANALYSER" review list "$DB" --disagree "$TMP/gold.csv"
expect_rc "the queue of disagreements with a coded sample" 0
expect_eq "only the respondent coded otherwise" "$(printf '%s\n' "$out" | grep '^[0-9]' | cut -f2 | sort -u)" "$R1"
expect_out "it says how they differ" "+$T2"
file_out=$out

# --- the same sample stored in the database (review sample load|list|drop) ----------
NOTE="Quince-$$-coder-note"
printf 'response,themes,note\n%s,"%s; %s",%s ring 07700 900456\n%s,"%s",\n' "$R1" "$(gold_of "$R1")" \
	"$T2" "$NOTE" "$R3" "$(gold_of "$R3")" >"$TMP/gold-noted.csv"
run "$ANALYSER" review sample load "$DB" "$TMP/gold-noted.csv" --name "audit one" --as asmith
expect_rc "review sample load" 0
expect_err "load says what it stored" "coded sample 'audit one' stored: 2 responses, loaded by asmith"
case "$out$err" in *"$NOTE"*|*07700*) fail "a coder's note was printed" ;; *) ok "the notes are not printed" ;; esac
expect_eq "the note is kept with its response" "$(q "SELECT count(*) FROM coded_sample_response WHERE response_id = $R1 AND note LIKE '$NOTE%'")" 1
run "$ANALYSER" review sample load "$DB" "$TMP/gold-noted.csv" --name "audit one" --as asmith
expect_rc "a name stored already is refused" 1
expect_err "it says so" "a coded sample named 'audit one' is stored already"
printf 'response,themes\n%s,NO-SUCH-THEME\n999999,\n' "$R1" >"$TMP/bad-gold.csv"
run "$ANALYSER" review sample load "$DB" "$TMP/bad-gold.csv" --as asmith
expect_rc "a gold file with problems is refused" 1
expect_err "each problem with its line: a theme" "bad-gold.csv:2: unknown theme 'NO-SUCH-THEME'"
expect_err "each problem with its line: a response" "bad-gold.csv:3:"
expect_eq "nothing stored from it" "$(q "SELECT count(*) FROM coded_sample")" 1
run "$ANALYSER" review sample list "$DB"
expect_rc "review sample list" 0
expect_out "the list names the sample, its responses and who loaded it" "$(printf 'audit one\t2\tasmith\t')"
expect_eq "the list names the file it was loaded from, without its folder" \
	"$(printf '%s\n' "$out" | awk -F'\t' '$1 == "audit one" { print $5 }')" gold-noted.csv
expect_eq "the list's header names the file's column" "$(printf '%s\n' "$out" | head -1 | cut -f5)" file
run "$ANALYSER" review list "$DB" --disagree "audit one" --rules-only
expect_rc "the queue of a stored sample, rules only" 0
expect_eq "rules only: the same answers and differences as from the file" "$out" "$file_out"
run "$ANALYSER" review list "$DB" --disagree "audit one"
expect_rc "the queue of a stored sample, with the decisions" 0
expect_eq "with the decisions: still only the respondent coded otherwise" "$(printf '%s\n' "$out" | grep '^[0-9]' | cut -f2 | sort -u)" "$R1"
expect_out "the theme a decision removed is now missed" "+$T1"
expect_out "the theme the coder gave is still missed" "+$T2"
expect_err "it says what the sample was compared with" "against the tags as counted: rules and decisions"
run "$ANALYSER" review list "$DB" --disagree "audit one" --text
expect_out "with --text, the coder's note" "$NOTE"
case "$out" in *07700*) fail "the note's telephone number is not redacted" ;; *) ok "the note is redacted" ;; esac
cp "$TMP/gold-noted.csv" "$TMP/to-drop.csv"
run "$ANALYSER" review sample load "$DB" "$TMP/to-drop.csv" --as asmith
expect_err "the default name is the file's" "coded sample 'to-drop' stored"
run "$ANALYSER" review sample drop "$DB" to-drop
expect_rc "review sample drop" 0
expect_eq "dropped with its rows" "$(q "SELECT group_concat(name) FROM coded_sample")|$(q "SELECT count(*) FROM coded_sample_response")|$(q "SELECT count(DISTINCT sample_id) FROM coded_sample_code")" "audit one|2|1"
run "$ANALYSER" review sample drop "$DB" to-drop
expect_rc "dropping a sample not stored" 1
run "$ANALYSER" review sample
expect_rc "review sample without a command" 2
expect_err "the group is named in full" "usage: analyser review sample COMMAND"
run "$ANALYSER" review list "$DB" --disagree "no such sample or file"
expect_rc "a --disagree that is neither a sample nor a file" 2
run "$ANALYSER" review mark "$DB" "$A1" "$A2" --as asmith
expect_rc "review mark" 0
run "$ANALYSER" review progress "$DB"
expect_rc "review progress" 0
expect_out "progress: two answers reviewed in all, both decisions override" "$(printf '%-20s %-30s' '(all)' 'All answers')"
total=$(q "SELECT count(*) FROM answers a JOIN responses r ON r.response_id = a.response_id WHERE r.counted = 1")
case "$(printf '%s\n' "$out" | grep '^(all)')" in
*" $total        2 "*) ok "progress: 2 of $total answers reviewed" ;;
*) fail "progress total" "$out" ;; esac
run "$ANALYSER" review progress "$DB" --by district
expect_rc "review progress by district" 0

# --- a new tag run keeps both decisions ---------------------------------------------
run "$ANALYSER" tag "$DB" "$RULES"
expect_out "tag says how the decisions stand" "review decisions kept: 0 agree with these rules, 2 override them, 0 name a theme"
"$ANALYSER" counts "$DB" --format csv --no-suppress >"$TMP/same.csv" 2>/dev/null
expect_eq "re-tag, same rules: counts with the decisions" "$(cmp -s "$TMP/after.csv" "$TMP/same.csv" && echo same)" same
old_sha=$(q "SELECT sha256 FROM ruleset")
# The same themes in a changed file: a new rule set, its themes new rows.
sed 's#</rules>#<!-- changed -->\n</rules>#' "$RULES" >"$TMP/changed.rules.xml"
run "$ANALYSER" tag "$DB" "$TMP/changed.rules.xml"
expect_rc "tag with changed rules" 0
[ "$(q "SELECT sha256 FROM ruleset")" != "$old_sha" ] && ok "a new rule set version" || fail "the same rule set"
"$ANALYSER" counts "$DB" --format csv --no-suppress >"$TMP/changed.csv" 2>/dev/null
expect_eq "re-tag, changed rules: counts with the decisions" "$(cmp -s "$TMP/after.csv" "$TMP/changed.csv" && echo same)" same
expect_eq "the decisions are still there" "$(q "SELECT count(*) FROM review_decision")" 2

# --- erasure takes the decisions and their reason -----------------------------------
"$COLLECTOR" erase "$DB" --response "$R2" --by DPO --yes >/dev/null
expect_eq "the erased answer's decision is gone" "$(q "SELECT group_concat(theme_code) FROM review_decision")" "$T1"
expect_eq "its review mark is gone" "$(q "SELECT count(*) FROM review_mark WHERE answer_id = $A2")" 0
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
found=0
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] && grep -a -q "$PHRASE" "$f" && found=1
done
expect_eq "no trace of the reason in the database files" "$found" 0

# --- erasure takes the response's coded sample rows and the coder's note ------------
"$COLLECTOR" erase "$DB" --response "$R1" --by DPO --yes >/dev/null
expect_eq "the erased response's sample rows are gone" \
	"$(q "SELECT count(*) FROM coded_sample_response WHERE response_id = $R1")|$(q "SELECT count(*) FROM coded_sample_code WHERE response_id = $R1")" "0|0"
expect_eq "the sample keeps its other response" "$(q "SELECT count(*) FROM coded_sample_response")" 1
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
found=0
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] && grep -a -q "$NOTE" "$f" && found=1
done
expect_eq "no trace of the coder's note in the database files" "$found" 0
finish
