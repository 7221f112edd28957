/*
 * source_xlsx_internal.h: what tests may change in the XLSX source. Not for
 * the collector itself.
 */
#ifndef TALLY_SOURCE_XLSX_INTERNAL_H
#define TALLY_SOURCE_XLSX_INTERNAL_H

#include <stddef.h>

/* The default bound on any zip entry's uncompressed size: 512 MiB. */
#define SOURCE_XLSX_LIMIT ((size_t)512 << 20)

/*
 * Replaces the bound on a zip entry's uncompressed size (SOURCE_XLSX_LIMIT)
 * for the XLSX sources opened afterwards, so tests can show the zip bomb
 * checks on small fixtures; 0 restores the default. Not thread-safe.
 */
void source_xlsx_set_limit_for_tests(size_t bytes);

#endif
