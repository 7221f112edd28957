/*
 * keyset.c: a set of response keys.
 *
 * Keys (response ids, serial numbers) with the place each was first seen:
 * open addressing over a power-of-two table. It holds only the keys that
 * identity() must remember itself, which in a clean file are none.
 */
#include "keyset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3u;
	return h;
}

static struct keyslot *keyset_slot(const struct keyset *s, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->slots[i].key && (s->slots[i].hash != h || strcmp(s->slots[i].key, key)))
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

long keyset_get(const struct keyset *s, const char *key)
{
	return s->n ? keyset_slot(s, key, key_hash(key))->place : 0;
}

int keyset_add(struct keyset *s, const char *key, long place)
{
	uint64_t h = key_hash(key);
	struct keyslot *slot;

	if (2 * (s->n + 1) > s->cap) {
		struct keyset bigger = { NULL, s->cap ? 2 * s->cap : 64, s->n };

		if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slots[i].key)
				*keyset_slot(&bigger, s->slots[i].key, s->slots[i].hash) = s->slots[i];
		free(s->slots);
		*s = bigger;
	}
	slot = keyset_slot(s, key, h);
	if (slot->key)
		return 0;
	if (!(slot->key = strdup(key)))
		return -1;
	slot->hash = h;
	slot->place = place;
	s->n++;
	return 0;
}

void keyset_free(struct keyset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	memset(s, 0, sizeof *s);
}

void serial_key(const char *serial, char key[160])
{
	snprintf(key, 160, "serial\x1f%s", serial);
}
