#!/usr/bin/env bash
# The main job on the bundled samples: a new database, every channel
# imported, the free text tagged, theme counts printed.
# usage: tools/demo.sh COLLECTOR ANALYSER OUTDIR   (run from the repository root)
set -euo pipefail
COLLECTOR=$1
ANALYSER=$2
OUT=$3
X=samples/exports
DB=$OUT/survey.db

step() { printf '\n$ %s\n' "$*" | sed "s|$COLLECTOR|collector|; s|$ANALYSER|analyser|"; "$@"; }

mkdir -p "$OUT"
rm -f "$DB" "$DB-wal" "$DB-shm"
step "$COLLECTOR" init "$DB" samples/exercise-2019.xml
step "$COLLECTOR" postcodes load "$DB" samples/postcodes/outward-shares.csv samples/postcodes/staffs-postcodes.csv
step "$COLLECTOR" import "$DB" $X/google-forms-online.csv --map $X/google-forms-online.map.xml
step "$COLLECTOR" import "$DB" $X/surveymonkey-online.csv --map $X/surveymonkey-online.map.xml
step "$COLLECTOR" import "$DB" $X/smartsurvey-online.xlsx --map $X/smartsurvey-online.map.xml
step "$COLLECTOR" import "$DB" $X/limesurvey-online.lsr --map $X/limesurvey-online.map.xml
step "$COLLECTOR" import "$DB" $X/kobo-roadshow --map $X/kobo-roadshow.map.xml --xform $X/kobo-roadshow/form.xml
step "$COLLECTOR" import "$DB" $X/paper-forms.csv --map $X/paper-forms.map.xml
step "$COLLECTOR" import "$DB" $X/easy-read-paper.csv --map $X/easy-read-paper.map.xml
step "$COLLECTOR" status "$DB"
step "$ANALYSER" rules check samples/rules/twb-2019.rules.xml
step "$ANALYSER" tag "$DB" samples/rules/twb-2019.rules.xml
step "$ANALYSER" counts "$DB" --level 1
step "$ANALYSER" counts "$DB"
step "$ANALYSER" counts "$DB" --by channel --level 1 --percent
step "$ANALYSER" evaluate "$DB" samples/gold/twb-2019-gold.csv --level 1
step "$ANALYSER" counts "$DB" --format csv --output "$OUT/theme-counts-by-district.csv"
printf '\nThe database is %s; published counts (disclosure control applied) are in %s.\n' \
	"$DB" "$OUT/theme-counts-by-district.csv"
