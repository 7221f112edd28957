/* gold_file.c: opening a gold file: a regular file only (a FIFO would never end). */
#include "gold_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"

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
