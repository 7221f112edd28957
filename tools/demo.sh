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

# Prints the command as one would type it (programs by name, spaced words quoted), then runs it.
step() {
	local shown="" a
	for a in "$@"; do
		case $a in
		"$COLLECTOR") a=collector ;;
		"$ANALYSER") a=analyser ;;
		*[[:space:]]*) a="\"$a\"" ;;
		esac
		shown="$shown${shown:+ }$a"
	done
	printf '\n$ %s\n' "$shown"
	"$@"
}

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
# "We did", then the reports for the public and for Healthwatch.
step "$ANALYSER" action add "$DB" --theme ACCESS-PARKING --owner "Estates team" --date 2019-11-01 \
	--text "We are adding 120 parking spaces at Royal Stoke and a park and ride from Stoke station."
step "$ANALYSER" action add "$DB" --theme STAFF-SHORTAGE --owner "Workforce board" --date 2019-10-01 \
	--text "We recruited 60 nurses and 12 GPs across Staffordshire and Stoke-on-Trent."
step "$ANALYSER" action add "$DB" --theme COMMUNITY-HOSPITALS --owner "Community hospitals programme" \
	--text "No decision on community hospitals will be made before a public consultation."
step "$ANALYSER" report "$DB" --you-said-we-did "$OUT/you-said-we-did.html"
step "$ANALYSER" export "$DB" --healthwatch "$OUT/healthwatch.xlsx"
step "$ANALYSER" export "$DB" --healthwatch "$OUT/healthwatch.csv"
printf '\nThe database is %s. For publication (disclosure control applied):\n' "$DB"
printf '  %s\n' "$OUT/you-said-we-did.html" "$OUT/healthwatch.xlsx" "$OUT/healthwatch.csv" \
	"$OUT/theme-counts-by-district.csv"
