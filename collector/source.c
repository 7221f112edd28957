/*
 * source.c: telling export formats apart, and a file's fingerprint for
 * recognising an export imported before.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "source_lsa.h"
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
