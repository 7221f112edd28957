#!/usr/bin/env bash
# End-to-end: analyser tag's cache of compiled rule sets (table rules_cache).
# A run that takes the rule set from the cache tags exactly as one that
# compiles it; a damaged entry is named, compiled again and replaced; a
# changed rules file is compiled and its examples run again (a failing one
# still fails); a rule set whose examples fail is never cached.
# usage: rules_cache.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
R=$S/rules/twb-2019.rules.xml

# An exercise with the samples' answers, not yet tagged: U (tagged without the
# cache) and W (with it) start from copies.
"$COLLECTOR" init "$TMP/base.db" "$S/exercise-2019.xml" >/dev/null
for f in google-forms-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$TMP/base.db" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done
cp "$TMP/base.db" "$TMP/u.db"
cp "$TMP/base.db" "$TMP/w.db"
entries() { sqlite3 "$1" "SELECT count(*) FROM rules_cache"; }
tags() {
	sqlite3 "$1" "SELECT answer_id, theme, rule, match_start, match_end FROM tag_detail
		ORDER BY answer_id, theme, rule"
}

# An empty exercise fills the cache: its examples pass, nothing is tagged.
"$COLLECTOR" init "$TMP/empty.db" "$S/exercise-2019.xml" >/dev/null
run "$ANALYSER" tag "$TMP/empty.db" "$R"
expect_rc "cold run on an empty exercise" 0
expect_eq "cold run: one entry cached" "$(entries "$TMP/empty.db")" 1
made=$(sqlite3 "$TMP/empty.db" "SELECT made_at FROM rules_cache")
run "$ANALYSER" tag "$TMP/empty.db" "$R"
expect_rc "warm run" 0
expect_eq "warm run: nothing said on stderr" "$err" ""
expect_eq "warm run: the entry is kept as it was" \
	"$(sqlite3 "$TMP/empty.db" "SELECT count(*) || ' ' || made_at FROM rules_cache")" "1 $made"
# With nothing new to tag, the database is not written at all (no sync).
before=$(sha256sum <"$TMP/empty.db")
sleep 1
run "$ANALYSER" tag "$TMP/empty.db" "$R" -q
expect_rc "nothing new" 0
expect_eq "nothing new: the database file unchanged" "$(sha256sum <"$TMP/empty.db")" "$before"

# The same tags with the cache as without.
run "$ANALYSER" tag "$TMP/u.db" "$R" --no-cache -q
expect_rc "tag --no-cache" 0
sqlite3 "$TMP/w.db" "ATTACH '$TMP/empty.db' AS c; INSERT INTO rules_cache SELECT * FROM c.rules_cache"
run "$ANALYSER" tag "$TMP/w.db" "$R" -q
expect_rc "tag from the cache" 0
expect_eq "tag from the cache: nothing said on stderr" "$err" ""
n=$(tags "$TMP/u.db" | wc -l)
[ "$n" -gt 1000 ] && ok "tags without the cache: $n" || fail "tags without the cache: only $n"
if [ "$(tags "$TMP/u.db")" = "$(tags "$TMP/w.db")" ]; then
	ok "the same tags from the cache as compiled"
else
	fail "the tags from the cache differ" "$(diff <(tags "$TMP/u.db") <(tags "$TMP/w.db") | head -5)"
fi

# A damaged entry (bytes of its database flipped, or its checksum) is named,
# compiled again and replaced by a sound one.
key=$(sqlite3 "$TMP/empty.db" "SELECT key FROM rules_cache")
flip() {
	python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
blob, = db.execute("SELECT prefilter FROM rules_cache").fetchone()
b = bytearray(blob)
at = int(sys.argv[2]) % len(b)
b[at] ^= 0xFF
db.execute("UPDATE rules_cache SET prefilter = ?", (bytes(b),))
db.commit()
PY
}
for at in 0 100 5000 -1; do
	cp "$TMP/empty.db" "$TMP/d.db"
	flip "$TMP/d.db" "$at"
	run "$ANALYSER" tag "$TMP/d.db" "$R" -q
	expect_rc "byte $at flipped" 0
	expect_err "byte $at flipped" "$TMP/d.db: the compiled rule set cached for $R (key ${key:0:12}) cannot be used: its checksum does not match its contents; compiling it again"
	run "$ANALYSER" tag "$TMP/d.db" "$R" -q
	expect_eq "byte $at flipped: replaced, the next run says nothing" "$err" ""
done
cp "$TMP/empty.db" "$TMP/d.db"
sqlite3 "$TMP/d.db" "UPDATE rules_cache SET checksum = replace(checksum, substr(checksum, 1, 1), 'x')"
run "$ANALYSER" tag "$TMP/d.db" "$R" -q
expect_err "checksum changed" "(key ${key:0:12}) cannot be used: its checksum does not match"
expect_eq "checksum changed: one sound entry" "$(entries "$TMP/d.db")" 1
# An entry whose checksum was made to fit contents that are not a saved
# prefilter (cut short, or bytes changed) is refused by the reading itself.
forge() {
	python3 - "$1" "$2" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
key, blob = db.execute("SELECT key, prefilter FROM rules_cache").fetchone()
b = bytearray(blob)
if sys.argv[2] == "cut":
    b = b[:len(b) // 2]
elif sys.argv[2] == "count":
    b[18:26] = (10**12).to_bytes(8, "little")  # the first array's count
elif sys.argv[2] == "hs":
    # Vectorscan's database comes last, after its length: its header's first byte.
    at = next(p for p in range(18, len(b) - 8)
              if int.from_bytes(b[p:p + 8], "little") == len(b) - p - 8)
    b[at + 8] ^= 0x55
else:
    b[int(sys.argv[2])] ^= 0x55
db.execute("UPDATE rules_cache SET prefilter = ?, checksum = ?",
           (bytes(b), hashlib.sha256(key.encode() + bytes(b)).hexdigest()))
db.commit()
PY
}
for how in cut count 0 hs; do
	cp "$TMP/empty.db" "$TMP/f.db"
	cp "$TMP/base.db" "$TMP/g.db"
	forge "$TMP/f.db" "$how"
	sqlite3 "$TMP/g.db" "ATTACH '$TMP/f.db' AS c; INSERT INTO rules_cache SELECT * FROM c.rules_cache"
	run "$ANALYSER" tag "$TMP/g.db" "$R" -q
	expect_rc "forged entry ($how)" 0
	expect_err "forged entry ($how)" "(key ${key:0:12}) cannot be used: "
	if [ "$(tags "$TMP/u.db")" = "$(tags "$TMP/g.db")" ]; then
		ok "forged entry ($how): the same tags, compiled again"
	else
		fail "forged entry ($how): the tags differ"
	fi
done

# --no-cache does not read the entry (no warning) and renews it.
cp "$TMP/empty.db" "$TMP/d.db"
flip "$TMP/d.db" 7
run "$ANALYSER" tag "$TMP/d.db" "$R" -q --no-cache
expect_rc "--no-cache over a damaged entry" 0
expect_eq "--no-cache: the entry is not read" "$err" ""
run "$ANALYSER" tag "$TMP/d.db" "$R" -q
expect_eq "--no-cache: the entry renewed" "$err" ""

# A changed rules file is compiled afresh: an example made to fail fails.
sed '0,/<example match="true">[^<]*</s//<example match="true">zzz qqq xxx</' "$R" >"$TMP/changed.rules.xml"
cp "$TMP/empty.db" "$TMP/c.db"
run "$ANALYSER" tag "$TMP/c.db" "$TMP/changed.rules.xml"
expect_rc "changed rules with a failing example" 1
expect_err "changed rules with a failing example" 'expected a match, got none: "zzz qqq xxx"'
expect_err "changed rules with a failing example" "1 of the rule set's examples fails"
expect_eq "changed rules with a failing example: not cached" "$(entries "$TMP/c.db")" 1
run "$ANALYSER" tag "$TMP/c.db" "$TMP/changed.rules.xml" --allow-failing-examples -q
expect_rc "changed rules, --allow-failing-examples" 0
expect_eq "a rule set whose examples fail is never cached" "$(entries "$TMP/c.db")" 1
run "$ANALYSER" tag "$TMP/c.db" "$TMP/changed.rules.xml" -q
expect_rc "changed rules again" 1
expect_err "changed rules again: the examples run again" 'expected a match, got none: "zzz qqq xxx"'
# A changed file whose examples pass gets an entry of its own.
sed 's|</rules>|<!-- changed --></rules>|' "$R" >"$TMP/comment.rules.xml"
run "$ANALYSER" tag "$TMP/c.db" "$TMP/comment.rules.xml" -q
expect_rc "changed rules that pass" 0
expect_eq "changed rules that pass: a second entry" "$(entries "$TMP/c.db")" 2

# A pattern that does not compile is reported as before, without a cache.
run "$ANALYSER" tag "$TMP/c.db" "$TALLY_FIXTURES/rules/broken.rules.xml"
expect_rc "broken rules" 1
expect_err "broken rules" "broken.rules.xml:3: pattern A/1 does not compile at column 8: missing closing parenthesis"
finish
