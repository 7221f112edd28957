/*
 * source.c: telling export formats apart, and a file's fingerprint for
 * recognising an export imported before.
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "source_lsa.h"
#include "strbuf.h"
#include "xmlsafe.h"

unsigned long long source_max_bytes(const char *format)
{
	if (!strcmp(format, "csv"))
		return SOURCE_MAX_CSV;
	if (!strcmp(format, "xlsx"))
		return SOURCE_MAX_XLSX;
	if (!strcmp(format, "limesurvey"))
		return SOURCE_MAX_LIMESURVEY;
	return XMLSAFE_MAX_FILE;
}

int source_check_input(const char *path, const char *format, struct err *e)
{
	struct stat sb;
	int fd;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && !strcmp(format, "xform"))
		return 0; /* a folder of instances: each is checked as it is read */
	if ((fd = file_open_input(path, source_max_bytes(format), &sb, e)) < 0)
		return -1;
	close(fd);
	return 0;
}

const char *source_detect(const char *path, struct err *e)
{
	char buf[4096];
	struct stat sb;
	ssize_t n;
	const char *p, *end;
	int fd;

	if (stat(path, &sb) != 0) {
		err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s", path,
			strerror(errno));
		return NULL;
	}
	if (S_ISDIR(sb.st_mode))
		return "xform"; /* a folder of submission instances */
	if ((fd = file_open_input(path, 0, &sb, e)) < 0)
		return NULL;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	if (n == 0) {
		err_set(e, EXIT_DATA, "%s is empty", path);
		return NULL;
	}
	buf[n] = '\0';
	if (n >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0)
		return lsa_has_extension(path) || lsa_looks_like_archive(path) ? "limesurvey" : "xlsx";
	if (file_is_gzip(buf, (size_t)n)) {
		err_set(e, EXIT_DATA, "%s is gzip-compressed: decompress it first", path);
		return NULL;
	}
	p = buf;
	end = buf + n;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	if (p < end && *p == '<')
		return strstr(p, "LimeSurveyDocType") || strstr(p, "<document") ? "limesurvey" : "xform";
	return "csv";
}

/* ---- fingerprints ---------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Calls fn(arg, path, name) for each XML file in `dir` (and one level of
 * subfolders), in name order; fn returns 0 to go on, 1 to stop, -1 on
 * failure (with `e` set). 0, 1 or -1.
 */
static int each_xml_file(const char *dir, int depth,
			 int (*fn)(void *arg, const char *path, const char *name, struct err *e),
			 void *arg, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ok = 0;

	if (!d)
		return err_set(e, EXIT_SYSTEM, "cannot read folder %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (ALLOC_GROW(names, n + 1, cap) < 0 || !(names[n] = strdup(de->d_name))) {
			ok = err_set(e, EXIT_SYSTEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; ok == 0 && i < n; i++) {
		char full[4096];
		struct stat sb;
		size_t len = strlen(names[i]);

		snprintf(full, sizeof full, "%s/%s", dir, names[i]);
		if (stat(full, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (depth == 0)
				ok = each_xml_file(full, 1, fn, arg, e);
			continue;
		}
		if (len < 4 || strcasecmp(names[i] + len - 4, ".xml"))
			continue;
		ok = fn(arg, full, names[i], e);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ok;
}

/* Adds "name\0sha256\n" of the file to the folder's hash. */
static int hash_one(void *ctx, const char *path, const char *name, struct err *e)
{
	char hex[SHA256_HEX_LEN + 1];

	if (file_sha256(path, hex, e) < 0)
		return -1;
	sha256_update(ctx, strlen(name) + 1, (const uint8_t *)name);
	sha256_update(ctx, SHA256_HEX_LEN, (const uint8_t *)hex);
	return 0;
}

/* 1 when the file's bytes hold `needle` (a short ASCII word), 0 when not, -1. */
static int file_mentions(void *needle, const char *path, const char *name, struct err *e)
{
	char buf[65536 + 64];
	size_t nlen = strlen(needle), keep = 0, got;
	FILE *fp = fopen(path, "rb");
	int found = 0;

	(void)name;
	if (!fp)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
	while (!found && (got = fread(buf + keep, 1, sizeof buf - 64 - keep, fp)) > 0) {
		size_t have = keep + got;

		for (size_t i = 0; !found && i + nlen <= have; i++)
			found = buf[i] == *(const char *)needle && !memcmp(buf + i, needle, nlen);
		/* The word may straddle two reads. */
		keep = have >= nlen ? nlen - 1 : have;
		memmove(buf, buf + have - keep, keep);
	}
	if (!found && ferror(fp)) {
		fclose(fp);
		return err_set(e, EXIT_SYSTEM, "cannot read %s: %s", path, strerror(errno));
	}
	fclose(fp);
	return found;
}

int source_mentions(const char *path, const char *word, struct err *e)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return file_mentions((void *)word, path, path, e);
	return each_xml_file(path, 0, file_mentions, (void *)word, e);
}

int source_fingerprint(const char *path, char *hex, struct err *e)
{
	struct stat sb;
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];

	if (stat(path, &sb) != 0)
		return err_set(e, errno == ENOENT ? EXIT_USAGE : EXIT_SYSTEM, "cannot open %s: %s",
			       path, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return file_sha256(path, hex, e);
	sha256_init(&ctx);
	if (each_xml_file(path, 0, hash_one, &ctx, e) < 0)
		return -1;
	sha256_digest(&ctx, sizeof d, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return 0;
}
