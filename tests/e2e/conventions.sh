#!/usr/bin/env bash
# End-to-end: the conventions of a command-line tool. --version in the GNU
# form and -V; an "Exit status" in every --help; an option error said once;
# a man page for every program and command that `man -l` renders; bash
# completions generated from the same command tables.
# usage: conventions.sh COLLECTOR ANALYSER TALLY-WEB MANDIR   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
WEB=$3
MANDIR=$4
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
DB=$TMP/survey.db

# The commands a program's --help lists ("  name   summary" under "commands:").
commands_of() {
	"$@" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { exit }'
}

# --- --version and -V --------------------------------------------------------
for prog in "$COLLECTOR" "$ANALYSER" "$WEB"; do
	name=$(basename "$prog")
	for flag in --version -V; do
		run "$prog" $flag
		expect_rc "$name $flag" 0
		expect_eq "$name $flag: first line is name (package) version" \
			"$(printf '%s\n' "$out" | head -1 | grep -cE "^$name \(Tally\) [0-9]+\.[0-9]+\.[0-9]+$")" 1
		expect_out "$name $flag" "License MIT"
		expect_out "$name $flag" "NO WARRANTY"
	done
done

# --- every --help, of the program, its commands and their subcommands --------
for prog in "$COLLECTOR" "$ANALYSER" "$WEB"; do
	name=$(basename "$prog")
	run "$prog" --help
	expect_out "$name --help" "Exit status"
	for cmd in $(commands_of "$prog"); do
		run "$prog" "$cmd" --help
		expect_rc "$name $cmd --help" 0
		expect_out "$name $cmd --help" "Exit status"
		for sub in $(commands_of "$prog" "$cmd"); do
			run "$prog" "$cmd" "$sub" --help
			expect_rc "$name $cmd $sub --help" 0
			expect_out "$name $cmd $sub --help" "Exit status"
		done
	done
done

# --- an option error is said once, naming what is wrong ----------------------
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null 2>&1
# said: how many lines of stderr are messages (not the usage that follows).
said() { grep -E '^[a-z-]+: ' "$TMP/stderr" | grep -cv '^usage: '; }
run "$ANALYSER" counts "$DB" --by
expect_rc "counts --by without a value" 2
expect_err "counts --by without a value" "analyser: option '--by' needs a value"
expect_eq "counts --by without a value: one message" "$(said)" 1
run "$ANALYSER" counts "$DB" --colour
expect_rc "counts --colour" 2
expect_err "counts --colour" "analyser: unknown option '--colour'"
expect_eq "counts --colour: one message" "$(said)" 1
run "$ANALYSER" counts "$DB" --help=yes
expect_err "counts --help=yes" "option '--help' takes no value"
expect_eq "counts --help=yes: one message" "$(said)" 1
run "$COLLECTOR" import "$DB" -z
expect_rc "import -z" 2
expect_err "import -z" "collector: unknown option '-z'"
expect_eq "import -z: one message" "$(said)" 1
run "$COLLECTOR" init --colour "$DB" "$S/exercise-2019.xml"
expect_err "init --colour" "collector: unknown option '--colour'"
expect_eq "init --colour: one message" "$(said)" 1
run "$COLLECTOR" postcodes load "$DB" --district-column
expect_err "postcodes load --district-column" "option '--district-column' needs a value"
expect_eq "postcodes load --district-column: one message" "$(said)" 1
run "$ANALYSER" rules check --frob x
expect_err "rules check --frob" "analyser: unknown option '--frob'"
expect_eq "rules check --frob: one message" "$(said)" 1
run "$WEB" user add "$DB" --role
expect_rc "user add --role" 2
expect_eq "user add --role: one message" "$(said)" 1

# --- man pages: one a program and a command, each rendered by man -l ---------
for prog in "$COLLECTOR" "$ANALYSER" "$WEB"; do
	name=$(basename "$prog")
	pages="$name"
	for cmd in $(commands_of "$prog"); do
		pages="$pages $name-$cmd"
		for sub in $(commands_of "$prog" "$cmd"); do
			pages="$pages $name-$cmd-$sub"
		done
	done
	for p in $pages; do
		if [ ! -f "$MANDIR/$p.1" ]; then
			fail "man page $p.1 exists"
			continue
		fi
		text=$(MANWIDTH=80 man -l "$MANDIR/$p.1" 2>"$TMP/man-stderr")
		expect_eq "man -l $p.1: renders with no warning" "$(wc -c <"$TMP/man-stderr")" 0
		for section in NAME SYNOPSIS DESCRIPTION "EXIT STATUS"; do
			case "$text" in
			*"$section"*) ok "man $p: has $section" ;;
			*) fail "man $p: no $section" "$text" ;;
			esac
		done
	done
done
# The page says what --help says: an option from the help is on the page.
text=$(MANWIDTH=100 man -l "$MANDIR/collector-import.1" 2>/dev/null)
case "$text" in
*"--map MAPPING"*) ok "collector-import.1 has --help's options" ;;
*) fail "collector-import.1 lacks --map" "$text" ;;
esac

# --- bash completions --------------------------------------------------------
# complete PROG WORDS...: what the completion offers for the last word.
complete_words() {
	local file=$MANDIR/$1
	shift
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/"); $f; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$file" "$@" | sort | tr '\n' ' '
}
expect_eq "complete 'collector im'" "$(complete_words collector collector im)" "import "
expect_eq "complete 'collector postcodes '" "$(complete_words collector collector postcodes '')" \
	"--help load lookup "
expect_eq "complete 'analyser counts x.db --b'" \
	"$(complete_words analyser analyser counts x.db --b)" "--by "
expect_eq "complete 'analyser action a'" "$(complete_words analyser analyser action a)" "add "
expect_eq "complete 'tally-web user '" "$(complete_words tally-web tally-web user '')" \
	"--help add disable list "

finish
