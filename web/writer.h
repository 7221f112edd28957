/*
 * writer.h: the web service's one writer of forms, with group commit.
 *
 * A durable commit costs a flush of the disk (tens of milliseconds with
 * synchronous=FULL), far more than storing a form. So request handlers do
 * not commit: each checks its form, hands the storing of it to the writer
 * as a job, and waits. The writer thread runs the jobs one after another
 * on its own connection inside one transaction, each job in a savepoint of
 * its own, and commits when the queue is empty or WRITER_BATCH_MAX jobs
 * have run; then it wakes their handlers. A handler therefore answers only
 * once its form is on disk, and a job that fails or is refused is rolled
 * back to its savepoint without touching the others of its batch.
 */
#ifndef TALLY_WEB_WRITER_H
#define TALLY_WEB_WRITER_H

#include <sqlite3.h>

#include "entry.h"
#include "err.h"

#define WRITER_BATCH_MAX 64 /* jobs in one commit at most */

/*
 * A job: runs on the writer's thread with its connection `db`, inside the
 * open transaction. Returns 1 to keep what it did, 0 when it refused (its
 * savepoint is rolled back; `e` may be left empty), -1 on failure with `e`
 * set (rolled back too).
 */
typedef int (*writer_fn)(sqlite3 *db, void *arg, struct err *e);

/*
 * Opens the writer's connection to `db_path` and starts its thread. 0, or
 * -1 with `e` set. One writer per process.
 */
int writer_start(const char *db_path, struct err *e);

/* Runs the jobs still queued, commits them, stops the thread, closes the connection. */
void writer_stop(void);

/*
 * Queues fn(db, arg, e) and waits until the batch holding it is committed.
 * Returns fn's result; -1 with `e` set when the batch could not be
 * committed (then nothing of the job was kept). `e` is written only by
 * the job and the writer while the caller waits.
 */
int writer_run(writer_fn fn, void *arg, struct err *e);

/*
 * For a job: the session for these options on the writer's connection, kept
 * between jobs (its statements stay prepared, its batch stays known). The
 * form `o->form` must outlive the writer (forms from form_cache.h do). The
 * session is the writer's: the job must not free it. It is dropped and
 * opened afresh when a job using it is rolled back, when a commit fails, or
 * when another connection has changed the database. NULL with `e` set.
 */
struct entry_session *writer_session(const struct entry_session_options *o, struct err *e);

/* Batches committed and jobs run since the start, for tests and the log. */
void writer_stats(long *batches, long *jobs);

#endif
