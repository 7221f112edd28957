/*
 * mapping_shape.h: reading a mapping's grids, routes and repeat groups
 * (mapping_shape.c), called by mapping.c on the same validated document.
 */
#ifndef TALLY_MAPPING_SHAPE_H
#define TALLY_MAPPING_SHAPE_H

#include <libxml/tree.h>

#include "mapping.h"

/* Reads <grid>, <route> and <repeat> under `root` into `m`: 0, or -1 / lines in `e`. */
int mapping_shape_read(struct mapping *m, xmlNodePtr root, const char *name, struct err *e);

/* Frees what mapping_shape_read() added to `m` (not `m` itself). */
void mapping_shape_free(struct mapping *m);

/* True when `field` is a route's question or answer field, or a grid's row. */
int mapping_shape_mentions(const struct mapping *m, const char *field);

#endif
