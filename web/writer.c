#include "writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "server.h"
#include "stmt_cache.h"

struct job {
	writer_fn fn;
	void *arg;
	struct err *e;
	int rc;
	int done;
	pthread_cond_t finished; /* its batch is over: only its own handler wakes */
	struct job *next;
};

/* A session kept for a job's options. */
#define SESSIONS_MAX 64
struct kept {
	struct entry_session *s;
	long long exercise_id;
	const struct entry_form *form;
	char event[64];
	char officer[ENTRY_NAME_MAX + 1];
	enum entry_mode mode;
	int used;      /* by the job now running */
	unsigned long last; /* job number that last used it: the oldest goes first */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t queued;   /* a job was queued, or stop was asked */
	struct job *head, *tail;
	int stop;
	int running;
	pthread_t thread;
	sqlite3 *db;
	long long data_version; /* PRAGMA data_version when the sessions were last known good */
	struct kept kept[SESSIONS_MAX];
	int nkept;
	unsigned long njob;
	long batches, jobs;
	long delay_ms; /* tests: hold each batch open this long before committing */
} W = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.queued = PTHREAD_COND_INITIALIZER };

static void drop(int i)
{
	entry_session_free(W.kept[i].s);
	W.kept[i] = W.kept[--W.nkept];
}

static void drop_all(void)
{
	while (W.nkept)
		drop(W.nkept - 1);
}

struct entry_session *writer_session(const struct entry_session_options *o, struct err *e)
{
	struct kept *k;
	int i, oldest = 0;

	for (i = 0; i < W.nkept; i++) {
		k = &W.kept[i];
		if (k->exercise_id == o->exercise_id && k->form == o->form && k->mode == o->mode &&
		    !strcasecmp(k->event, o->event ? o->event : "") &&
		    !strcmp(k->officer, o->officer ? o->officer : "")) {
			k->used = 1;
			k->last = W.njob;
			return k->s;
		}
		if (!k->used && (W.kept[oldest].used || k->last < W.kept[oldest].last))
			oldest = i;
	}
	if (W.nkept == SESSIONS_MAX) {
		if (W.kept[oldest].used) {
			err_set(e, EXIT_SYSTEM, "a form needed more sessions than the writer keeps");
			return NULL;
		}
		drop(oldest);
	}
	k = &W.kept[W.nkept];
	memset(k, 0, sizeof *k);
	if (!(k->s = entry_session_open(W.db, o, e)))
		return NULL;
	k->exercise_id = o->exercise_id;
	k->form = o->form;
	k->mode = o->mode;
	snprintf(k->event, sizeof k->event, "%s", o->event ? o->event : "");
	snprintf(k->officer, sizeof k->officer, "%s", o->officer ? o->officer : "");
	k->used = 1;
	k->last = W.njob;
	W.nkept++;
	return k->s;
}

/* Runs `sql` (a literal) on the writer's connection, prepared once. 0 or -1. */
static int run_sql(const char *sql, const char *what, struct err *e)
{
	sqlite3_stmt *st = db_stmt(W.db, sql, e);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	db_stmt_done(st);
	return rc == SQLITE_DONE ? 0 : db_fail(W.db, what, e);
}

/* Runs one job in a savepoint of the open transaction. */
static void run_job(struct job *j)
{
	struct err se;
	int rc;

	err_init(&se);
	W.njob++;
	for (int i = 0; i < W.nkept; i++)
		W.kept[i].used = 0;
	if (run_sql("SAVEPOINT form", "starting a form's savepoint", j->e) < 0) {
		j->rc = -1;
		return;
	}
	rc = j->fn(W.db, j->arg, j->e);
	if (rc == 1) {
		if (run_sql("RELEASE form", "keeping a form", j->e) < 0)
			rc = -1;
	}
	if (rc != 1) {
		/* Whatever the job did is undone; so is what its sessions believe. */
		if (run_sql("ROLLBACK TO form", "undoing a form", &se) < 0 ||
		    run_sql("RELEASE form", "undoing a form", &se) < 0)
			db_rollback(W.db); /* the batch is lost: the commit below fails them all */
		for (int i = W.nkept - 1; i >= 0; i--)
			if (W.kept[i].used)
				drop(i);
	}
	j->rc = rc;
}

/* Takes the next job off the queue, or NULL. */
static struct job *next_job(void)
{
	struct job *j;

	pthread_mutex_lock(&W.lock);
	if ((j = W.head) && !(W.head = j->next))
		W.tail = NULL;
	pthread_mutex_unlock(&W.lock);
	return j;
}

/* Sessions hold what the database said (batches, events): another writer may have changed it. */
static void check_data_version(void)
{
	long long v = 0;

	if (db_int(W.db, "PRAGMA data_version", 0, &v, NULL, 0) < 0 || v != W.data_version)
		drop_all();
	W.data_version = v;
}

/* One batch: the jobs queued now and those queued while they run, up to WRITER_BATCH_MAX. */
static void run_batch(void)
{
	struct job *batch[WRITER_BATCH_MAX], *j;
	struct err be;
	int n = 0, begun;

	err_init(&be);
	web_write_lock();
	check_data_version();
	begun = db_begin(W.db, &be) == 0;
	while (n < WRITER_BATCH_MAX && (j = next_job())) {
		batch[n++] = j;
		if (!begun) {
			j->rc = -1;
			err_set(j->e, be.code, "%s", err_first(&be));
			continue;
		}
		/* A batch whose transaction was lost fails its later jobs too. */
		if (sqlite3_get_autocommit(W.db)) {
			j->rc = -1;
			err_set(j->e, EXIT_SYSTEM, "the forms could not be saved together: try again");
			continue;
		}
		run_job(j);
	}
	if (begun) {
		if (W.delay_ms > 0) {
			struct timespec ts = { W.delay_ms / 1000, (W.delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (sqlite3_get_autocommit(W.db) || db_commit(W.db, &be) < 0) {
			db_rollback(W.db);
			drop_all();
			for (int i = 0; i < n; i++)
				if (batch[i]->rc == 1) {
					batch[i]->rc = -1;
					err_set(batch[i]->e, EXIT_SYSTEM, "%s",
						err_isset(&be) ? err_first(&be)
							       : "the forms could not be saved together");
				}
		}
		/* Our own commits do not change data_version; another connection's do. */
		if (db_int(W.db, "PRAGMA data_version", 0, &W.data_version, NULL, 0) < 0)
			drop_all();
	}
	web_write_unlock();
	pthread_mutex_lock(&W.lock);
	W.batches++;
	W.jobs += n;
	for (int i = 0; i < n; i++) {
		batch[i]->done = 1;
		pthread_cond_signal(&batch[i]->finished);
	}
	pthread_mutex_unlock(&W.lock);
}

static void *writer_main(void *unused)
{
	(void)unused;
	for (;;) {
		pthread_mutex_lock(&W.lock);
		while (!W.head && !W.stop)
			pthread_cond_wait(&W.queued, &W.lock);
		if (!W.head) {
			pthread_mutex_unlock(&W.lock);
			return NULL;
		}
		pthread_mutex_unlock(&W.lock);
		run_batch();
	}
}

int writer_start(const char *db_path, struct err *e)
{
	const char *delay = getenv("TALLY_WEB_TEST_COMMIT_DELAY_MS");

	if (W.running)
		return err_set(e, EXIT_SYSTEM, "the web service's writer is already running");
	if (!(W.db = db_open(db_path, DB_MUST_EXIST, NULL, e)))
		return -1;
	W.delay_ms = delay ? strtol(delay, NULL, 10) : 0;
	W.stop = 0;
	W.batches = W.jobs = 0;
	W.data_version = -1;
	if (pthread_create(&W.thread, NULL, writer_main, NULL) != 0) {
		db_close(W.db, NULL);
		W.db = NULL;
		return err_set(e, EXIT_SYSTEM, "cannot start the web service's writer thread");
	}
	W.running = 1;
	return 0;
}

void writer_stop(void)
{
	if (!W.running)
		return;
	pthread_mutex_lock(&W.lock);
	W.stop = 1;
	pthread_cond_signal(&W.queued);
	pthread_mutex_unlock(&W.lock);
	pthread_join(W.thread, NULL);
	drop_all();
	db_close(W.db, NULL);
	W.db = NULL;
	W.running = 0;
}

int writer_run(writer_fn fn, void *arg, struct err *e)
{
	struct job j = { fn, arg, e, -1, 0, PTHREAD_COND_INITIALIZER, NULL };

	pthread_mutex_lock(&W.lock);
	if (!W.running || W.stop) {
		pthread_mutex_unlock(&W.lock);
		pthread_cond_destroy(&j.finished);
		return err_set(e, EXIT_SYSTEM, "the web service is stopping: nothing was saved");
	}
	if (W.tail)
		W.tail->next = &j;
	else
		W.head = &j;
	W.tail = &j;
	pthread_cond_signal(&W.queued);
	while (!j.done)
		pthread_cond_wait(&j.finished, &W.lock);
	pthread_mutex_unlock(&W.lock);
	pthread_cond_destroy(&j.finished);
	return j.rc;
}

void writer_stats(long *batches, long *jobs)
{
	pthread_mutex_lock(&W.lock);
	*batches = W.batches;
	*jobs = W.jobs;
	pthread_mutex_unlock(&W.lock);
}
