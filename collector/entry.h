/*
 * entry.h: paper and Easy Read forms typed in by engagement officers.
 *
 * The form (a questionnaire's questions in order, with their options), the
 * answer to one question as an officer types it and the checks on it, and
 * storing a confirmed form: a first entry becomes a response; a second
 * officer's entry of the same serial number is kept beside it and compared
 * question by question (compare.h). A supervisor then settles each
 * difference. The terminal session (entry_ui.c) and the batch-file path
 * (cmd_enter.c) both go through the same functions here.
 *
 * Status of a typed-in form: a first entry is 'accepted' when the exercise
 * makes double entry optional, 'awaiting-second-entry' when it requires it;
 * a second entry by another officer makes it 'verified' when the two agree,
 * 'differences' when they do not; settling every difference makes it
 * 'verified'. Analysis counts only 'accepted' and 'verified' forms.
 */
#ifndef TALLY_ENTRY_H
#define TALLY_ENTRY_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"

#define ENTRY_MAX_PICKS 64      /* options one answer can tick */
#define ENTRY_TEXT_MAX 20000    /* bytes of one free-text answer */
#define ENTRY_SERIAL_MAX 40     /* bytes of a serial number */
#define ENTRY_NAME_MAX 80       /* bytes of an officer's name */
#define ENTRY_WHY_MAX 400       /* room for a plain-words message */

/* ---- the form ------------------------------------------------------------ */

enum entry_qtype {
	EQ_FREE_TEXT,
	EQ_SINGLE,   /* single-choice and demographic questions */
	EQ_MULTIPLE,
	EQ_SCALE,
	EQ_POSTCODE,
	EQ_NUMBER,     /* typed values: stored as typed, never tagged */
	EQ_DATE,       /* typed day-first (dd/mm/yyyy) or YYYY-MM-DD, stored YYYY-MM-DD */
	EQ_SHORT_TEXT, /* one line, at most SHORT_TEXT_MAX_CHARS characters */
};

struct entry_option {
	long long id;       /* the option on the form */
	long long store_id; /* the option stored: the standard one an Easy Read option maps onto */
	char *code;
	char *label;
	char *district;     /* the ONS code when it stands for one of the exercise's
			       districts (a ticked area), else NULL */
};

struct entry_question {
	long long id;        /* the question on the form */
	long long store_id;  /* the question stored: the standard one it maps onto */
	int number;          /* 1, 2, ... in the form's order */
	enum entry_qtype type;
	char *code;
	char *text;
	char *help;          /* may be NULL */
	long scale_min, scale_max;
	struct entry_option *opts;
	size_t nopts;
};

struct crosscheck;

struct entry_form {
	char variant[16];    /* "standard" or "easy-read" */
	const char *channel; /* "paper" or "easy-read-paper" */
	char *title;
	struct entry_question *qs;
	size_t nqs;
	struct crosscheck *checks; /* the exercise's cross-field checks (crosscheck.h) */
	size_t qs_alloc;
};

/*
 * The exercise's questionnaire `variant` as a form to type in. NULL with `e`
 * set (EXIT_USAGE when the exercise has no such questionnaire).
 */
struct entry_form *entry_form_load(sqlite3 *db, long long exercise_id, const char *variant,
				   struct err *e);
void entry_form_free(struct entry_form *f);

/* The question with `code` (any case), or NULL. */
const struct entry_question *entry_form_find(const struct entry_form *f, const char *code);

/* The question with database id `id`, or NULL. */
const struct entry_question *entry_form_find_id(const struct entry_form *f, long long id);

/* ---- one answer as typed ------------------------------------------------ */

enum entry_state {
	ENTRY_UNSET,      /* not answered yet */
	ENTRY_ANSWERED,
	ENTRY_SKIPPED,    /* left blank on the form */
	ENTRY_UNREADABLE, /* the officer cannot read it */
};

struct entry_answer {
	enum entry_state state;
	size_t npicks;
	size_t picks[ENTRY_MAX_PICKS]; /* indexes into the question's options, ascending */
	char *text;                    /* free text, a scale value, a normalised postcode */
};

void entry_answer_clear(struct entry_answer *a);

/* What a line typed at a question means. */
enum entry_input {
	ENTRY_INPUT_ANSWER, /* *out holds the answer: answered, skipped or unreadable */
	ENTRY_INPUT_EMPTY,  /* nothing was typed */
	ENTRY_INPUT_BACK,   /* b: back to the previous question */
	ENTRY_INPUT_HELP,   /* ?: how to answer this question */
	ENTRY_INPUT_ERROR,  /* `why` says what is wrong, in plain words */
};

/*
 * Reads what was typed for question q: "s" (left blank), "u" (unreadable),
 * "b", "?", or the answer itself: option numbers ("3", "1,4" or "1 4"),
 * option codes or labels, a number on the scale, a postcode, or free text
 * (which may run over several lines, joined with '\n'). A pure function:
 * no database, no input or output. On ENTRY_INPUT_ANSWER *out is replaced
 * (the caller clears it later); on ENTRY_INPUT_ERROR `why` gets the
 * message (cap bytes) and *out is left alone.
 */
enum entry_input entry_parse(const struct entry_question *q, const char *input,
			     struct entry_answer *out, char *why, size_t cap);

/*
 * The same for a choice question given as separate pieces (a mapping's
 * joined or one-column-per-option cells): each piece an option number,
 * code or label. No pieces means left blank.
 */
enum entry_input entry_parse_choices(const struct entry_question *q, const char *const *pieces,
				     size_t n, struct entry_answer *out, char *why, size_t cap);

/*
 * The answer as an officer reads it: "2 Satisfied", "1 GP practice; 3 NHS
 * 111", the text, "7", "(left blank)", "(unreadable)". A new string the
 * caller frees, or NULL when out of memory.
 */
char *entry_answer_show(const struct entry_question *q, const struct entry_answer *a);

/* How to answer question q, for "?" (a static string). */
const char *entry_question_hint(const struct entry_question *q);

/* ---- cross-field checks ------------------------------------------------- */

/* A cross-field check a form's answers break (crosscheck.h). */
struct entry_problem {
	size_t index;               /* the question's index in the form */
	char why[ENTRY_WHY_MAX];    /* plain words, for whoever fills the form */
	char where[ENTRY_WHY_MAX];  /* by codes, for a file's messages */
};

/*
 * Checks the answers (one per question of the form; unset ones count as
 * blank) against the exercise's cross-field checks, through the same
 * checker an import uses. Writes up to `cap` problems, one per question at
 * most, and returns how many there are, or -1 with `e` set (out of memory).
 */
int entry_cross_check(const struct entry_form *f, const struct entry_answer *answers,
		      struct entry_problem *out, size_t cap, struct err *e);

/* ---- sessions: storing confirmed forms ---------------------------------- */

enum entry_mode {
	ENTRY_FIRST,  /* the first entry of each form */
	ENTRY_SECOND, /* --verify: a second officer types forms already entered */
};

struct entry_session_options {
	long long exercise_id;
	const struct entry_form *form;
	const char *event;   /* event code */
	const char *officer;
	enum entry_mode mode;
	const char *file;    /* a batch file: one batch for the whole file; NULL when typed */
};

struct entry_session;

/*
 * Starts a session: the event must exist (EXIT_USAGE, naming codes close to
 * the one given), the officer's name must be plain text. A typed session
 * carries on with the batch this officer has for this event, form and mode,
 * if there is one. NULL with `e` set.
 */
struct entry_session *entry_session_open(sqlite3 *db, const struct entry_session_options *o,
					 struct err *e);
void entry_session_free(struct entry_session *s);

/*
 * The same for reading only (the event, serial checks, as the web pages
 * do while another connection stores): nothing is made ready for storing,
 * which makes it cheaper, and entry_save refuses.
 */
struct entry_session *entry_session_open_lookup(sqlite3 *db, const struct entry_session_options *o,
						struct err *e);

/*
 * The session's forms are typed by the respondents themselves (a kiosk):
 * there is no paper form to check, so none waits for a second entry,
 * whatever the exercise's double-entry setting.
 */
void entry_session_by_respondent(struct entry_session *s);

/* The event's code, title and date for the session's heading. */
const char *entry_session_event_title(const struct entry_session *s);

/* What the session was opened with: the event's code as stored, the officer. */
const char *entry_session_event(const struct entry_session *s);
const char *entry_session_officer(const struct entry_session *s);
const struct entry_form *entry_session_form(const struct entry_session *s);
enum entry_mode entry_session_mode(const struct entry_session *s);

/* 1 when the exercise has an event `code` (any case), 0 when not, -1 on failure. */
int entry_event_exists(sqlite3 *db, long long exercise_id, const char *code, struct err *e);

/*
 * Event codes of the exercise close to `code` (same prefix, or one or two
 * typing slips away), comma-separated into buf, "" when none.
 */
void entry_close_events(sqlite3 *db, long long exercise_id, const char *code, char *buf,
			size_t cap);

/* Where the session's batch stands. */
struct entry_batch_info {
	long long batch_id;  /* 0 when nothing has been saved yet */
	long forms;          /* forms saved in it */
	char first_serial[ENTRY_SERIAL_MAX + 1];
	char last_serial[ENTRY_SERIAL_MAX + 1];
	char last_at[40];    /* local time of the last save: "14:32", or "14:32 on 2019-06-06" */
};

int entry_session_batch(struct entry_session *s, struct entry_batch_info *info, struct err *e);

/* What goes between two serial numbers in a range: "-" (101-112), or " to " when they hold dashes. */
const char *entry_range_dash(const char *first, const char *last);

/*
 * Whether the paper form with serial number `serial` was erased at the
 * respondent's request (collector erase): 1 when it was, then it is never
 * typed in again; 0 when not; -1 on a database failure.
 */
int entry_serial_erased(struct entry_session *s, const char *serial, struct err *e);

/*
 * Checks a serial number typed for the next form (trimmed into `out`):
 * 1 when it can be typed now, 0 when not (`why` says why in plain words:
 * empty, too long, erased at the respondent's request, already entered, or
 * for a second entry: not entered yet,
 * entered by this same officer, already entered twice, another form or
 * event), -1 on a database failure.
 */
int entry_check_serial(struct entry_session *s, const char *typed, char out[ENTRY_SERIAL_MAX + 1],
		       char *why, size_t cap, struct err *e);

/* One difference between the two entries of a form, as shown. */
struct entry_diff {
	const struct entry_question *q;
	char *first;
	char *second;
};

/* What saving a form did. */
struct entry_saved {
	long long response_id;
	const char *status;       /* the form's entry status now */
	struct entry_diff *diffs; /* second entries: where the two differ */
	size_t ndiffs;
	char first_officer[ENTRY_NAME_MAX + 1]; /* second entries: who typed the first */
	long forms;               /* forms in the batch now */
	size_t diffs_alloc;
};

void entry_saved_free(struct entry_saved *s);

/*
 * Saves one confirmed form: its serial and one answer per question of the
 * form (every one set), in one transaction of its own (or inside the file's,
 * see entry_session_begin_file). Returns 1 when saved, 0 when refused with
 * `why` (the serial was taken, or changed, by someone else meanwhile; the
 * answers break a cross-field check, see entry_cross_check), -1
 * on a failure with `e` set and nothing saved.
 */
int entry_save(struct entry_session *s, const char *serial, const struct entry_answer *answers,
	       struct entry_saved *out, char *why, size_t cap, struct err *e);

/*
 * A batch file is stored whole or not at all: begin holds every entry_save
 * in one transaction until end commits it (ok) or rolls it back (!ok).
 */
int entry_session_begin_file(struct entry_session *s, struct err *e);
int entry_session_end_file(struct entry_session *s, int ok, struct err *e);

/*
 * The saves that follow join the transaction the caller holds open (the web
 * service commits many forms together, each in a savepoint): nothing is
 * begun or committed here. leave says whether the caller kept the form or
 * rolled its savepoint back, so a batch made for it is forgotten with it.
 */
void entry_session_join(struct entry_session *s);
void entry_session_leave(struct entry_session *s, int kept);

/* Prints the differences side by side, headed with the two officers' names. */
void entry_print_diffs(FILE *out, const char *first_officer, const char *second_officer,
		       const struct entry_diff *d, size_t n);

/* ---- changing a typed form before it is checked --------------------------- */

/* A typed form that may be changed: what its page needs. */
struct entry_editable {
	long long response_id;
	char serial[ENTRY_SERIAL_MAX + 1];
	char variant[16];
	char event[64];                   /* event code, "" when none */
	char officer[ENTRY_NAME_MAX + 1]; /* who typed it */
};

/*
 * Whether `who` may change the typed form `response_id` of the exercise
 * now: a first entry an officer typed (not a kiosk's form, not an import's),
 * with no second entry typed yet, typed by `who` unless `supervisor`.
 * 1 with *out filled, 0 with `why` in plain words, -1 with `e` set.
 */
int entry_edit_allowed(sqlite3 *db, long long exercise_id, long long response_id,
		       const char *who, int supervisor, struct entry_editable *out, char *why,
		       size_t cap, struct err *e);

/*
 * The form's answers as stored, one per question of `f` (each cleared
 * with entry_answer_clear by the caller). 0, or -1 with `e` set.
 */
int entry_edit_load(sqlite3 *db, const struct entry_form *f, long long response_id,
		    struct entry_answer *answers, struct err *e);

/*
 * Replaces the typed form's answers by `answers` (one per question of `f`)
 * in one transaction, keeping the answers replaced as a version: who saved
 * them and when, and `who` replaced them now (entry_versions lists them).
 * entry_edit_allowed() is asked again inside the transaction. Returns 1
 * (*changed 0 when the answers are the ones stored: no version is made, so
 * a page posted twice changes the form once), 0 refused with `why` (it may
 * no longer be changed, or the answers break a cross-field check), -1.
 */
int entry_edit_save(sqlite3 *db, long long exercise_id, const struct entry_form *f,
		    long long response_id, const struct entry_answer *answers, const char *who,
		    int supervisor, int *changed, char *why, size_t cap, struct err *e);

/* An earlier version of a typed form. */
struct entry_version {
	int version;                          /* 1: as first saved */
	char saved_by[ENTRY_NAME_MAX + 1], saved_at[32];
	char replaced_by[ENTRY_NAME_MAX + 1], replaced_at[32];
	struct entry_answer *answers;         /* one per question of the form */
};

/* The form's earlier versions, oldest first (*n may be 0). 0 or -1. */
int entry_versions(sqlite3 *db, const struct entry_form *f, long long response_id,
		   struct entry_version **out, size_t *n, struct err *e);
void entry_versions_free(const struct entry_form *f, struct entry_version *v, size_t n);

/*
 * The terminal's change of a saved form (collector enter --change): shows
 * its answers, asks again the ones the officer names, and saves them with
 * entry_edit_save as `who`. EXIT_OK (saved, or left as it was), EXIT_DATA
 * (refused, or the input ended first: the form is as it was, `e` says
 * why), or EXIT_SYSTEM.
 */
int entry_ui_change(sqlite3 *db, long long exercise_id, const struct entry_form *f,
		    const struct entry_editable *ed, const char *who, FILE *in, FILE *out,
		    struct err *e);

/* ---- settling differences ------------------------------------------------ */

struct entry_pending_diff {
	long long question_id; /* the question on the form */
	char *code;
	char *first;
	char *second;
};

/* A form whose two entries differ, with what is still to settle. */
struct entry_pending {
	long long response_id;
	char *serial;
	char *event;         /* code, "" when none */
	char *variant;
	char *first_officer;
	char *second_officer;
	struct entry_pending_diff *diffs;
	size_t ndiffs, diffs_alloc;
};

/*
 * Forms of the exercise with differences not yet settled, optionally only
 * those of one event, in serial order. 0 or -1.
 */
int entry_pending_list(sqlite3 *db, long long exercise_id, const char *event,
		       struct entry_pending **out, size_t *n, struct err *e);
void entry_pending_free(struct entry_pending *p, size_t n);

enum entry_choice {
	ENTRY_KEEP_FIRST,
	ENTRY_TAKE_SECOND,
	ENTRY_CORRECTION,
};

/*
 * Settles one difference of a form, in one transaction: keeps the first
 * entry, takes the second, or stores `correction` (an answer to q, the
 * question on the form), recording who settled it and when, and the first entry's
 * value it replaced. The form becomes 'verified' when nothing is left to
 * settle (*verified set). Returns 1 when settled, 0 when refused with `why`
 * (someone settled it meanwhile), -1 on failure.
 */
int entry_resolve(sqlite3 *db, long long exercise_id, long long response_id,
		  const struct entry_question *q, enum entry_choice choice,
		  const struct entry_answer *correction, const char *supervisor, int *verified,
		  char *why, size_t cap, struct err *e);

/* Checks an officer's or supervisor's name: 1 good, 0 not (why), trimmed into out. */
int entry_check_name(const char *typed, char out[ENTRY_NAME_MAX + 1], char *why, size_t cap);

/* ---- the terminal session (entry_ui.c) ---------------------------------- */

/*
 * Runs the typed session on in/out until the officer quits or the input
 * ends. Returns EXIT_OK, EXIT_DATA when the input ended in the middle of a
 * form (which was not saved), or EXIT_SYSTEM with `e` set.
 */
int entry_ui_run(struct entry_session *s, FILE *in, FILE *out, struct err *e);

/*
 * Reads one line (without its end) into *line (grown as needed); 1, or 0 at
 * end of input. Flushes `out` first.
 */
int entry_ui_read_line(FILE *in, FILE *out, char **line, size_t *cap);

/* 1 when in and out are a terminal: lines are edited (entry_line.c). */
int entry_line_edits(FILE *in, FILE *out);

/* Ends line editing and forgets its history (at the end of a session). */
void entry_line_end(void);

/*
 * Prints `prompt` and reads one line as entry_ui_read_line() does; at a
 * terminal with line editing (arrow keys, history of what was typed),
 * starting from `prefill` (may be NULL) for the officer to edit. 1, or 0 at
 * end of input.
 */
int entry_ui_prompt(FILE *in, FILE *out, const char *prompt, const char *prefill, char **line,
		    size_t *cap);

/*
 * Asks question q until a valid answer, showing the current one (Enter
 * keeps it). Returns ENTRY_INPUT_ANSWER (with *a set), ENTRY_INPUT_BACK when
 * `back_ok` and the officer typed b, or -1 at end of input.
 */
int entry_ui_ask(const struct entry_question *q, size_t total, struct entry_answer *a,
		 int back_ok, FILE *in, FILE *out);

#endif
