/*
 * source_lsa.c: reading the .lss and .lsr out of a LimeSurvey survey
 * archive (.lsa). The archive is a zip; its parts are small enough to be
 * inflated whole into memory, with the same zip bomb checks as the XLSX
 * source (stated size, ratio, and bytes actually inflated).
 */
#include "source_lsa.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "xmlsafe.h"

#define MAX_RATIO 1000

int lsa_has_extension(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcasecmp(path + n - 4, ".lsa");
}

static int ends_with(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && !strcasecmp(s + n - m, sfx);
}

int lsa_looks_like_archive(const char *path)
{
	int zerr = 0, found = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
	zip_int64_t n;

	if (!za)
		return 0;
	n = zip_get_num_entries(za, 0);
	for (zip_int64_t i = 0; i < n && !found; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);

		found = name && ends_with(name, ".lsr");
	}
	zip_discard(za);
	return found;
}

/* Inflates entry `idx` into *buf (NUL-terminated), checking it is no bomb. */
static int entry_read(const char *path, zip_t *za, zip_int64_t idx, size_t max, char **buf,
		      size_t *len, struct err *e)
{
	zip_stat_t st;
	zip_file_t *zf;
	zip_int64_t got;
	char probe;

	zip_stat_init(&st);
	if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) < 0 || !st.name)
		return err_set(e, EXIT_DATA, "%s: cannot read the zip directory", path);
	if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
		return err_set(e, EXIT_DATA, "%s: the zip directory gives no size for %s", path,
			       st.name);
	if (st.size > max)
		return err_set(e, EXIT_DATA,
			       "%s: %s would expand to %llu bytes, over the limit of %llu: refused as a possible zip bomb",
			       path, st.name, (unsigned long long)st.size, (unsigned long long)max);
	if (st.size / MAX_RATIO > st.comp_size ||
	    (st.size / MAX_RATIO == st.comp_size && st.size % MAX_RATIO))
		return err_set(e, EXIT_DATA,
			       "%s: %s would expand from %llu to %llu bytes, over %d:1: refused as a possible zip bomb",
			       path, st.name, (unsigned long long)st.comp_size,
			       (unsigned long long)st.size, MAX_RATIO);
	if (!(*buf = malloc((size_t)st.size + 1)))
		return err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
	if (!(zf = zip_fopen_index(za, (zip_uint64_t)idx, 0))) {
		free(*buf);
		*buf = NULL;
		return err_set(e, EXIT_DATA, "%s: cannot read %s from the archive: %s", path,
			       st.name, zip_strerror(za));
	}
	got = st.size ? zip_fread(zf, *buf, st.size) : 0;
	if (got >= 0 && (zip_uint64_t)got == st.size && zip_fread(zf, &probe, 1) > 0) {
		zip_fclose(zf);
		free(*buf);
		*buf = NULL;
		return err_set(e, EXIT_DATA,
			       "%s: %s holds more than the %llu bytes the zip directory says: refused as a possible zip bomb",
			       path, st.name, (unsigned long long)st.size);
	}
	if (got < 0 || (zip_uint64_t)got != st.size) {
		err_set(e, EXIT_DATA, "%s: cannot read %s from the archive: %s", path, st.name,
			got < 0 ? zip_file_strerror(zf) : "it is shorter than the zip directory says");
		zip_fclose(zf);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	zip_fclose(zf);
	(*buf)[got] = '\0';
	*len = (size_t)got;
	return 0;
}

int lsa_read(const char *path, const char *buf, size_t len, size_t max, struct lsa_parts *out,
	     struct err *e)
{
	zip_error_t ze;
	zip_source_t *zs;
	zip_t *za = NULL;
	zip_int64_t n, lss = -1, lsr = -1;
	int rc = -1;

	memset(out, 0, sizeof *out);
	zip_error_init(&ze);
	if (!(zs = zip_source_buffer_create(buf, len, 0, &ze)) ||
	    !(za = zip_open_from_source(zs, ZIP_RDONLY, &ze))) {
		err_set(e, EXIT_DATA, "%s is not a LimeSurvey survey archive (.lsa): not a zip archive (%s)",
			path, zip_error_strerror(&ze));
		if (zs)
			zip_source_free(zs);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	n = zip_get_num_entries(za, 0);
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		zip_int64_t *slot = !name ? NULL : ends_with(name, ".lss") ? &lss
				  : ends_with(name, ".lsr") ? &lsr : NULL;

		if (!slot)
			continue; /* timings (.lsi), tokens (.lst): not imported */
		if (*slot >= 0) {
			err_set(e, EXIT_DATA, "%s: the archive holds two %s files: %s and %s", path,
				slot == &lss ? "survey structure (.lss)" : "response (.lsr)",
				zip_get_name(za, (zip_uint64_t)*slot, 0), name);
			goto out;
		}
		*slot = i;
	}
	if (lss < 0 || lsr < 0) {
		err_set(e, EXIT_DATA, "%s: the survey archive holds no %s: export it again from LimeSurvey "
			"with both survey structure and responses", path,
			lss < 0 ? "survey structure (.lss)" : "responses (.lsr)");
		goto out;
	}
	if (!(out->lss_name = strdup(zip_get_name(za, (zip_uint64_t)lss, 0))) ||
	    !(out->lsr_name = strdup(zip_get_name(za, (zip_uint64_t)lsr, 0)))) {
		err_set(e, EXIT_SYSTEM, "out of memory reading %s", path);
		goto out;
	}
	if (entry_read(path, za, lss, XMLSAFE_MAX_FILE, &out->lss, &out->lss_len, e) < 0 ||
	    entry_read(path, za, lsr, max, &out->lsr, &out->lsr_len, e) < 0)
		goto out;
	rc = 0;
out:
	zip_discard(za);
	if (rc < 0)
		lsa_parts_free(out);
	return rc;
}

void lsa_parts_free(struct lsa_parts *p)
{
	free(p->lss);
	free(p->lsr);
	free(p->lss_name);
	free(p->lsr_name);
	memset(p, 0, sizeof *p);
}
