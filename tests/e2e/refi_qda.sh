#!/usr/bin/env bash
# End-to-end: the REFI-QDA exchange on the sample exercise. The codebook and
# the project validate against the published schemas (schema/refi-qda/, with
# xmllint when it is installed; the Check suite `refi` validates with
# libxml2 in any case); the codebook read back gives a draft rule set with
# the same themes; every coding's characters are the words its tag matched;
# the project is redacted unless --raw-text says otherwise.
# usage: refi_qda.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
XSD=$S/../schema/refi-qda
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
for f in google-forms-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done

# Nothing tagged yet: nothing to exchange.
run "$ANALYSER" export "$DB" --codebook "$TMP/early.qdc"
expect_rc "codebook before tagging" 1
[ ! -e "$TMP/early.qdc" ] && ok "no codebook left behind" || fail "a codebook was written"

"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null

run "$ANALYSER" export "$DB" --codebook "$TMP/a.qdc"
expect_rc "codebook" 0
expect_out "codebook" "wrote $TMP/a.qdc: the themes as a REFI-QDA codebook"
"$ANALYSER" export "$DB" --codebook "$TMP/b.qdc" >/dev/null
cmp -s "$TMP/a.qdc" "$TMP/b.qdc" && ok "codebook exported again: same GUIDs, same bytes" ||
	fail "codebook differs when exported again"

run "$ANALYSER" export "$DB" --qdpx "$TMP/p.qdpx"
expect_rc "project" 0
expect_out "project" "(redacted) as sources"
run "$ANALYSER" export "$DB" --qdpx "$TMP/raw.qdpx" --raw-text
expect_rc "raw project" 0
expect_err "raw project" "--raw-text: $TMP/raw.qdpx holds what respondents wrote"
run "$ANALYSER" export "$DB" --codebook "$TMP/x.qdc" --raw-text
expect_rc "--raw-text without rows or a project" 2

if command -v xmllint >/dev/null; then
	run xmllint --noout --schema "$XSD/Codebook.xsd" "$TMP/a.qdc"
	expect_rc "codebook valid against Codebook.xsd (xmllint)" 0
	mkdir -p "$TMP/unz"
	python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("project.qde", sys.argv[2])' \
		"$TMP/p.qdpx" "$TMP/unz"
	run xmllint --noout --schema "$XSD/Project.xsd" "$TMP/unz/project.qde"
	expect_rc "project.qde valid against Project.xsd (xmllint)" 0
else
	ok "xmllint not installed: schema validation is in the Check suite refi"
fi

# The codebook back into rules: the same themes, no patterns, a draft.
run "$ANALYSER" rules from-codebook --exercise twb-2019 "$TMP/a.qdc" "$TMP/back.rules.xml"
expect_rc "from-codebook" 0
expect_out "from-codebook" "no patterns yet"
run "$ANALYSER" rules check "$TMP/back.rules.xml"
expect_rc "a draft is not a rule set to tag with" 1
expect_err "a draft is not a rule set to tag with" "can never be found"
run "$ANALYSER" rules check --draft "$TMP/back.rules.xml"
expect_rc "rules check --draft" 0
expect_out "rules check --draft" "still without patterns"
run python3 - "$DB" "$TMP/back.rules.xml" <<'PY'
import sqlite3, sys
import xml.etree.ElementTree as ET
db = sqlite3.connect(sys.argv[1])
want = [tuple(r) for r in db.execute(
    "SELECT theme, label, coalesce(parent, ''), coalesce(description, '') FROM themes ORDER BY position")]
got = [(t.get("code"), t.get("label"), t.get("parent") or "",
        (t.findtext("description") or "").strip())
       for t in ET.parse(sys.argv[2]).getroot().iter("theme")]
if sorted(want) != sorted(got):
    print("differ:", set(want) ^ set(got))
    sys.exit(1)
if any(t.find("include") is not None for t in ET.parse(sys.argv[2]).getroot().iter("theme")):
    sys.exit("a pattern was made up")
print(len(got), "themes")
PY
expect_rc "round trip: the same themes, labels, parents and descriptions" 0

# Bad codebooks: refused with the file and line.
printf '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n<Code isCodable="true"/>\n</Codes></CodeBook>\n' >"$TMP/bad.qdc"
run "$ANALYSER" rules from-codebook "$TMP/bad.qdc" "$TMP/bad.rules.xml"
expect_rc "codebook with a nameless code" 1
expect_err "codebook with a nameless code" "$TMP/bad.qdc:3: <Code> has no name"
[ ! -e "$TMP/bad.rules.xml" ] && ok "no rules file from a bad codebook" || fail "rules written from a bad codebook"
run "$ANALYSER" rules from-codebook "$S/rules/twb-2019.rules.xml" "$TMP/bad.rules.xml"
expect_rc "a rules file is not a codebook" 1
expect_err "a rules file is not a codebook" "not a REFI-QDA codebook"

# The project: a zip whose codings point at the words the tags matched.
run python3 - "$DB" "$TMP/p.qdpx" "$TMP/raw.qdpx" <<'PY'
import re, sqlite3, sys, zipfile
import xml.etree.ElementTree as ET
NS = "{urn:QDA-XML:project:1.0}"
db = sqlite3.connect(sys.argv[1])
ntags = db.execute("SELECT count(*) FROM tag_detail t JOIN responses r ON r.response_id = "
                   "t.response_id WHERE r.counted = 1").fetchone()[0]
for path, raw in ((sys.argv[2], False), (sys.argv[3], True)):
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    root = ET.fromstring(z.read("project.qde"))
    codes = {c.get("guid"): c.get("name") for c in root.iter(NS + "Code")}
    checked = redacted = n = 0
    for src in root.iter(NS + "TextSource"):
        text = z.read("sources/" + src.get("plainTextPath")[len("internal://"):]).decode("utf-8")
        answer = int(re.match(r"response \d+ answer (\d+) ", src.get("name")).group(1))
        for sel in src.iter(NS + "PlainTextSelection"):
            n += 1
            words = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            ref = sel.find(NS + "Coding/" + NS + "CodeRef").get("targetGUID")
            assert ref in codes, ref
            matched = db.execute("SELECT matched FROM tag_detail WHERE answer_id = ? AND theme = ?",
                                 (answer, sel.get("name"))).fetchone()[0]
            if raw or "[" not in text:
                assert words == matched, (path, answer, words, matched)
                checked += 1
            else:
                redacted += 1
        if not raw:
            assert not re.search(r"\b07\d{3} ?\d{6}\b", text), "a phone number in a redacted source"
    assert n == ntags, (path, n, ntags)
    print(path, n, "codings,", checked, "checked word for word,", redacted, "in redacted text")
PY
expect_rc "project: every coding is a tag, its characters the words matched" 0
echo "$out"

finish
