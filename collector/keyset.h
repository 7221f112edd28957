/*
 * keyset.h: a set of response keys (response ids, serial numbers), each
 * with the place in the file it was first seen.
 */
#ifndef TALLY_KEYSET_H
#define TALLY_KEYSET_H

#include <stddef.h>
#include <stdint.h>

struct keyslot {
	uint64_t hash;
	char *key;                  /* NULL: empty */
	long place;
};

/* Open addressing over a power-of-two table; { 0 } is an empty set. */
struct keyset {
	struct keyslot *slots;
	size_t cap, n;
};

/* The hash keys are found by (FNV-1a). */
uint64_t key_hash(const char *key);

/* The place `key` was first seen, or 0. */
long keyset_get(const struct keyset *s, const char *key);

/* Adds `key` unless it is there already (the first place stays). 0 or -1 (out of memory). */
int keyset_add(struct keyset *s, const char *key, long place);

/* Frees the keys and leaves an empty set. */
void keyset_free(struct keyset *s);

/* A serial number's key among the file's keys, apart from the response ids. */
void serial_key(const char *serial, char key[160]);

#endif
