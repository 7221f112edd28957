/*
 * fuzz_limesurvey: the LimeSurvey reader (collector/source_limesurvey.c).
 * An input with a NUL byte is a response export (.lsr), the NUL, then its
 * survey structure (.lss); without one it is an .lsr read on its own.
 * An .lsr part starting "PK\3\4" is read as a survey archive (.lsa):
 * the zip reader and its part checks (collector/source_lsa.c) are fuzzed too.
 */
#include <assert.h>

#include "fuzz.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_options opt = { 0 };
	struct fuzz_file lss = { -1, "" }, lsr;
	const uint8_t *a, *b;
	size_t alen, blen;
	struct source src;
	struct err e;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	fuzz_file_make(&lsr, "lsr", a, alen);
	if (b) {
		fuzz_file_make(&lss, "lss", b, blen);
		opt.structure = lss.path;
	}
	err_init(&e);
	if (source_limesurvey_open(lsr.path, &opt, &src, &e) == 0) {
		for (long n = 0; n < 1000000; n++) {
			struct source_record rec;
			int st;

			err_init(&e);
			st = source_next(&src, &rec, &e);
			if (st == SOURCE_EOF || st == SOURCE_FATAL)
				break;
			if (st == SOURCE_BAD) {
				assert(err_isset(&e));
				continue;
			}
			for (size_t i = 0; i < rec.nfields; i++)
				assert(rec.names[i] && rec.values[i]);
		}
		source_free(&src);
	} else {
		assert(err_isset(&e));
	}
	fuzz_file_drop(&lsr);
	fuzz_file_drop(&lss);
	return 0;
}
