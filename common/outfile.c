/* O_TMPFILE and linkat(AT_SYMLINK_FOLLOW) are Linux's: */
#define _GNU_SOURCE

#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PROTECTED 8 /* databases one run opens: one, or two in tests */

static char *protected_paths[MAX_PROTECTED];
static int nprotected;

static const char *const companions[] = { "", "-wal", "-shm", "-journal" };

int out_protect(const char *path, struct err *e)
{
	char *copy;

	for (int i = 0; i < nprotected; i++)
		if (!strcmp(protected_paths[i], path))
			return 0;
	if (nprotected == MAX_PROTECTED) /* the oldest goes: it is closed by now */
		free(protected_paths[--nprotected]);
	if (!(copy = strdup(path)))
		return err_set(e, EXIT_SYSTEM, "out of memory");
	memmove(protected_paths + 1, protected_paths, (size_t)nprotected * sizeof *protected_paths);
	protected_paths[0] = copy;
	nprotected++;
	return 0;
}

void out_protect_clear(void)
{
	while (nprotected > 0)
		free(protected_paths[--nprotected]);
}

/*
 * The absolute name `path` stands for, symbolic links resolved; for a file
 * that does not exist yet, its resolved folder and its own name. NULL when
 * even the folder cannot be resolved. The caller frees.
 */
static char *canonical(const char *path)
{
	char *full = realpath(path, NULL), *dir, *slash, *out;

	if (full || errno != ENOENT)
		return full;
	if (!(dir = strdup(path)))
		return NULL;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	full = realpath(slash ? dir : ".", NULL);
	out = full ? malloc(strlen(full) + strlen(path) + 2) : NULL;
	if (out)
		sprintf(out, "%s/%s", strcmp(full, "/") ? full : "", slash ? slash + 1 : path);
	free(full);
	free(dir);
	return out;
}

/* Whether the file at `path` (a regular file) starts with SQLite's header. */
static int is_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof head);
	close(fd);
	return n == (ssize_t)sizeof head && !memcmp(head, magic, sizeof head);
}

int out_check(const char *path, struct err *e)
{
	struct stat target, sb;
	int exists = stat(path, &target) == 0;
	char *name = canonical(path);

	for (int i = 0; i < nprotected; i++) {
		char buf[PATH_MAX + 16];
		char *db = canonical(protected_paths[i]);

		for (size_t k = 0; k < sizeof companions / sizeof *companions; k++) {
			int same;

			snprintf(buf, sizeof buf, "%s%s", protected_paths[i], companions[k]);
			same = exists && stat(buf, &sb) == 0 && sb.st_dev == target.st_dev &&
			       sb.st_ino == target.st_ino;
			if (!same && name && db) {
				snprintf(buf, sizeof buf, "%s%s", db, companions[k]);
				same = !strcmp(name, buf);
			}
			if (same) {
				if (*companions[k])
					err_set(e, EXIT_USAGE, "refusing to write %s: it is the %s file of the "
						"database %s; give the output another name", path,
						companions[k], protected_paths[i]);
				else
					err_set(e, EXIT_USAGE, "refusing to write %s: it is the database %s; "
						"give the output another name", path, protected_paths[i]);
				free(db);
				free(name);
				return -1;
			}
		}
		free(db);
	}
	free(name);
	if (!exists)
		return 0;
	if (S_ISDIR(target.st_mode))
		return err_set(e, EXIT_USAGE, "refusing to write %s: it is a folder; give a file "
			       "name", path);
	if (!S_ISREG(target.st_mode))
		return err_set(e, EXIT_USAGE, "refusing to write %s: not a regular file (a device, "
			       "pipe or socket); give a file name", path);
	if (is_sqlite(path))
		return err_set(e, EXIT_USAGE, "refusing to write %s: it is an SQLite database; "
			       "give the output another name", path);
	return 0;
}

/* "PATH.tmp-" followed by six characters: a temporary of `base`. */
static int is_temporary_of(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && !strncmp(name + n, ".tmp-", 5) &&
	       strlen(name + n + 5) == 6;
}

/*
 * Removes the temporaries of `path` that earlier runs left: those no live
 * run holds locked (a run keeps its own locked until it commits). Quietly
 * does nothing when the folder cannot be read.
 */
static void sweep_temporaries(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char *dirname = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	DIR *d = dirname ? opendir(dirname) : NULL;
	struct dirent *de;

	if (d) {
		while ((de = readdir(d))) {
			struct stat sb;
			int fd;

			if (!is_temporary_of(de->d_name, base))
				continue;
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
				    O_NONBLOCK | O_NOCTTY);
			if (fd < 0)
				continue;
			if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
			    flock(fd, LOCK_EX | LOCK_NB) == 0)
				unlinkat(dirfd(d), de->d_name, 0);
			close(fd); /* drops the lock */
		}
		closedir(d);
	}
	free(dirname);
}

/*
 * An unnamed file in the folder of `path`, mode 0600; its descriptor, or -1
 * when the file system (or a missing /proc, needed to name it later) does
 * not allow it.
 */
static int open_unnamed(const char *path)
{
#ifdef O_TMPFILE
	const char *slash = strrchr(path, '/');
	char *dirname = slash ? strndup(path, (size_t)(slash - path) + 1) : strdup(".");
	int fd = -1;

	if (dirname && access("/proc/self/fd", X_OK) == 0)
		fd = open(dirname, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dirname);
	return fd;
#else
	(void)path;
	return -1;
#endif
}

int out_open(struct out_file *o, const char *path, struct err *e)
{
	size_t n = strlen(path) + 32;
	int fd, saved;

	memset(o, 0, sizeof *o);
	if (out_check(path, e) < 0)
		return -1;
	sweep_temporaries(path);
	if (!(o->path = strdup(path)) || !(o->tmp = malloc(n))) {
		free(o->path);
		o->path = NULL;
		return err_set(e, EXIT_SYSTEM, "out of memory");
	}
	if ((fd = open_unnamed(path)) >= 0) {
		snprintf(o->tmp, n, "/proc/self/fd/%d", fd);
	} else {
		snprintf(o->tmp, n, "%s.tmp-XXXXXX", path);
		/* mkstemp creates the file with mode 0600. */
		if ((fd = mkstemp(o->tmp)) >= 0)
			o->named = 1;
	}
	/* The lock tells a later run's sweep that this one is alive. */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || !(o->f = fdopen(fd, "w"))) {
		saved = errno;
		if (fd >= 0) {
			close(fd);
			if (o->named)
				unlink(o->tmp);
		}
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return err_set(e, EXIT_SYSTEM, "cannot create %s: %s", path, strerror(saved));
	}
	return 0;
}

void out_abandon(struct out_file *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp && o->named)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

/*
 * Gives the unnamed file a temporary name beside `path` (a new name: link
 * cannot replace), which the caller renames over `path`. 0 or -1 (errno).
 */
static int name_unnamed(struct out_file *o)
{
	size_t n = strlen(o->path) + 16;
	char *name = malloc(n);

	if (!name)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		/* mkstemp picks a free name; the empty file it makes is replaced. */
		snprintf(name, n, "%s.tmp-XXXXXX", o->path);
		if ((fd = mkstemp(name)) < 0)
			break;
		close(fd);
		unlink(name);
		if (linkat(AT_FDCWD, o->tmp, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0) {
			free(o->tmp);
			o->tmp = name;
			o->named = 1;
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	free(name);
	return -1;
}

int out_commit(struct out_file *o, struct err *e)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0;
	int saved = errno;

	/* Named while still open (and locked), then moved into place at once. */
	if (!bad && !o->named && name_unnamed(o) != 0) {
		bad = 1;
		saved = errno;
	}
	if (!bad && rename(o->tmp, o->path) != 0) {
		bad = 1;
		saved = errno;
	}
	if (!bad)
		o->named = 0; /* the name is the output's now */
	if (fclose(o->f) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	o->f = NULL;
	if (bad) {
		err_set(e, EXIT_SYSTEM, "cannot write %s: %s", o->path, strerror(saved));
		out_abandon(o);
		return -1;
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
	return 0;
}
