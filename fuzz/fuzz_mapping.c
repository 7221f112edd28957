/*
 * fuzz_mapping: the import mapping loader (collector/mapping.c).
 */
#include <assert.h>

#include "fuzz.h"
#include "mapping.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mapping *m;
	struct err e;

	err_init(&e);
	m = mapping_parse((const char *)data, size, "fuzz.map.xml", &e);
	assert((m == NULL) == (err_isset(&e) != 0));
	if (m) {
		for (size_t i = 0; i < m->nquestions; i++)
			if (m->questions[i].field)
				assert(mapping_mentions(m, m->questions[i].field));
		(void)mapping_mentions(m, "");
		mapping_free(m);
	}
	return 0;
}
