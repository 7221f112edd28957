# Helpers for the end-to-end tests: run a real binary, check what a user sees.
# Each check prints "ok" or "FAIL" with the reason; the script exits 1 if any failed.

passed=0
failed=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tally-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# run CMD...: runs it, keeping stdout in $out, stderr in $err, status in $rc.
run() {
	out=$("$@" 2>"$TMP/stderr") && rc=0 || rc=$?
	err=$(cat "$TMP/stderr")
}

ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; shift; for l in "$@"; do printf '     %s\n' "$l"; done; }

# expect_rc NAME CODE: the last run exited with CODE.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $2"; else fail "$1: exit $rc, expected $2" "stdout: $out" "stderr: $err"; fi
}

# expect_out NAME TEXT / expect_err NAME TEXT: the last run's stdout/stderr contains TEXT.
expect_out() {
	case "$out" in *"$2"*) ok "$1: says '$2'" ;; *) fail "$1: stdout lacks '$2'" "stdout: $out" "stderr: $err" ;; esac
}
expect_err() {
	case "$err" in *"$2"*) ok "$1: says '$2'" ;; *) fail "$1: stderr lacks '$2'" "stdout: $out" "stderr: $err" ;; esac
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1: $3"; else fail "$1: got '$2', expected '$3'"; fi
}

finish() {
	printf '%d passed, %d failed\n' "$passed" "$failed"
	[ "$failed" -eq 0 ]
}
