#!/usr/bin/env bash
# Builds the fuzz harnesses and runs each for SECONDS (default 60), starting
# from seeds made of samples/ and tests/fixtures/ and from the corpus kept in
# BUILDDIR/corpus/ by earlier runs.
#
# usage: fuzz/run.sh [SECONDS] [HARNESS...]
#   FUZZ_BUILD=DIR   build directory (default build-fuzz)
#   FUZZ_JOBS=N      harnesses run at the same time (default 1)
#
# Prints, for each harness, the inputs executed, executions per second and
# the time taken. A crash, leak, sanitizer report, timeout or memory blow-up
# leaves the input that caused it in fuzz/crashes/ and makes the script exit 1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3
SECONDS_EACH=${1:-60}
[ $# -gt 0 ] && shift
B=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-1}
ALL="csv xlsx xform limesurvey exercise mapping rules entry"
ALL="$ALL redact postcode prefilter suppress dates gold import webform"
ALL="$ALL multipart logo crosswalk codebook prefilter_save"
NAMES=${*:-$ALL}

fuzz/build.sh "$B" || exit 3
mkdir -p fuzz/crashes "$B/corpus" "$B/logs"

# ---- seeds ------------------------------------------------------------------
S=samples
F=tests/fixtures
SEEDS=$B/seeds
rm -rf "$SEEDS"
for n in $ALL; do mkdir -p "$SEEDS/$n" "$B/corpus/$n"; done

# seed NAME OUT [FILE...]: the files' bytes, joined with NUL bytes (pairs).
seed() {
	local name=$1 out=$2 first=1
	shift 2
	{
		for f in "$@"; do
			[ $first -eq 1 ] || printf '\0'
			first=0
			cat "$f"
		done
	} >"$SEEDS/$name/$out"
}
# CSV: an options byte, then the first 6 KiB of each CSV file.
i=0
for f in $S/exports/*.csv $S/gold/*.csv $S/postcodes/*.csv $F/import/*.csv $F/postcodes/*.csv \
	$F/evaluate/*.csv bench/*.py; do
	for opt in 0 4 8 16 48 96 160 224 242; do
		i=$((i + 1))
		{ printf "\\$(printf '%03o' $(( (opt + i) % 256 )))"; head -c 6144 "$f"; } \
			>"$SEEDS/csv/$i"
	done
done
for f in $S/exports/*.xlsx $F/xlsx/*.xlsx $F/import/*.xlsx; do
	cp "$f" "$SEEDS/xlsx/"
done
# The same workbooks as their XML parts, NUL-separated (see fuzz_xlsx.c).
python3 - "$SEEDS/xlsx" $S/exports/*.xlsx $F/xlsx/*.xlsx <<'PY'
import os, sys, zipfile
out = sys.argv[1]
names = ["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
         "xl/worksheets/sheet1.xml"]
for path in sys.argv[2:]:
    try:
        z = zipfile.ZipFile(path)
        have = set(z.namelist())
        parts = [z.read(n)[:16384] if n in have else b"" for n in names]
    except Exception:
        continue
    with open(os.path.join(out, "parts-" + os.path.basename(path)), "wb") as f:
        f.write(b"\0".join(parts))
PY
i=0
for f in $F/xform/*submission*.xml $F/xform/folder/*.xml $F/xform/folder-mixed/*.xml; do
	i=$((i + 1))
	seed xform "alone-$i" "$f"
	seed xform "clinic-$i" "$F/xform/clinic-feedback.xml" "$f"
	seed xform "household-$i" "$F/xform/household-form.xml" "$f"
done
for f in $(ls $S/exports/kobo-roadshow/instances/*.xml | head -8); do
	i=$((i + 1))
	seed xform "kobo-$i" "$S/exports/kobo-roadshow/form.xml" "$f"
done
i=0
for f in $F/limesurvey/*.lsr $F/limesurvey/no-structure/*.lsr; do
	i=$((i + 1))
	seed limesurvey "alone-$i" "$f"
	seed limesurvey "pair-$i" "$f" "$F/limesurvey/survey_512345.lss"
done
seed limesurvey legacy "$F/limesurvey/survey_512345_responses.lsr" "$F/limesurvey/survey_512345-legacy.lss"
seed limesurvey other "$F/limesurvey/survey_512345_responses.lsr" "$F/limesurvey/other-survey.lss"
seed limesurvey sample "$S/exports/limesurvey-online.lsr" "$S/exports/limesurvey-online.lss"
cp $S/exercise-*.xml $F/exercise/*.xml "$SEEDS/exercise/"
# Mappings of several folders share names: each seed is named by its path.
for f in $S/exports/*.map.xml $F/*/*.map.xml; do
	cp "$f" "$SEEDS/mapping/$(printf '%s' "$f" | tr / _)"
done
for f in $S/rules/*.xml $F/rules/*.xml $F/evaluate/*.rules.xml; do
	seed rules "$(basename "$f")" "$f"
done
seed rules answer "$F/rules/small.rules.xml" /dev/null
printf 'Parking at County Hospital was a nightmare' >"$B/answer.txt"
seed rules answer2 "$F/rules/small.rules.xml" "$B/answer.txt"
# Typed answers: the first byte picks the question (see fuzz_entry.c).
i=0
for line in "\\000Waited four hours in A&E." "\\001s" "\\001u" "\\0012" "\\0011,2" \
	"\\001Black, African, Caribbean or Black British" "\\001satisfied" "\\002 1, 3 ;4" \
	"\\002GP practice; NHS 111" "\\002AE" "\\00310" "\\003Extremely likely" "\\003 -1" \
	"\\004ST4 6QG" "\\004st4" "\\004B79 7AA" "\\005 3" "\\201GP\\n3\\n\\n" "\\202AE\\nPharmacy; chemist" \
	"\\000line one\\r\\nline two" "\\002b" "\\000?"; do
	i=$((i + 1))
	printf "$line" >"$SEEDS/entry/$i"
done
# Redactor: the answers of the redaction test set, one a seed; and each again
# with a NUL and a byte that picks the disguised item to plant (see fuzz_redact.c).
python3 - "$SEEDS/redact" $F/redaction/planted.tsv $F/redaction/lookalikes.tsv <<'PY'
import os, re, sys
out, n = sys.argv[1], 0
esc = {"t": "\t", "n": "\n", "\\": "\\"}
for path in sys.argv[2:]:
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n").split("\t")[0]
        if not line or line.startswith("#"):
            continue
        text = re.sub(r"\\(u[0-9A-Fa-f]{4}|[tn\\])",
                      lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u"
                      else esc[m.group(1)], line).encode()
        n += 1
        open(os.path.join(out, str(n)), "wb").write(text)
        cut = len(text) // 2
        open(os.path.join(out, "p%d" % n), "wb").write(
            text[:cut] + b"\0" + bytes([n % 64]) + text[cut:])
PY
# Postcodes: the head of each lookup file, a NUL, postcodes to resolve.
printf 'ST4 6QG\nst46qg\nB79 7AA\tE07000195\nST7\nB79\n\tE07000199\nnot known\t\tE07000194\nGIR 0AA\n' \
	>"$B/typed-postcodes.txt"
for f in $S/postcodes/*.csv $F/postcodes/*.csv; do
	head -c 4096 "$f" >"$B/head.csv"
	seed postcode "$(basename "$f")" "$B/head.csv" "$B/typed-postcodes.txt"
done

# Prefilter: patterns of the sample and benchmark rule sets, a line each
# ('!' an exclude), a NUL byte, then a sample answer (see fuzz_prefilter.c).
python3 - "$SEEDS/prefilter" $S/rules/*.xml bench/rules.xml $F/rules/small.rules.xml \
	$F/rules/groups.rules.xml <<'PY'
import csv, os, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
answers = ["Parking at County Hospital was a nightmare", "The ſtaff were KIND", "A&E: 6 hours", ""]
with open("samples/exports/google-forms-online.csv", newline="", encoding="utf-8") as f:
    for row in list(csv.reader(f))[1:40]:
        answers += [v for v in row if len(v) > 40][:1]
k = 0
for path in sys.argv[2:]:
    lines = []
    for t in ET.parse(path).getroot().iter("theme"):
        inc = [p.text or "" for p in t.findall("include")]
        exc = [p.text or "" for p in t.findall("exclude")]
        for i, p in enumerate(inc):
            lines.append(("=" if t.find("include").get("case") == "sensitive" else "") + p)
            if i == 0:
                lines += ["!" + x for x in exc]
    for i in range(0, len(lines), 12):
        k += 1
        with open(os.path.join(out, "%d" % k), "wb") as f:
            f.write("\n".join(lines[i:i + 12]).encode() + b"\0" + answers[k % len(answers)].encode())
PY
# Suppression: a rule byte, the sizes, then counts (see fuzz_suppress.c).
python3 - "$SEEDS/suppress" <<'PY'
import os, random, sys
r = random.Random(14)
for k in range(40):
    with open(os.path.join(sys.argv[1], "%d" % k), "wb") as f:
        f.write(bytes([r.randrange(256) for _ in range(3)] + [r.choice([0, 1, 3, 5, 7, 9, 20, 150, 200])
                for _ in range(r.randrange(4, 100))]))
PY
# Dates: every date-looking field of the sample CSV exports.
python3 - "$SEEDS/dates" $S/exports/*.csv <<'PY'
import csv, os, re, sys
seen = set()
for path in sys.argv[2:]:
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            for v in row:
                if re.match(r"^\s*\d{1,4}[-/.]\d", v) and len(v) < 40:
                    seen.add(v)
for i, v in enumerate(sorted(seen)[:200]):
    with open(os.path.join(sys.argv[1], "%d" % i), "w") as f:
        f.write(v)
PY
# Gold files: a level byte, then the sample and test gold files.
i=0
for f in $S/gold/*.csv $F/evaluate/*gold*.csv; do
	i=$((i + 1))
	{ printf '\000'; cat "$f"; } >"$SEEDS/gold/$i"
	{ printf '\001'; cat "$f"; } >"$SEEDS/gold/$i-level"
done
# Imports: a byte for the mapping (and --strict), then the first lines of
# the sample CSV export that mapping reads.
i=0
for f in google-forms-online surveymonkey-online paper-forms easy-read-paper; do
	for strict in 0 4; do
		{ printf "\\$(printf '%03o' $((i + strict)))"; head -c 6144 "$S/exports/$f.csv" | sed '$d'; } \
			>"$SEEDS/import/$f-$strict"
	done
	i=$((i + 1))
done

# Web form bodies: what the entry, login and resolution pages post.
i=0
for body in 'name=jo&password=correct+horse&csrf=0123abcd' \
	'csrf=ab&serial=101&q1=2&q2=1&q2=3&q3=Waited+four+hours+in+A%26E.&q4=ST4+6QG&u5=1' \
	'q3=line+one%0D%0Aline+two&q6=%E2%9C%93+caf%C3%A9' 'a=&b=%3D%26%2B&c=d=e' 'x=%00' 'x=%zz' \
	'=v' 'a=1&' 'q1=%F0%9F%98%80'; do
	i=$((i + 1))
	printf '%s' "$body" >"$SEEDS/webform/$i"
done

# Multipart bodies: a Content-Type header, a NUL byte, a body as the logo
# page posts it (see fuzz_multipart.c).
i=0
for ct in 'multipart/form-data; boundary=B' 'Multipart/Form-Data; boundary="----x; y"' \
	'multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW'; do
	bd=$(printf '%s' "$ct" | sed 's/.*boundary=//; s/"//g')
	i=$((i + 1))
	{
		printf '%s\0--%s\r\n' "$ct" "$bd"
		printf 'Content-Disposition: form-data; name="csrf"\r\n\r\n0123abcd\r\n--%s\r\n' "$bd"
		printf 'Content-Disposition: form-data; name="alt"\r\n\r\nHealthwatch caf\303\251\r\n--%s\r\n' "$bd"
		printf 'Content-Disposition: form-data; name="logo"; filename="a.svg"\r\nContent-Type: image/svg+xml\r\n\r\n'
		printf '<svg xmlns="http://www.w3.org/2000/svg"/>\r\n--%s\r\n' "$bd"
		printf 'Content-Disposition: form-data; name="action"\r\n\r\nupload\r\n--%s--\r\n' "$bd"
	} >"$SEEDS/multipart/$i"
done
# Logos: a PNG head (the SVGs are in fuzz/corpus/logo/).
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\20\0\0\0\20\10\6\0\0\0' >"$SEEDS/logo/png"

# Saved prefilters: the harness's own, as saved (mode 0, nothing changed),
# cut short, and with a byte changed.
printf '\0\0' >"$SEEDS/prefilter_save/as-saved"
printf '\0\201' >"$SEEDS/prefilter_save/cut"
printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1' >"$SEEDS/prefilter_save/changed"

# Crosswalks: the samples.
cp $S/crosswalks/*.xml "$SEEDS/crosswalk/"
cp $F/refi-qda/*.qdc "$SEEDS/codebook/"

# ---- dictionaries: the element and attribute names of the formats -----------
{
	for t in '<?xml version="1.0" encoding="UTF-8"?>' '<!DOCTYPE' '<!ENTITY' '<![CDATA[' ']]>' \
		'<!--' '-->' '&amp;' '&#x' 'xmlns=' 'xmlns:h="http://www.w3.org/1999/xhtml"' \
		'xmlns:jr="http://openrosa.org/javarosa"' 'http://www.w3.org/2002/xforms' \
		'LimeSurveyDocType' 'Survey' 'Response' '<document>' '<responses>' '<rows>' \
		'<row>' '<fields>' '<fieldname>' 'sid' 'gid' 'qid' '_x000D_' 'sharedStrings' \
		'xl/workbook.xml' 'xl/worksheets/sheet1.xml' '[Content_Types].xml' '<sheetData>' \
		'<c r="A1" t="s">' '<v>' '<is><t>' 't="inlineStr"' 't="b"' 't="e"' 't="str"' \
		'<si><t>' '</t></si>' 'r:id="rId1"'; do
		printf '"%s"\n' "$(printf '%s' "$t" | sed 's/\\/\\\\/g; s/"/\\"/g')"
	done
	grep -ho 'name="[A-Za-z:_-]*"' schema/*.rng | sed 's/name="\(.*\)"/"\1"/' | sort -u
	grep -ho 'name="[A-Za-z]*"' schema/refi-qda/*.xsd | sed 's/name="\(.*\)"/"\1"/' | sort -u
	printf '"%s"\n' 'urn:QDA-XML:codebook:1.0' 'urn:QDA-XML:project:1.0' 'Tally theme code: '
	grep -ho '<value>[^<]*</value>' schema/*.rng | sed 's/<value>\(.*\)<\/value>/"\1"/' | sort -u
} >"$B/xml.dict"

# ---- runs ----------------------------------------------------------------------
declare -A maxlen=([csv]=8192 [xlsx]=65536 [xform]=32768 [limesurvey]=65536 [exercise]=32768
	[mapping]=16384 [rules]=131072 [entry]=4096)
maxlen[redact]=8192
maxlen[postcode]=16384
# What disguises personal data: no-break, thin and zero-width spaces, soft
# hyphen, byte order mark, fullwidth digits, letters and @; and what
# introduces it.
for t in '\xC2\xA0' '\xE2\x80\xAF' '\xE2\x80\x89' '\xE2\x80\x8B' '\xE2\x80\x8D' '\xE2\x81\xA0' \
	'\xC2\xAD' '\xEF\xBB\xBF' '\xE3\x80\x80' '\xEF\xBC\x90' '\xEF\xBC\x97' '\xEF\xBC\xB3' \
	'\xEF\xBC\xA0' '\xCC\x81' '07700' '900123' '+44' '(0)' '943 476 5919' 'ST4 6QG' '@example.com' \
	'My name is ' 'Dr ' 'my son ' 'called '; do
	printf '"%s"\n' "$t"
done >"$B/redact.dict"
maxlen+=([prefilter]=4096 [suppress]=256 [dates]=64 [gold]=4096 [import]=16384 [webform]=8192)
maxlen+=([multipart]=8192 [logo]=16384 [crosswalk]=16384 [codebook]=16384 [prefilter_save]=8192)

run_one() {
	local n=$1 log=$B/logs/$1.log dict=() kept=()
	# Small seeds kept in the repository (regression inputs), when there are any.
	[ -d "fuzz/corpus/$n" ] && kept=("fuzz/corpus/$n")
	case $n in xform | limesurvey | exercise | mapping | rules | xlsx | logo | crosswalk | codebook) dict=(-dict="$B/xml.dict") ;; esac
	[ "$n" = redact ] && dict=(-dict="$B/redact.dict")
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$B/fuzz/fuzz_$n" "$B/corpus/$n" "$SEEDS/$n" "${kept[@]}" \
		-max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2560 \
		-max_len="${maxlen[$n]}" "${dict[@]}" -print_final_stats=1 \
		-artifact_prefix="fuzz/crashes/$n-" >"$log" 2>&1
	echo $? >"$B/logs/$n.rc"
}

pids=()
for n in $NAMES; do
	[ -x "$B/fuzz/fuzz_$n" ] || { echo "fuzz/run.sh: no harness fuzz_$n" >&2; exit 2; }
	run_one "$n" &
	pids+=($!)
	if [ ${#pids[@]} -ge "$JOBS" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
wait

status=0
printf '%-11s %12s %9s %7s %7s  %s\n' harness executions exec/s seconds rss_mb result
for n in $NAMES; do
	log=$B/logs/$n.log
	rc=$(cat "$B/logs/$n.rc")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc): $(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
		status=1
	fi
	printf '%-11s %12s %9s %7s %7s  %s\n' "$n" "${execs:-?}" "${rate:-?}" "${took:-?}" \
		"${rss:-?}" "$result"
done
for n in $NAMES; do
	if [ "$(cat "$B/logs/$n.rc")" -ne 0 ]; then
		echo "---- $n: $B/logs/$n.log"
		grep -E -A25 '^==[0-9]+==ERROR|runtime error|^SUMMARY|ERROR: libFuzzer|Assertion' \
			"$B/logs/$n.log" | head -60
	fi
done
exit $status
