/*
 * fuzz_exercise: the exercise definition loader (collector/exercise.c):
 * the safe XML parse, the RelaxNG schema and the checks after it.
 */
#include <assert.h>

#include "exercise.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exercise_def *d;
	struct err e;

	err_init(&e);
	d = exercise_parse((const char *)data, size, "fuzz.xml", &e);
	assert((d == NULL) == (err_isset(&e) != 0));
	if (d) {
		for (size_t i = 0; i < d->standard.nquestions; i++)
			assert(exercise_find_question(&d->standard, d->standard.questions[i].code));
		exercise_def_free(d);
	}
	return 0;
}
