/*
 * source_lsa.h: a LimeSurvey survey archive (.lsa), a zip holding the
 * survey structure (.lss) and the responses (.lsr), read by the LimeSurvey
 * source. Not a source of its own.
 */
#ifndef TALLY_SOURCE_LSA_H
#define TALLY_SOURCE_LSA_H

#include <stddef.h>

#include "err.h"

/* The parts of an archive, each read whole into memory. */
struct lsa_parts {
	char *lss;       /* the survey structure */
	size_t lss_len;
	char *lss_name;  /* its entry name in the archive */
	char *lsr;       /* the responses */
	size_t lsr_len;
	char *lsr_name;
};

/* True when `path` ends in ".lsa" (any case). */
int lsa_has_extension(const char *path);

/* True when `path` is a zip archive with an .lsr entry (so not an XLSX). */
int lsa_looks_like_archive(const char *path);

/*
 * Reads the .lss and .lsr entries of the zip archive held in buf[0..len)
 * (the file `path`, named in messages). Each entry is refused as a
 * possible zip bomb when the zip directory gives no size, a size over
 * `max` (.lsr) or XMLSAFE_MAX_FILE (.lss), a ratio over 1000:1, or when it
 * inflates to more than its stated size. 0 with *out filled (lsa_parts_free
 * it), or -1 with EXIT_DATA in `e`: not a zip, a part missing, a part given
 * twice, a part unreadable.
 */
int lsa_read(const char *path, const char *buf, size_t len, size_t max, struct lsa_parts *out,
	     struct err *e);

/* Frees what lsa_read() filled; a zeroed struct is fine. */
void lsa_parts_free(struct lsa_parts *p);

#endif
