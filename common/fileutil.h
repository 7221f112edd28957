/*
 * fileutil.h: reading input files whole (definitions, rule sets: small
 * files), and their SHA-256 for provenance and repeat detection.
 */
#ifndef TALLY_FILEUTIL_H
#define TALLY_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

#define SHA256_HEX_LEN 64

/*
 * Reads the whole of `path` into a NUL-terminated buffer the caller frees.
 * A missing file is EXIT_USAGE; a directory, a file over `max` bytes or one
 * that starts with gzip's magic bytes is EXIT_DATA; read errors EXIT_SYSTEM.
 */
int file_read_all(const char *path, size_t max, char **buf, size_t *len, struct err *e);

/* Hex SHA-256 of a buffer into `hex` (SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const void *buf, size_t len, char *hex);

/* Hex SHA-256 of a file, streamed. 0 or -1 (errors as file_read_all). */
int file_sha256(const char *path, char *hex, struct err *e);

/* True when the bytes start with gzip's magic number. */
int file_is_gzip(const char *buf, size_t len);

/*
 * An output file that appears whole or not at all, readable only by its
 * owner (mode 0600: exports carry what the public said). out_open() creates
 * a temporary file beside `path`; out_commit() flushes, syncs and renames it
 * into place; out_abandon() removes it. Both free `o`.
 */
struct out_file {
	FILE *f;
	char *path, *tmp;
};

int out_open(struct out_file *o, const char *path, struct err *e);
int out_commit(struct out_file *o, struct err *e);
void out_abandon(struct out_file *o);

/* The part of `path` after its last '/'. */
const char *file_base(const char *path);

#endif
