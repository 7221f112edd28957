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
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		err_set(e, EXIT_SYSTEM, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
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
		return "xlsx";
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
