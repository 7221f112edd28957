/*
 * fileutil.h: reading input files whole (definitions, rule sets: small
 * files), and their SHA-256 for provenance and repeat detection.
 */
#ifndef TALLY_FILEUTIL_H
#define TALLY_FILEUTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "err.h"

#define SHA256_HEX_LEN 64

/* What a file of this mode is, for messages: "a pipe", "a device", "a socket"... */
const char *file_kind(mode_t mode);

/*
 * Opens `path` for reading (a descriptor the caller closes, or -1 with `e`
 * set) and fills *sb. Only a regular file is accepted: a folder, a device
 * such as /dev/zero, a FIFO or a socket is refused at once (EXIT_USAGE)
 * without waiting on it, and so is a file over `max` bytes (EXIT_DATA;
 * `max` 0: no limit), before a byte is read. A missing file is EXIT_USAGE,
 * other failures EXIT_SYSTEM.
 */
int file_open_input(const char *path, unsigned long long max, struct stat *sb, struct err *e);

/*
 * Reads the whole of `path` into a NUL-terminated buffer the caller frees.
 * A missing file, a folder or a file that is not a regular file is
 * EXIT_USAGE; a file over `max` bytes (refused before reading) or one that
 * starts with gzip's magic bytes is EXIT_DATA; read errors EXIT_SYSTEM.
 */
int file_read_all(const char *path, size_t max, char **buf, size_t *len, struct err *e);

/* Hex SHA-256 of a buffer into `hex` (SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const void *buf, size_t len, char *hex);

/* Hex SHA-256 of a file, streamed. 0 or -1 (errors as file_read_all). */
int file_sha256(const char *path, char *hex, struct err *e);

/* True when the bytes start with gzip's magic number. */
int file_is_gzip(const char *buf, size_t len);

/* The part of `path` after its last '/'. */
const char *file_base(const char *path);

#endif
