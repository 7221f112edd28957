#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/fuzz_*.c) with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer.
#
# usage: fuzz/build.sh [BUILDDIR]        (default: build-fuzz)
#
# The project's own libraries are built by meson in BUILDDIR with clang,
# -Db_sanitize=address,undefined and coverage instrumentation
# (-fsanitize=fuzzer-no-link); each harness is then compiled and linked
# against them with -fsanitize=fuzzer,address,undefined. The harnesses land
# in BUILDDIR/fuzz/. Needs the Debian packages clang and libclang-rt-14-dev
# (libFuzzer) besides the project's own.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-fuzz}
CC=${CC:-clang}
export CC

if ! command -v "$CC" >/dev/null; then
	echo "fuzz/build.sh: $CC not found: install the Debian packages clang and libclang-rt-14-dev" >&2
	exit 3
fi
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" -Db_sanitize=address,undefined -Db_lundef=false -Dtests=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
# Only the libraries: the harnesses bring their own main (libFuzzer's).
ninja -C "$B" common/libtally_common.a collector/libcollector.a analyser/libanalyser.a >/dev/null

pkgs="sqlite3 libxml-2.0 libpcre2-8 nettle libutf8proc libhs xlsxwriter libzip libedit"
# shellcheck disable=SC2046
set -- $(pkg-config --cflags $pkgs)
cflags=("$@")
# shellcheck disable=SC2046
set -- $(pkg-config --libs $pkgs)
libs=("$@" -lm -lpthread)

mkdir -p "$B/fuzz"
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	extra=()
	# The CSV harness reads the same bytes from a file in small pieces: read(2)
	# is wrapped so that the reader's refills land in the middle of records.
	[ "$name" = fuzz_csv ] && extra=("-Wl,--wrap=read")
	# The web service's form decoder is compiled in on its own: the rest of
	# web/ needs libmicrohttpd and libsodium, which no harness uses.
	[ "$name" = fuzz_webform ] && extra=(-Iweb web/form.c)
	# The logo upload: its multipart reader (over form.c and html.c) and the
	# logo check (libxml2 only) are compiled in the same way.
	[ "$name" = fuzz_multipart ] && extra=(-Iweb -Wno-macro-redefined web/multipart.c web/form.c web/html.c)
	[ "$name" = fuzz_logo ] && extra=(-Iweb web/logo.c)
	"$CC" -std=c11 -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-D_GNU_SOURCE \
		-Icommon -Icollector -Ianalyser -I"$B/common" "${cflags[@]}" \
		"$src" -o "$B/fuzz/$name" "${extra[@]}" \
		"$B/collector/libcollector.a" "$B/analyser/libanalyser.a" \
		"$B/common/libtally_common.a" "${libs[@]}"
done
echo "harnesses in $B/fuzz: $(cd "$B/fuzz" && ls fuzz_* | tr '\n' ' ')"
