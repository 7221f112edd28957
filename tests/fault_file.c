/*
 * fault_file.c: failing the calls that write an output file whole
 * (common/outfile.c: out_open, out_commit), for the programs' test copies.
 *
 * Linked with -Wl,--wrap for each function (tests/meson.build), so only
 * the calls made by this project's code come here, never those inside the
 * C library or other libraries. TALLY_FAULT="file:N" (tests/fault.c) makes
 * the Nth of them, and every later one, fail with EIO; a failing fclose
 * still closes the stream, as a real one does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fault.h"

int __real_mkstemp64(char *tmpl);
int __real_fflush(FILE *f);
int __real_fsync(int fd);
int __real_fclose(FILE *f);
int __real_rename(const char *from, const char *to);

int __wrap_mkstemp64(char *tmpl);
int __wrap_fflush(FILE *f);
int __wrap_fsync(int fd);
int __wrap_fclose(FILE *f);
int __wrap_rename(const char *from, const char *to);

/* mkstemp64: the name the build's large-file setting gives mkstemp. */
int __wrap_mkstemp64(char *tmpl)
{
	if (fault_hit(FAULT_FILE)) {
		errno = EIO;
		return -1;
	}
	return __real_mkstemp64(tmpl);
}

int __wrap_fflush(FILE *f)
{
	if (fault_hit(FAULT_FILE)) {
		errno = EIO;
		return EOF;
	}
	return __real_fflush(f);
}

int __wrap_fsync(int fd)
{
	if (fault_hit(FAULT_FILE)) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

int __wrap_fclose(FILE *f)
{
	if (fault_hit(FAULT_FILE)) {
		__real_fclose(f);
		errno = EIO;
		return EOF;
	}
	return __real_fclose(f);
}

int __wrap_rename(const char *from, const char *to)
{
	if (fault_hit(FAULT_FILE)) {
		errno = EIO;
		return -1;
	}
	return __real_rename(from, to);
}
