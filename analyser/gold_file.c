/* gold_file.c: opening a gold file: a regular file only (a FIFO would never end). */
#include "gold_file.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"
#include "strbuf.h"
#include "trim.h"

struct csv_reader *gold_open(const char *path, int *fd, struct err *e)
{
	struct csv_reader *r;
	struct stat sb;

	if ((*fd = file_open_input(path, 0, &sb, e)) < 0)
		return NULL;
	if (!(r = csv_reader_fd(*fd, path, NULL, e))) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

void gold_notes_free(char **notes, long nlines)
{
	if (!notes)
		return;
	for (long i = 0; i <= nlines; i++)
		free(notes[i]);
	free(notes);
}

int gold_notes(const char *path, char ***notes, long *nlines, struct err *e)
{
	struct csv_reader *r;
	int fd, rc;

	*notes = NULL;
	*nlines = 0;
	if (!(r = gold_open(path, &fd, e)))
		return -1;
	rc = gold_notes_read(r, notes, nlines, e);
	csv_reader_free(r);
	close(fd);
	return rc;
}

int gold_notes_read(struct csv_reader *r, char ***notes, long *nlines, struct err *e)
{
	struct csv_record rec;
	size_t cap = 0;
	long col = -1, filled = 0;
	int rc, ok = -1;

	*notes = NULL;
	*nlines = 0;
	if ((rc = csv_read(r, &rec, e)) == CSV_RECORD)
		for (size_t i = 0; i < rec.nfields && col < 0; i++)
			if (!strcasecmp(trim(rec.fields[i]), "note") ||
			    !strcasecmp(trim(rec.fields[i]), "notes"))
				col = (long)i;
	if (rc == CSV_FATAL)
		goto out;
	while (col >= 0 && (rc = csv_read(r, &rec, e)) != CSV_EOF) {
		if (rc == CSV_FATAL)
			goto out;
		if (rc != CSV_RECORD || rec.nfields <= (size_t)col || !*trim(rec.fields[col]))
			continue;
		if (ALLOC_GROW(*notes, (size_t)rec.line + 1, cap) < 0)
			goto oom;
		while (filled <= rec.line)
			(*notes)[filled++] = NULL;
		*nlines = rec.line;
		if (!((*notes)[rec.line] = strdup(trim(rec.fields[col]))))
			goto oom;
	}
	ok = 0;
	goto out;
oom:
	err_set(e, EXIT_SYSTEM, "out of memory");
out:
	if (ok < 0) {
		gold_notes_free(*notes, *nlines);
		*notes = NULL;
		*nlines = 0;
	}
	return ok;
}
