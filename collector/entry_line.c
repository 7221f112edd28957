/*
 * entry_line.c: reading what an officer types, with line editing at a
 * terminal (libedit): the arrow keys move along the line and through what
 * was typed before, and an answer being changed is put on the line to edit
 * instead of typed again. From a file or a pipe, plain lines.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <histedit.h>

#include "entry.h"
#include "strbuf.h"

/* One editor and one history for the session: Up brings back what was typed. */
static EditLine *editor;
static History *history_of_lines;
static const char *current_prompt = "> ";

static const char *prompt_of(EditLine *e)
{
	(void)e;
	return current_prompt;
}

/* Sets the editor up on in/out; 0 or -1. */
static int editor_start(FILE *in, FILE *out)
{
	HistEvent ev;

	/* libedit reads characters in the locale's encoding: answers are UTF-8. */
	if (!setlocale(LC_CTYPE, "") || strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	if (!(editor = el_init("collector", in, out, stderr)) ||
	    !(history_of_lines = history_init())) {
		entry_line_end();
		return -1;
	}
	history(history_of_lines, &ev, H_SETSIZE, 200);
	el_set(editor, EL_EDITOR, "emacs");
	el_set(editor, EL_PROMPT, prompt_of);
	el_set(editor, EL_HIST, history, history_of_lines);
	/* Tab is a character of the answer, not something to complete. */
	el_set(editor, EL_BIND, "^I", "ed-insert", NULL);
	return 0;
}

void entry_line_end(void)
{
	if (editor)
		el_end(editor);
	if (history_of_lines)
		history_end(history_of_lines);
	editor = NULL;
	history_of_lines = NULL;
}

int entry_line_edits(FILE *in, FILE *out)
{
	return isatty(fileno(in)) && isatty(fileno(out));
}

int entry_ui_prompt(FILE *in, FILE *out, const char *prompt, const char *prefill, char **line,
		    size_t *cap)
{
	HistEvent ev;
	const char *got;
	int n;

	if (!entry_line_edits(in, out) || (!editor && editor_start(in, out) < 0)) {
		fputs(prompt, out);
		return entry_ui_read_line(in, out, line, cap);
	}
	fflush(out);
	current_prompt = prompt;
	/* Typed in for the officer, as if by the keyboard: then edited like anything typed. */
	if (prefill && *prefill)
		el_push(editor, prefill);
	if (!(got = el_gets(editor, &n)) || n <= 0)
		return 0;
	while (n > 0 && (got[n - 1] == '\n' || got[n - 1] == '\r'))
		n--;
	if (ALLOC_GROW(*line, (size_t)n + 1, *cap) < 0)
		return 0;
	memcpy(*line, got, (size_t)n);
	(*line)[n] = '\0';
	if (n)
		history(history_of_lines, &ev, H_ENTER, *line);
	return 1;
}
