/*
 * logo.h: the check a logo passes before it is kept for the report. A PNG
 * (its signature and header), or an SVG that is proven harmless: parsed by
 * libxml2 with no network and no DTD, only drawing elements and attributes
 * on a list, no scripts, no event attributes, no style sheets, no link
 * outside the file. Anything else is refused, not cleaned.
 */
#ifndef TALLY_WEB_LOGO_H
#define TALLY_WEB_LOGO_H

#include <stddef.h>

#include "err.h"

/*
 * Checks `len` bytes at `data`. 0 with *mime "image/png" or
 * "image/svg+xml", or -1 with `e` set (EXIT_DATA, saying what was refused
 * and where).
 */
int logo_check(const unsigned char *data, size_t len, const char **mime, struct err *e);

#endif
