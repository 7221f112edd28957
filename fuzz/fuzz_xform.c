/*
 * fuzz_xform: the ODK / KoboToolbox XForm reader (collector/source_xform.c).
 * An input with a NUL byte is a form definition, the NUL, then one
 * submission instance; without one it is a submission read on its own.
 */
#include <assert.h>

#include "fuzz.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source_options opt = { 0 };
	struct fuzz_file form = { -1, "" }, inst;
	const uint8_t *a, *b;
	size_t alen, blen;
	struct source src;
	struct err e;

	fuzz_split(data, size, &a, &alen, &b, &blen);
	if (b) {
		fuzz_file_make(&form, "form", a, alen);
		fuzz_file_make(&inst, "submission", b, blen);
		opt.form_path = form.path;
	} else {
		fuzz_file_make(&inst, "submission", a, alen);
	}
	err_init(&e);
	if (source_xform_open(inst.path, &opt, &src, &e) == 0) {
		for (int n = 0; n < 10; n++) {
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
	fuzz_file_drop(&inst);
	fuzz_file_drop(&form);
	return 0;
}
