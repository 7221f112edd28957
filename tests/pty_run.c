/*
 * pty_run: drives an interactive program through a pseudo-terminal, as an
 * officer at a keyboard would, following a script of expect and send steps.
 * The end-to-end tests use it so that the real binary sees a real terminal
 * (80 by 24, echo on, line editing by the kernel), with no tmux or expect
 * needed on the machine.
 *
 * usage: pty_run [-t SECONDS] [-o TRANSCRIPT] SCRIPT -- PROGRAM [ARG...]
 *
 * Script lines (blank lines and lines starting with # are skipped):
 *   expect TEXT   wait until the output since the last match contains TEXT
 *   send TEXT     type TEXT and press Enter ("send" alone: only Enter)
 *   type TEXT     type TEXT without Enter
 *   eof           press Ctrl-D (end of input, as when the terminal is closed)
 *   kill          kill the program with SIGKILL, as a crash or power cut would
 *   exit N        wait for the program to end with exit status N
 *   killed        wait for the program to end, killed by a signal
 * In TEXT, \e is the escape character (arrow keys send \e[A), \t a tab,
 * \\ a backslash. The script must end with exit or killed.
 *
 * Exit status: 0 when every step happened as scripted, 1 when one did not
 * (the script's line and the output so far are printed), 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *out;          /* everything the program wrote */
static size_t out_len, out_cap, mark;
static FILE *transcript;
static int master = -1;
static pid_t child;
static int child_done, child_status;
static double timeout_s = 20;
static const char *script_name;
static char *line; /* the script line being read */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void keep(const char *buf, size_t n)
{
	if (out_len + n + 1 > out_cap) {
		size_t cap = (out_len + n + 1) * 2;
		char *more = realloc(out, cap);

		if (!more) {
			fprintf(stderr, "pty_run: out of memory\n");
			exit(2);
		}
		out = more;
		out_cap = cap;
	}
	memcpy(out + out_len, buf, n);
	out_len += n;
	out[out_len] = '\0';
	if (transcript)
		fwrite(buf, 1, n, transcript);
}

/* Reads what is there within `wait` seconds: 1 read something, 0 nothing, -1 the pty closed. */
static int pump(double wait)
{
	struct pollfd p = { master, POLLIN, 0 };
	char buf[4096];
	int ms = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
	ssize_t n;

	if (master < 0)
		return -1;
	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = read(master, buf, sizeof buf);
	if (n > 0) {
		keep(buf, (size_t)n);
		return 1;
	}
	if (n < 0 && errno == EINTR)
		return 0;
	close(master); /* EIO: the program's side of the terminal is closed */
	master = -1;
	return -1;
}

static void reap(int block)
{
	if (child_done)
		return;
	if (waitpid(child, &child_status, block ? 0 : WNOHANG) == child)
		child_done = 1;
}

static void show_tail(void)
{
	size_t from = mark;

	if (out_len - from > 2000)
		from = out_len - 2000;
	fprintf(stderr, "---- output since the last match ----\n%s\n---- end ----\n",
		out ? out + from : "");
}

static int fail(long line, const char *fmt, const char *arg)
{
	fprintf(stderr, "pty_run: %s:%ld: ", script_name, line);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	show_tail();
	if (transcript)
		fflush(transcript);
	if (!child_done) {
		kill(child, SIGKILL);
		reap(1);
	}
	return 1;
}

/* TEXT with its escapes undone, into buf. */
static size_t unescape(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			buf[n++] = *s == 'e' ? '\x1b' : *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return n;
}

static int send_bytes(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(master, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int expect(long line, const char *text)
{
	double end = now() + timeout_s;

	for (;;) {
		char *hit = strstr(out ? out + mark : "", text);

		if (hit) {
			mark = (size_t)(hit - out) + strlen(text);
			return 0;
		}
		if (now() > end)
			return fail(line, "expected '%s': not seen in time", text);
		if (pump(end - now()) < 0) {
			reap(1);
			return fail(line, "expected '%s': the program ended first", text);
		}
	}
}

/* Waits for the end: drains the output, then the exit status. */
static int wait_end(long line)
{
	double end = now() + timeout_s;

	while (now() < end) {
		reap(0);
		if (child_done) {
			while (pump(0) > 0)
				;
			return 0;
		}
		if (pump(0.05) < 0) /* the terminal is closed; the program may still be exiting */
			usleep(10000);
	}
	return fail(line, "%s", "the program did not end in time");
}

int main(int argc, char **argv)
{
	struct winsize ws = { 24, 80, 0, 0 };
	char *tpath = NULL;
	size_t cap = 0;
	long lineno = 0;
	FILE *script;
	int c, ended = 0;

	while ((c = getopt(argc, argv, "t:o:")) != -1) {
		if (c == 't')
			timeout_s = atof(optarg);
		else if (c == 'o')
			tpath = optarg;
		else
			goto usage;
	}
	if (argc - optind < 3 || strcmp(argv[optind + 1], "--"))
		goto usage;
	script_name = argv[optind];
	if (!(script = fopen(script_name, "r"))) {
		fprintf(stderr, "pty_run: cannot open %s: %s\n", script_name, strerror(errno));
		return 2;
	}
	if (tpath && !(transcript = fopen(tpath, "w"))) {
		fprintf(stderr, "pty_run: cannot write %s: %s\n", tpath, strerror(errno));
		return 2;
	}
	fflush(NULL);
	child = forkpty(&master, NULL, NULL, &ws);
	if (child < 0) {
		fprintf(stderr, "pty_run: cannot open a pseudo-terminal: %s\n", strerror(errno));
		return 2;
	}
	if (child == 0) {
		setenv("TERM", "xterm", 1);
		execvp(argv[optind + 2], argv + optind + 2);
		fprintf(stderr, "pty_run: cannot run %s: %s\n", argv[optind + 2], strerror(errno));
		_exit(127);
	}
	while (getline(&line, &cap, script) >= 0) {
		char arg[8192];
		size_t n = strcspn(line, "\r\n");
		const char *a;

		lineno++;
		line[n] = '\0';
		if (!*line || *line == '#')
			continue;
		if (ended)
			return fail(lineno, "%s", "nothing can follow 'exit' or 'killed'");
		a = strchr(line, ' ') ? strchr(line, ' ') + 1 : "";
		n = unescape(a, arg, sizeof arg - 1);
		if (!strncmp(line, "expect ", 7)) {
			if (expect(lineno, arg))
				return 1;
		} else if (!strcmp(line, "send") || !strncmp(line, "send ", 5) ||
			   !strncmp(line, "type ", 5)) {
			if (line[0] == 's')
				arg[n++] = '\r';
			if (master < 0 || send_bytes(arg, n) < 0)
				return fail(lineno, "cannot type '%s': the program has ended", a);
		} else if (!strcmp(line, "eof")) {
			if (master < 0 || send_bytes("\x04", 1) < 0)
				return fail(lineno, "%s", "cannot press Ctrl-D: the program has ended");
		} else if (!strcmp(line, "kill")) {
			kill(child, SIGKILL);
		} else if (!strncmp(line, "exit ", 5)) {
			int want = atoi(line + 5);

			if (wait_end(lineno))
				return 1;
			ended = 1;
			if (!WIFEXITED(child_status) || WEXITSTATUS(child_status) != want) {
				char msg[64];

				snprintf(msg, sizeof msg, "%d", WIFEXITED(child_status) ?
					 WEXITSTATUS(child_status) : -WTERMSIG(child_status));
				fprintf(stderr, "pty_run: %s:%ld: expected exit status %d, got %s\n",
					script_name, lineno, want, msg);
				show_tail();
				return 1;
			}
		} else if (!strcmp(line, "killed")) {
			if (wait_end(lineno))
				return 1;
			ended = 1;
			if (!WIFSIGNALED(child_status))
				return fail(lineno, "%s", "expected the program to be killed; it exited");
		} else {
			return fail(lineno, "unknown step '%s'", line);
		}
	}
	free(line);
	fclose(script);
	if (!ended)
		return fail(lineno, "%s", "the script must end with 'exit N' or 'killed'");
	if (transcript)
		fclose(transcript);
	free(out);
	if (master >= 0)
		close(master);
	return 0;
usage:
	fprintf(stderr, "usage: pty_run [-t SECONDS] [-o TRANSCRIPT] SCRIPT -- PROGRAM [ARG...]\n");
	return 2;
}
