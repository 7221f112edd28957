/* check_web.c: the web service's pieces that need no server: form decoding,
 * HTML escaping, sessions, the login throttle, accounts and the writer's
 * group commit. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "exercise.h"
#include "form_cache.h"
#include "form.h"
#include "html.h"
#include "stmt_cache.h"
#include "logo.h"
#include "multipart.h"
#include "testutil.h"
#include "throttle.h"
#include "websession.h"
#include "writer.h"
#include "db.h"

static int parses(const char *body)
{
	struct form f;
	int rc = form_parse(body, strlen(body), &f);

	form_free(&f);
	return rc == 0;
}

START_TEST(test_form_decoding)
{
	struct form f;
	const char *body = "a=1&b=x+y%20z&c=&b=%C3%A9&d=%0D%0A";

	ck_assert_int_eq(form_parse(body, strlen(body), &f), 0);
	ck_assert_uint_eq(f.n, 5);
	ck_assert_str_eq(form_get(&f, "b"), "x y z");
	ck_assert_str_eq(form_get(&f, "c"), "");
	ck_assert_str_eq(form_get(&f, "d"), "\r\n");
	ck_assert_uint_eq(form_count(&f, "b"), 2);
	ck_assert_ptr_null(form_get(&f, "e"));
	form_free(&f);
	ck_assert(parses(""));
	ck_assert(parses("a=%41"));
	/* Malformed: refused whole. */
	ck_assert(!parses("a=%4"));     /* escape cut short at the end */
	ck_assert(!parses("a=%zz"));    /* not hex */
	ck_assert(!parses("a"));        /* no '=' */
	ck_assert(!parses("=1"));       /* no name */
	ck_assert(!parses("a=1&"));     /* a trailing '&' */
	ck_assert(!parses("a=1&&b=2")); /* an empty field */
	ck_assert(!parses("a=%ff"));    /* not UTF-8 */
	ck_assert(!parses("a=%00"));    /* NUL */
	ck_assert(!parses("a=%1b"));    /* a control character */
	ck_assert(!parses("a=x y"));    /* a raw space: browsers escape it */
	ck_assert(!parses("a=\xc3\xa9")); /* raw bytes: browsers escape them */
}
END_TEST

static int allow(const char *name, void *ctx)
{
	(void)ctx;
	return !strcmp(name, "one") ? 1 : !strcmp(name, "many") ? 2 : 0;
}

START_TEST(test_form_check)
{
	struct form f;
	const char *bad = NULL;
	const char *ok = "one=1&many=1&many=2", *twice = "one=1&one=2", *unknown = "one=1&other=2";

	ck_assert_int_eq(form_parse(ok, strlen(ok), &f), 0);
	ck_assert_int_eq(form_check(&f, allow, NULL, &bad), 0);
	form_free(&f);
	ck_assert_int_eq(form_parse(twice, strlen(twice), &f), 0);
	ck_assert_int_eq(form_check(&f, allow, NULL, &bad), -1);
	ck_assert_str_eq(bad, "one");
	form_free(&f);
	ck_assert_int_eq(form_parse(unknown, strlen(unknown), &f), 0);
	ck_assert_int_eq(form_check(&f, allow, NULL, &bad), -1);
	ck_assert_str_eq(bad, "other");
	form_free(&f);
}
END_TEST

START_TEST(test_html_escaping)
{
	struct html h = { 0 };

	html_raw(&h, "<p>");
	html_esc(&h, "<script>a & b \"c\" 'd'</script>\x01\n");
	html_esc(&h, NULL);
	ck_assert_str_eq(h.s, "<p>&lt;script&gt;a &amp; b &quot;c&quot; &#39;d&#39;&lt;/script&gt;\n");
	html_free(&h);
	html_url(&h, "LE-1 a&b\"<");
	ck_assert_str_eq(h.s, "LE-1%20a%26b%22%3C");
	html_free(&h);
}
END_TEST

/* A formatted piece longer than any fixed buffer is written whole, not
 * turned into a page that is never sent. */
START_TEST(test_html_fmt_long)
{
	struct html h = { 0 };
	char word[3001];
	size_t i;

	for (i = 0; i < sizeof word - 1; i++)
		word[i] = (char)('a' + i % 26);
	word[sizeof word - 1] = '\0';
	html_raw(&h, "<p>");
	html_fmt(&h, "<a href=\"/x?%d\">%s</a>", 7, word);
	ck_assert_int_eq(h.oom, 0);
	ck_assert_uint_eq(h.n, 3 + strlen("<a href=\"/x?7\">") + 3000 + 4);
	ck_assert(strncmp(h.s, "<p><a href=\"/x?7\">abc", 21) == 0);
	ck_assert_str_eq(h.s + h.n - 4, "</a>");
	ck_assert_int_eq(h.s[h.n - 5], 'a' + 2999 % 26);
	html_free(&h);
}
END_TEST

START_TEST(test_sessions)
{
	sqlite3 *db = test_memdb();
	struct websess s, found;
	char id[WSESS_ID_HEX + 1], id2[WSESS_ID_HEX + 1];
	struct err e;
	long now = 1000000;

	err_init(&e);
	ck_assert_int_eq(account_init(&e), 0);
	ck_assert_int_eq(account_add(db, "Jo Bloggs", ROLE_SUPERVISOR, "correct horse battery", &e),
			 0);
	ck_assert_int_eq(wsess_create(db, 1, now, id, &s, &e), 0);
	ck_assert_int_eq(wsess_create(db, 1, now, id2, &s, &e), 0);
	ck_assert_str_ne(id, id2);
	{
		char sql[200];

		/* Only a hash of the id is kept: the database gives no working cookie. */
		snprintf(sql, sizeof sql, "SELECT count(*) FROM web_session WHERE id_hash = '%s'", id);
		ck_assert_int_eq(test_int(db, sql), 0);
		ck_assert_int_eq(test_int(db, "SELECT count(*) FROM web_session WHERE "
					      "length(id_hash) = 64"), 2);
	}
	ck_assert_int_eq(wsess_lookup(db, id, now + 10, &found, &e), 0);
	ck_assert(found.valid);
	ck_assert_str_eq(found.name, "Jo Bloggs");
	ck_assert_int_eq(found.role, ROLE_SUPERVISOR);
	ck_assert(wsess_csrf_ok(&found, found.csrf));
	ck_assert(!wsess_csrf_ok(&found, NULL));
	ck_assert(!wsess_csrf_ok(&found, "00"));
	/* Idle too long, then past the absolute limit. */
	ck_assert_int_eq(wsess_lookup(db, id, now + WSESS_IDLE + 1, &found, &e), 0);
	ck_assert(!found.valid);
	ck_assert_int_eq(wsess_lookup(db, id2, now + WSESS_IDLE - 1, &found, &e), 0);
	ck_assert(found.valid);
	ck_assert_int_eq(wsess_lookup(db, id2, now + WSESS_ABSOLUTE + 1, &found, &e), 0);
	ck_assert(!found.valid);
	/* Not an id at all. */
	ck_assert_int_eq(wsess_lookup(db, "' OR 1=1 --", now, &found, &e), 0);
	ck_assert(!found.valid);
	ck_assert_int_eq(db_close(db, &e), 0); /* with the statements kept for it */
}
END_TEST

START_TEST(test_throttle_window)
{
	sqlite3 *db = test_memdb();
	struct err e;
	int blocked;
	long now = 1000000;

	err_init(&e);
	for (int i = 0; i < THROTTLE_ACCOUNT; i++) {
		ck_assert_int_eq(throttle_blocked(db, THROTTLE_BY_ACCOUNT, "Jo", now, &blocked, &e), 0);
		ck_assert(!blocked);
		ck_assert_int_eq(throttle_fail(db, THROTTLE_BY_ACCOUNT, "jo", now + i, &e), 0);
	}
	ck_assert_int_eq(throttle_blocked(db, THROTTLE_BY_ACCOUNT, "JO", now + 10, &blocked, &e), 0);
	ck_assert(blocked);
	ck_assert_int_eq(throttle_blocked(db, THROTTLE_BY_ADDRESS, "jo", now + 10, &blocked, &e), 0);
	ck_assert(!blocked);
	/* The window ends: allowed again, and a new failure starts a new window. */
	ck_assert_int_eq(throttle_blocked(db, THROTTLE_BY_ACCOUNT, "jo", now + THROTTLE_WINDOW + 1,
					  &blocked, &e), 0);
	ck_assert(!blocked);
	ck_assert_int_eq(throttle_fail(db, THROTTLE_BY_ACCOUNT, "jo", now + THROTTLE_WINDOW + 1, &e),
			 0);
	ck_assert_int_eq(test_int(db, "SELECT failures FROM login_throttle"), 1);
	ck_assert_int_eq(throttle_clear(db, THROTTLE_BY_ACCOUNT, "Jo", &e), 0);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM login_throttle"), 0);
	sqlite3_close(db);
}
END_TEST

/* Comms and analysts stand apart from the officer, supervisor, admin ladder. */
START_TEST(test_roles)
{
	enum role r;

	ck_assert_int_eq(role_allows(ROLE_COMMS, ROLE_COMMS), 1);
	ck_assert_int_eq(role_allows(ROLE_ADMIN, ROLE_COMMS), 1);
	ck_assert_int_eq(role_allows(ROLE_OFFICER, ROLE_COMMS), 0);
	ck_assert_int_eq(role_allows(ROLE_SUPERVISOR, ROLE_COMMS), 0);
	ck_assert_int_eq(role_allows(ROLE_ANALYST, ROLE_COMMS), 0);
	ck_assert_int_eq(role_allows(ROLE_COMMS, ROLE_OFFICER), 0);
	ck_assert_int_eq(role_allows(ROLE_COMMS, ROLE_SUPERVISOR), 0);
	ck_assert_int_eq(role_allows(ROLE_COMMS, ROLE_ADMIN), 0);
	ck_assert_int_eq(role_allows(ROLE_COMMS, ROLE_SIGNED_IN), 1);
	ck_assert_int_eq(role_allows(ROLE_NONE, ROLE_SIGNED_IN), 0);
	ck_assert_int_eq(role_allows(ROLE_SUPERVISOR, ROLE_OFFICER), 1);
	ck_assert_int_eq(role_parse("comms", &r), 0);
	ck_assert_int_eq(r, ROLE_COMMS);
	ck_assert_str_eq(role_name(ROLE_ANALYST), "analyst");
	ck_assert_int_eq(role_parse("anyone", &r), -1);
}
END_TEST

static int logo(const char *svg)
{
	const char *mime = NULL;
	struct err e;

	err_init(&e);
	return logo_check((const unsigned char *)svg, strlen(svg), &mime, &e);
}

START_TEST(test_logo_check)
{
	static const char *const hostile[] = {
		"<svg xmlns=\"http://www.w3.org/2000/svg\" onLoad=\"alert(1)\"/>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><x:script xmlns:x=\"http://www.w3.org/"
		"2000/svg\">alert(1)</x:script></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><set attributeName=\"href\" "
		"to=\"javascript:alert(1)\"/></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect style=\"fill:url(//e/x)\"/></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:l=\"http://www.w3.org/1999/xlink\">"
		"<use l:href=\"other.svg#a\"/></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><use href=\"data:image/svg+xml,x\"/></svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect fill=\"URL( http://e/)\"/></svg>",
		"<?xml-stylesheet href=\"http://e/x.css\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"<!DOCTYPE svg><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><?php echo 1 ?></svg>",
		"<svg><rect/></svg>", /* no SVG namespace */
		/* A comment to libxml2 in UTF-7, a live script to a browser reading UTF-8. */
		"<?xml version=\"1.0\" encoding=\"UTF-7\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"
		"+ADwAIQAtAC0- <script>alert(1)</script> +AC0ALQA+-</svg>",
		"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect",
		"",
	};
	const char *mime = NULL;
	struct err e;
	unsigned char png[32] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
				  'I', 'H', 'D', 'R' };

	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
		ck_assert_msg(logo(hostile[i]) == -1, "accepted: %s", hostile[i]);
	ck_assert_int_eq(logo("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
			      "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#fff\"/>"
			      "</linearGradient></defs><rect width=\"10\" height=\"10\" "
			      "fill=\"url(#g)\"/><!-- ok --></svg>"), 0);
	err_init(&e);
	ck_assert_int_eq(logo_check(png, sizeof png, &mime, &e), 0);
	ck_assert_str_eq(mime, "image/png");
}
END_TEST

START_TEST(test_multipart)
{
	static const char good[] = "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
				   "tok\r\n--B\r\nContent-Disposition: form-data; name=\"logo\"; "
				   "filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\0x"
				   "\r\n--B--\r\n";
	static const char *const bad[] = {
		"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx", /* no end */
		"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--", /* no name */
		"--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"x\"\r\n\r\n1\r\n--B\r\n"
		"Content-Disposition: form-data; name=\"b\"; filename=\"y\"\r\n\r\n2\r\n--B--",
		"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nbad\x01\r\n--B--",
		"--C\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--B--",
		"",
	};
	char boundary[80], field[64], fname[256];
	const char *file;
	size_t len;
	struct form f;

	ck_assert_int_eq(multipart_boundary("multipart/form-data; boundary=B", boundary,
					    sizeof boundary), 0);
	ck_assert_str_eq(boundary, "B");
	ck_assert_int_eq(multipart_boundary("application/x-www-form-urlencoded", boundary,
					    sizeof boundary), -1);
	ck_assert_int_eq(multipart_parse(good, sizeof good - 1, "B", &f, &file, &len, field,
					 sizeof field, fname, sizeof fname), 0);
	ck_assert_str_eq(form_get(&f, "csrf"), "tok");
	ck_assert_str_eq(field, "logo");
	ck_assert_str_eq(fname, "a.png");
	ck_assert_uint_eq(len, 6);
	ck_assert_int_eq(memcmp(file, "\x89PNG\0x", 6), 0);
	form_free(&f);
	/* A file's name longer than its buffer is refused, not cut short. */
	ck_assert_int_eq(multipart_parse(good, sizeof good - 1, "B", &f, &file, &len, field,
					 sizeof field, fname, 5), -1);
	form_free(&f);
	/* A NUL in a name (it would be cut short) and headers running over a delimiter. */
	static const char nul_name[] = "--B\r\nContent-Disposition: form-data; name=\"logo\0x\"; "
				       "filename=\"a\"\r\n\r\n1\r\n--B--";
	static const char spans[] = "--B\r\nContent-Disposition: form-data; name=\"a\r\n--B\r\n"
				    "Content-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n--B--";

	ck_assert_int_eq(multipart_parse(nul_name, sizeof nul_name - 1, "B", &f, &file, &len, field,
					 sizeof field, fname, sizeof fname), -1);
	form_free(&f);
	ck_assert_int_eq(multipart_parse(spans, sizeof spans - 1, "B", &f, &file, &len, field,
					 sizeof field, fname, sizeof fname), -1);
	form_free(&f);
	/* A parameter's name inside another's quoted value is not that parameter. */
	static const char inner[] = "--B\r\nContent-Disposition: form-data; name=\"x; filename=\"; "
				    "filename=\"f.txt\"\r\n\r\n1\r\n--B--";

	ck_assert_int_eq(multipart_parse(inner, sizeof inner - 1, "B", &f, &file, &len, field,
					 sizeof field, fname, sizeof fname), 0);
	ck_assert_str_eq(field, "x; filename=");
	ck_assert_str_eq(fname, "f.txt");
	form_free(&f);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(multipart_parse(bad[i], strlen(bad[i]), "B", &f, &file, &len, field,
					      sizeof field, fname, sizeof fname) == -1,
			      "accepted: %s", bad[i]);
		form_free(&f);
	}
}
END_TEST

START_TEST(test_accounts)
{
	sqlite3 *db = test_memdb();
	struct err e;
	long long id = 0;
	enum role role;
	char name[ENTRY_NAME_MAX + 1];

	err_init(&e);
	ck_assert_int_eq(account_init(&e), 0);
	ck_assert_int_eq(account_add(db, "  Jo Bloggs ", ROLE_OFFICER, "correct horse battery", &e),
			 0);
	ck_assert_int_eq(account_check(db, "jo bloggs", "correct horse battery", &id, &role, name,
				       &e), 1);
	ck_assert_str_eq(name, "Jo Bloggs");
	ck_assert_int_eq(role, ROLE_OFFICER);
	ck_assert_int_eq(account_check(db, "Jo Bloggs", "correct horse batterY", &id, &role, name,
				       &e), 0);
	ck_assert_int_eq(account_check(db, "Nobody", "correct horse battery", &id, &role, name, &e),
			 0);
	ck_assert_int_eq(account_add(db, "JO BLOGGS", ROLE_ADMIN, "correct horse battery", &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	err_init(&e);
	ck_assert_int_eq(account_add(db, "Sam", ROLE_ADMIN, "short", &e), -1);
	ck_assert(err_contains(&e, "shorter than 10"));
	err_init(&e);
	ck_assert_int_eq(account_add(db, "", ROLE_ADMIN, "correct horse battery", &e), -1);
	err_init(&e);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM account WHERE hash LIKE '$argon2id$%' "
				      "AND hash NOT LIKE '%correct%'"), 1);
	ck_assert_int_eq(account_disable(db, "Jo Bloggs", &e), 1);
	ck_assert_int_eq(account_disable(db, "Nobody", &e), 0);
	ck_assert_int_eq(account_check(db, "Jo Bloggs", "correct horse battery", &id, &role, name,
				       &e), 0);
	sqlite3_close(db);
}
END_TEST


/* Statements kept per connection: the same one again, a fresh one when it is taken. */
START_TEST(test_stmt_cache)
{
	static const char sql[] = "SELECT ?1 + 1";
	sqlite3 *db = test_memdb(), *other = test_memdb();
	sqlite3_stmt *a, *b, *c;
	struct err e;

	err_init(&e);
	ck_assert_ptr_nonnull(a = db_stmt(db, sql, &e));
	sqlite3_bind_int(a, 1, 41);
	ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(a, 0), 42);
	/* Taken: a query inside a query gets its own. */
	ck_assert_ptr_nonnull(b = db_stmt(db, sql, &e));
	ck_assert_ptr_ne(a, b);
	db_stmt_done(b);
	db_stmt_done(a);
	/* Given back: the same statement, reset, its bindings cleared. */
	ck_assert_ptr_nonnull(c = db_stmt(db, sql, &e));
	ck_assert(c == a || c == b);
	ck_assert_int_eq(sqlite3_step(c), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_type(c, 0), SQLITE_NULL); /* NULL + 1 */
	db_stmt_done(c);
	/* Another connection has its own. */
	ck_assert_ptr_nonnull(c = db_stmt(other, sql, &e));
	ck_assert_ptr_ne(c, a);
	ck_assert_ptr_ne(c, b);
	db_stmt_done(c);
	/* Forgotten: nothing holds the connection, which closes at once. */
	db_stmt_forget(db);
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
	ck_assert_int_eq(db_close(other, &e), 0);
}
END_TEST

/* A questionnaire is read once per version of the exercise, and again when it is reloaded. */
START_TEST(test_form_cache)
{
	sqlite3 *db = test_memdb();
	struct exercise_def *d;
	struct exercise_changes ch;
	const struct entry_form *a, *b, *er, *c;
	const struct entry_question *q;
	long long ex = 0;
	struct err e;

	err_init(&e);
	ck_assert_ptr_nonnull(d = exercise_load(SAMPLE("exercise-2019.xml"), &e));
	ck_assert_int_eq(exercise_store(db, d, &ex, &ch, &e), 0);
	exercise_def_free(d);
	ck_assert_ptr_nonnull(a = form_cache_get(db, ex, "standard", &e));
	ck_assert_ptr_nonnull(b = form_cache_get(db, ex, "standard", &e));
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_nonnull(er = form_cache_get(db, ex, "easy-read", &e));
	ck_assert_ptr_ne(er, a);
	ck_assert_str_eq(er->variant, "easy-read");
	/* The exercise loaded again with a question reworded: the new wording. */
	test_exec(db, "UPDATE question SET text = 'Reworded' WHERE code = 'UEC-WELL'; "
		      "UPDATE exercise SET definition_sha256 = 'other', "
		      "loaded_at = '2030-01-01T00:00:00Z'");
	ck_assert_ptr_nonnull(c = form_cache_get(db, ex, "standard", &e));
	ck_assert_ptr_ne(c, a);
	ck_assert_ptr_nonnull(q = entry_form_find(c, "UEC-WELL"));
	ck_assert_str_eq(q->text, "Reworded");
	ck_assert_ptr_eq(form_cache_get(db, ex, "standard", &e), c);
	/* No such questionnaire: said, not cached. */
	ck_assert_ptr_null(form_cache_get(db, ex, "large-print", &e));
	ck_assert(err_isset(&e));
	form_cache_free();
	ck_assert_int_eq(db_close(db, &e), 0);
}
END_TEST

/* Writer jobs: job k stores k; 3 fails after storing, 5 refuses after storing. */
#define NJOBS 10
static int job_rc[NJOBS];
static struct err job_err[NJOBS];

static int store_k(sqlite3 *db, void *arg, struct err *e)
{
	int k = (int)(long)arg;
	char sql[80];

	if (k == 0) {
		/* Held long enough for the others to queue behind it: one batch. */
		struct timespec ts = { 0, 300 * 1000000L };

		nanosleep(&ts, NULL);
	}
	snprintf(sql, sizeof sql, "INSERT INTO writer_t VALUES (%d)", k);
	if (db_exec(db, sql, "storing", e) < 0)
		return -1;
	if (k == 3)
		return err_set(e, EXIT_SYSTEM, "job 3 fails");
	return k == 5 ? 0 : 1;
}

static void *run_k(void *arg)
{
	int k = (int)(long)arg;

	err_init(&job_err[k]);
	job_rc[k] = writer_run(store_k, arg, &job_err[k]);
	return NULL;
}

START_TEST(test_writer_group_commit)
{
	const char *dir = test_tmpdir();
	char path[512], side[600];
	sqlite3 *db;
	pthread_t t[NJOBS];
	struct err e;
	long batches, jobs;

	err_init(&e);
	snprintf(path, sizeof path, "%s/writer.db", dir);
	ck_assert_ptr_nonnull(db = db_open(path, DB_MAY_CREATE, NULL, &e));
	test_exec(db, "CREATE TABLE writer_t (k INTEGER)");
	ck_assert_int_eq(writer_start(path, &e), 0);
	ck_assert_int_eq(pthread_create(&t[0], NULL, run_k, (void *)0L), 0);
	usleep(100 * 1000);
	for (long k = 1; k < NJOBS; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, run_k, (void *)k), 0);
	for (int k = 0; k < NJOBS; k++)
		pthread_join(t[k], NULL);
	writer_stats(&batches, &jobs);
	writer_stop();
	ck_assert_int_eq(jobs, NJOBS);
	/* Jobs 1..9 queued while job 0 ran: they were committed together. */
	ck_assert_int_le(batches, 2);
	for (int k = 0; k < NJOBS; k++)
		ck_assert_int_eq(job_rc[k], k == 3 ? -1 : k == 5 ? 0 : 1);
	ck_assert(err_contains(&job_err[3], "job 3 fails"));
	/* The failed and the refused job left nothing; every other one is stored. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM writer_t"), NJOBS - 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM writer_t WHERE k IN (3, 5)"), 0);
	/* Stopped: nothing more is taken. */
	ck_assert_int_eq(writer_run(store_k, (void *)1L, &e), -1);
	db_close(db, NULL);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	rmdir(dir);
}
END_TEST

static Suite *web_suite(void)
{
	Suite *s = suite_create("web");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_form_decoding);
	tcase_add_test(tc, test_form_check);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_html_fmt_long);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_throttle_window);
	tcase_add_test(tc, test_accounts);
	tcase_add_test(tc, test_writer_group_commit);
	tcase_add_test(tc, test_form_cache);
	tcase_add_test(tc, test_stmt_cache);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_logo_check);
	tcase_add_test(tc, test_multipart);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(web_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
