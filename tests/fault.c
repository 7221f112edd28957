/*
 * fault.c: fault injection in the SQLite layer, for test builds only.
 *
 * Linked into test copies of the programs (collector_fault, analyser_fault in
 * tests/meson.build), never into the installed ones. Before main() runs, a
 * constructor reads TALLY_FAULT and, when it is set, puts two counting
 * wrappers under SQLite, as SQLite's own test harness does:
 *
 *   - a VFS that wraps the real "unix" one and becomes the default: every
 *     open, delete, access check, read, write, truncate, sync, size, lock and
 *     shared-memory map is one I/O call;
 *   - an allocator (SQLITE_CONFIG_MALLOC) around SQLite's own: every malloc
 *     and realloc is one allocation.
 *
 * TALLY_FAULT is
 *   "count"         nothing fails; the calls are only counted;
 *   "io:N"          the Nth I/O call and every one after it fail (a disk
 *                   that has gone: SQLITE_IOERR_READ, _WRITE, _FSYNC ...);
 *   "io:N:once"     only the Nth I/O call fails (a transient error);
 *   "oom:N"         the Nth allocation and every one after it fail;
 *   "oom:N:once"    only the Nth allocation fails;
 *   "file:N", "file:N:once"  the same for the calls that write an output
 *                   file whole (fault_file.c: mkstemp, fflush, fsync,
 *                   fclose, rename), which fail with EIO.
 * When TALLY_FAULT_LOG names a file, the program writes to it at exit one
 * line: "io CALLS oom ALLOCATIONS file CALLS fired FAULTS", so a driver knows how many
 * steps a command has and whether a run reached the fault it asked for
 * (tests/e2e/faults.sh). The Check suite check_faults.c drives the same
 * wrappers in-process through fault.h.
 */
#include "fault.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum fault_kind kind;  /* what fails */
static long fail_at;          /* the 1-based call that fails first */
static int once;              /* only that call, not every one after it */
static atomic_long io_calls;  /* I/O calls so far */
static atomic_long oom_calls; /* allocations so far */
static atomic_long file_calls; /* output-file calls so far (fault_file.c) */
static atomic_long fired;     /* faults injected so far */
static atomic_int armed;      /* counting (fault_arm) */

/* Counts one call of kind `k` and says whether it must fail. */
static int should_fail(enum fault_kind k, atomic_long *calls)
{
	long n;

	if (!atomic_load(&armed))
		return 0;
	n = atomic_fetch_add(calls, 1) + 1;
	if (k != kind || n < fail_at || (once && n != fail_at))
		return 0;
	atomic_fetch_add(&fired, 1);
	return 1;
}

static int io_fault(void)
{
	return should_fail(FAULT_IO, &io_calls);
}

int fault_hit(enum fault_kind k)
{
	return should_fail(k, k == FAULT_IO ? &io_calls : k == FAULT_OOM ? &oom_calls :
			   &file_calls);
}

/* ---- the allocator ------------------------------------------------------- */

static sqlite3_mem_methods real_mem;

static void *mem_malloc(int n)
{
	if (should_fail(FAULT_OOM, &oom_calls))
		return NULL;
	return real_mem.xMalloc(n);
}

static void *mem_realloc(void *p, int n)
{
	if (should_fail(FAULT_OOM, &oom_calls))
		return NULL;
	return real_mem.xRealloc(p, n);
}

static void mem_free(void *p) { real_mem.xFree(p); }
static int mem_size(void *p) { return real_mem.xSize(p); }
static int mem_roundup(int n) { return real_mem.xRoundup(n); }
static int mem_init(void *app) { return real_mem.xInit(app); }
static void mem_shutdown(void *app) { real_mem.xShutdown(app); }

/* ---- the VFS ------------------------------------------------------------- */

static sqlite3_vfs *real_vfs;

struct shim_file {
	sqlite3_file base;  /* pMethods: the shim's methods */
	sqlite3_file *real; /* the real VFS's file, just after this struct */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (io_fault())
		return SQLITE_IOERR_READ;
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (io_fault())
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (io_fault())
		return SQLITE_IOERR_TRUNCATE;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	if (io_fault())
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	if (io_fault())
		return SQLITE_IOERR_FSTAT;
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int level)
{
	if (io_fault())
		return SQLITE_IOERR_LOCK;
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

/* Unlocking and closing never fail here: SQLite treats them as cleanup. */
static int f_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int f_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_device_chars(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
	if (io_fault())
		return SQLITE_IOERR_SHMMAP;
	return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods shim_methods = {
	3,
	f_close, f_read, f_write, f_truncate, f_sync, f_file_size, f_lock, f_unlock,
	f_check_reserved, f_file_control, f_sector_size, f_device_chars,
	f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct shim_file *s = (struct shim_file *)f;
	int rc;

	(void)vfs;
	s->base.pMethods = NULL;
	s->real = (sqlite3_file *)(s + 1);
	if (io_fault())
		return SQLITE_CANTOPEN;
	rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
	/* SQLite calls xClose only when pMethods is set. */
	if (s->real->pMethods)
		s->base.pMethods = &shim_methods;
	return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	if (io_fault())
		return SQLITE_IOERR_DELETE;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	if (io_fault())
		return SQLITE_IOERR_ACCESS;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void v_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void v_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int v_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int v_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int v_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int v_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs shim_vfs = {
	.iVersion = 2,
	.zName = "tally-fault",
	.xOpen = v_open,
	.xDelete = v_delete,
	.xAccess = v_access,
	.xFullPathname = v_full_pathname,
	.xDlOpen = v_dlopen,
	.xDlError = v_dlerror,
	.xDlSym = v_dlsym,
	.xDlClose = v_dlclose,
	.xRandomness = v_randomness,
	.xSleep = v_sleep,
	.xCurrentTime = v_current_time,
	.xGetLastError = v_last_error,
	.xCurrentTimeInt64 = v_current_time_int64,
};

/* ---- setting up ---------------------------------------------------------- */

int fault_install(void)
{
	sqlite3_mem_methods mem;

	/* Before SQLite's first use: the allocator can be swapped only then.
	   No memory statistics, as common/db.c asks (too late once initialised). */
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) != SQLITE_OK)
		return -1;
	mem = real_mem;
	mem.xMalloc = mem_malloc;
	mem.xRealloc = mem_realloc;
	mem.xFree = mem_free;
	mem.xSize = mem_size;
	mem.xRoundup = mem_roundup;
	mem.xInit = mem_init;
	mem.xShutdown = mem_shutdown;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
		return -1;
	/* Initialising allocates: that is not the program's work (not armed yet). */
	if (sqlite3_initialize() != SQLITE_OK || !(real_vfs = sqlite3_vfs_find("unix")))
		return -1;
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.mxPathname = real_vfs->mxPathname;
	return sqlite3_vfs_register(&shim_vfs, 1) == SQLITE_OK ? 0 : -1;
}

void fault_arm(enum fault_kind k, long at, int only_once)
{
	atomic_store(&armed, 0);
	kind = at > 0 ? k : FAULT_NONE;
	fail_at = at;
	once = only_once;
	atomic_store(&io_calls, 0);
	atomic_store(&oom_calls, 0);
	atomic_store(&file_calls, 0);
	atomic_store(&fired, 0);
	atomic_store(&armed, 1);
}

void fault_disarm(void)
{
	atomic_store(&armed, 0);
}

long fault_count(enum fault_kind k)
{
	return atomic_load(k == FAULT_IO ? &io_calls : k == FAULT_OOM ? &oom_calls : &file_calls);
}

long fault_fired(void)
{
	return atomic_load(&fired);
}

static void write_log(void)
{
	const char *path = getenv("TALLY_FAULT_LOG");
	FILE *f;

	if (!path || !*path || !(f = fopen(path, "w")))
		return;
	fprintf(f, "io %ld oom %ld file %ld fired %ld\n", fault_count(FAULT_IO),
		fault_count(FAULT_OOM), fault_count(FAULT_FILE), fault_fired());
	fclose(f);
}

static void bad_setting(const char *spec)
{
	fprintf(stderr, "fault injection: cannot read TALLY_FAULT='%s' (count, io:N, "
			"oom:N or file:N, each maybe followed by :once)\n", spec);
	exit(2);
}

/* The programs' copies: set up from TALLY_FAULT before main() runs. */
__attribute__((constructor)) static void fault_from_environment(void)
{
	const char *spec = getenv("TALLY_FAULT");
	enum fault_kind k = FAULT_NONE;
	long at = 0;
	char *end = "";

	if (!spec || !*spec)
		return;
	if (strcmp(spec, "count") != 0) {
		if (strncmp(spec, "io:", 3) == 0)
			k = FAULT_IO;
		else if (strncmp(spec, "oom:", 4) == 0)
			k = FAULT_OOM;
		else if (strncmp(spec, "file:", 5) == 0)
			k = FAULT_FILE;
		else
			bad_setting(spec);
		at = strtol(strchr(spec, ':') + 1, &end, 10);
		if (at < 1 || (*end && strcmp(end, ":once") != 0))
			bad_setting(spec);
	}
	if (fault_install() < 0)
		bad_setting(spec);
	atexit(write_log);
	fault_arm(k, at, *end != '\0');
}
