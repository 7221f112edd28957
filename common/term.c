#include "term.h"

#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int term_width(int fd)
{
	struct winsize ws;
	const char *env;
	long n;

	if (!isatty(fd))
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((env = getenv("COLUMNS")) && (n = strtol(env, NULL, 10)) > 0 && n < 10000)
		return (int)n;
	return 80;
}
