/*
 * mapping_shape.h: reading a mapping's grids, routes and repeat groups
 * (mapping_shape.c), called by mapping.c on the same validated document.
 */
#ifndef TALLY_MAPPING_SHAPE_H
#define TALLY_MAPPING_SHAPE_H

#include <libxml/tree.h>

#include "mapping.h"

/* What reading a mapping file keeps; mapping.c and mapping_shape.c share it. */
struct map_parse {
	const char *name; /* the file, for messages */
	struct err *e;
	int oom;          /* out of memory: the reading stops */
};

/* Attribute `name` of `n` as a new string, NULL when absent (oom set when out of memory). */
char *map_attr(struct map_parse *p, xmlNodePtr n, const char *name);

/* Room for one more zeroed element at the end of `arr`, or `arr` unchanged with oom set. */
void *map_grow(struct map_parse *p, void *arr, size_t n, size_t size);

/* The <value from to> children of `n`, appended to *out (*count of them). */
void map_read_values(struct map_parse *p, xmlNodePtr n, struct map_value **out, size_t *count);

/* Reads <grid>, <route> and <repeat> under `root` into `m`: 0, or -1 / lines in `e`. */
int mapping_shape_read(struct mapping *m, xmlNodePtr root, const char *name, struct err *e);

/* Frees what mapping_shape_read() added to `m` (not `m` itself). */
void mapping_shape_free(struct mapping *m);

/* True when `field` is a route's question or answer field, or a grid's row. */
int mapping_shape_mentions(const struct mapping *m, const char *field);

#endif
