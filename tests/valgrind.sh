#!/usr/bin/env bash
# Valgrind: a few real commands over the samples, under memcheck, with no
# memory errors and no leaks (definite or indirect). Valgrind cannot run a
# sanitizer build, so when the binaries given were built with
# -Db_sanitize (as CI builds them), plain copies are built first, once, in
# BUILD/valgrind-plain (a second meson build of this source without
# sanitizers or tests; later runs only rebuild what changed).
# usage: valgrind.sh COLLECTOR ANALYSER SOURCE_ROOT BUILD_ROOT
#        (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
SRC=$3
BUILD=$4
. "$(dirname "$0")/e2e/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
X=$S/exports
DB=$TMP/survey.db
SUPP=$(cd "$(dirname "$0")" && pwd)/valgrind.supp

sanitized() { grep -qa -e __asan_init -e __ubsan_handle "$1"; }
if sanitized "$COLLECTOR" || sanitized "$ANALYSER"; then
	P=$BUILD/valgrind-plain
	echo "the binaries are sanitizer builds: building plain ones in $P"
	if [ ! -f "$P/build.ninja" ]; then
		meson setup "$P" "$SRC" -Db_sanitize=none -Dtests=false >"$TMP/setup.log" 2>&1 ||
			{ cat "$TMP/setup.log"; echo "cannot set up $P"; exit 1; }
	fi
	ninja -C "$P" collector/collector analyser/analyser >"$TMP/build.log" 2>&1 ||
		{ tail -30 "$TMP/build.log"; echo "cannot build $P"; exit 1; }
	COLLECTOR=$P/collector/collector
	ANALYSER=$P/analyser/analyser
fi

# vg NAME WANT CMD...: runs CMD under memcheck; it must exit WANT, and
# memcheck must find nothing (exit 99 and a report otherwise).
vg() {
	local name=$1 want=$2 log
	shift 2
	log=$TMP/vg-$(printf '%s' "$name" | tr -c 'a-zA-Z0-9' '-').log
	run env TALLY_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
		--suppressions="$SUPP" --log-file="$log" "$@"
	if [ -s "$log" ] || [ "$rc" -eq 99 ]; then
		fail "$name: memcheck found errors" "$(head -40 "$log")"
	else
		ok "$name: memcheck clean"
	fi
	expect_rc "$name" "$want"
}

vg "init" 0 "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
vg "postcodes load" 0 "$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv"
vg "import csv" 0 "$COLLECTOR" import "$DB" "$X/google-forms-online.csv" \
	--map "$X/google-forms-online.map.xml" -q
vg "import csv, two header rows" 0 "$COLLECTOR" import "$DB" "$X/surveymonkey-online.csv" \
	--map "$X/surveymonkey-online.map.xml" -q
vg "import xlsx" 0 "$COLLECTOR" import "$DB" "$X/smartsurvey-online.xlsx" \
	--map "$X/smartsurvey-online.map.xml" -q
vg "import limesurvey" 0 "$COLLECTOR" import "$DB" "$X/limesurvey-online.lsr" \
	--map "$X/limesurvey-online.map.xml" --structure "$X/limesurvey-online.lss" -q
vg "import xform folder" 0 "$COLLECTOR" import "$DB" "$X/kobo-roadshow" \
	--map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml" -q
vg "import with rejected rows" 1 "$COLLECTOR" import "$DB" "$F/import/online.csv" \
	--map "$F/import/online.map.xml" -q
vg "import refused (an entity)" 1 "$COLLECTOR" import "$DB" \
	"$F/xform/external-entity-submission.xml" --map "$F/import/online.map.xml"
vg "status" 0 "$COLLECTOR" status "$DB"
vg "rules check" 0 "$ANALYSER" rules check "$S/rules/twb-2019.rules.xml"
vg "rules check, a broken pattern" 1 "$ANALYSER" rules check "$F/rules/broken.rules.xml"
vg "tag" 0 "$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml"
vg "counts" 0 "$ANALYSER" counts "$DB"
vg "counts by district and channel, csv" 0 "$ANALYSER" counts "$DB" --by district,channel \
	--format csv --output "$TMP/counts.csv"
vg "export xlsx" 0 "$ANALYSER" export "$DB" --healthwatch "$TMP/healthwatch.xlsx"
finish
