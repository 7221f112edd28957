/* check_source_xml.c: unit tests for collector/source_xform.c and source_limesurvey.c. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "source.h"
#include "utf8.h"
#include "xmlsafe.h"

#define MAXF 32	/* fields in an expected record */

/* A path under tests/fixtures/ (TALLY_FIXTURES); static storage, four in turn. */
static const char *fixture(const char *rel)
{
	static char buf[4][4096];
	static int i;
	const char *dir = getenv("TALLY_FIXTURES");

	ck_assert_msg(dir != NULL, "TALLY_FIXTURES is not set: run the tests through meson");
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, rel);
	return buf[i];
}

#define FIXTURE(rel) fixture(rel)

/* A new private temporary directory; the name is static storage. */
static const char *tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof dir, "/tmp/tally-xml-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_msg(fp != NULL, "cannot write %s", path);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The value of field `name`, or NULL when the record has no such field. */
static const char *value_of(const struct source_record *rec, const char *name)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (strcmp(rec->names[i], name) == 0)
			return rec->values[i];
	return NULL;
}

/* The record has exactly these fields, in this order: name, value, ..., NULL. */
static void expect_fields(const struct source_record *rec, const char *const *want)
{
	size_t n = 0;

	while (want[2 * n])
		n++;
	for (size_t i = 0; i < n && i < rec->nfields; i++) {
		ck_assert_msg(strcmp(rec->names[i], want[2 * i]) == 0,
			      "field %zu is '%s', want '%s'", i, rec->names[i], want[2 * i]);
		ck_assert_msg(strcmp(rec->values[i], want[2 * i + 1]) == 0,
			      "field '%s' is '%s', want '%s'", want[2 * i], rec->values[i],
			      want[2 * i + 1]);
	}
	ck_assert_uint_eq(rec->nfields, n);
}

/* Reads the next record, which must be SOURCE_RECORD. */
static void next_record(struct source *src, struct source_record *rec)
{
	struct err e;
	int rc;

	err_init(&e);
	rc = source_next(src, rec, &e);
	ck_assert_msg(rc == SOURCE_RECORD, "status %d: %s", rc, err_first(&e));
	ck_assert(!err_isset(&e));
	ck_assert_str_eq(rec->place_word, "record");
}

static void expect_eof(struct source *src)
{
	struct source_record rec;
	struct err e;

	err_init(&e);
	ck_assert_int_eq(source_next(src, &rec, &e), SOURCE_EOF);
	ck_assert(!err_isset(&e));
	/* EOF again, not a crash, when asked twice. */
	ck_assert_int_eq(source_next(src, &rec, &e), SOURCE_EOF);
}

/* ------------------------------------------------------------------ */
/* XForm                                                               */
/* ------------------------------------------------------------------ */

static const char *const ns_no_form[] = {
	"@id", "clinic_feedback",
	"@instanceID", "uuid:6f1c2a9e-0d4b-4c1e-9a57-1b2c3d4e5f60",
	"@submissionDate", "2024-03-18T10:15:02.113Z",
	"@isComplete", "true",
	"@markedAsCompleteDate", "2024-03-18T10:15:02.113Z",
	"visit_date", "2024-03-12",
	"service", "gp",
	"surgery/surgery_name", "Moss Lane Surgery",
	"surgery/wait_days", "9",
	"improvements", "parking opening_hours online_booking",
	"comments", "The receptionist was tr\xC3\xA8s helpful \xE2\x80\x93 but the wait was too "
		    "long. Diolch!",
	"postcode", "ST5 1AA",
	"meta/instanceID", "uuid:6f1c2a9e-0d4b-4c1e-9a57-1b2c3d4e5f60",
	NULL,
};

static const char *const plain_no_form[] = {
	"@id", "clinic_feedback",
	"visit_date", "2024-03-14",
	"service", "pharmacy",
	"surgery/surgery_name", "",
	"surgery/wait_days", "",
	"improvements", "",
	"comments", "Pharmacist explained my new inhaler \xE2\x98\xBA",
	"meta/instanceID", "uuid:0b8e5d1c-7f2a-4e3b-8c9d-aa11bb22cc33",
	NULL,
};

/* With the form: every form field, in form order ("postcode" is missing here). */
static const char *const plain_with_form[] = {
	"@id", "clinic_feedback",
	"visit_date", "2024-03-14",
	"service", "pharmacy",
	"surgery/surgery_name", "",
	"surgery/wait_days", "",
	"improvements", "",
	"comments", "Pharmacist explained my new inhaler \xE2\x98\xBA",
	"postcode", "",
	"meta/instanceID", "uuid:0b8e5d1c-7f2a-4e3b-8c9d-aa11bb22cc33",
	NULL,
};

static const char *const one_person_no_form[] = {
	"@id", "household_needs",
	"@instanceID", "uuid:hh-0002",
	"postcode", "ST4 2RR",
	"people/name", "Grace",
	"people/registered_gp", "yes",
	"meta/instanceID", "uuid:hh-0002",
	NULL,
};

struct xform_case {
	const char *file;
	const char *form;		/* NULL: no form definition */
	const char *const *want;	/* the one record's fields */
	const char *raw_start;
};

static const struct xform_case xform_cases[] = {
	{ "xform/clinic-feedback-submission.xml", NULL, ns_no_form, "<data id=\"clinic_feedback\"" },
	{ "xform/clinic-feedback-submission.xml", "xform/clinic-feedback.xml", ns_no_form,
	  "<data id=\"clinic_feedback\"" },
	{ "xform/plain-submission.xml", NULL, plain_no_form, "<?xml version=\"1.0\"" },
	{ "xform/plain-submission.xml", "xform/clinic-feedback.xml", plain_with_form,
	  "<?xml version=\"1.0\"" },
	{ "xform/household-one-person-submission.xml", NULL, one_person_no_form,
	  "<data id=\"household_needs\"" },
};

START_TEST(t_xform_single)
{
	const struct xform_case *c = &xform_cases[_i];
	struct source_options opt = { 0 };
	struct source src;
	struct source_record rec;
	struct err e;
	const char *path = FIXTURE(c->file);
	FILE *fp;
	char head[4096 + 1];
	size_t n;

	err_init(&e);
	if (c->form)
		opt.form_path = FIXTURE(c->form);
	ck_assert_msg(source_xform_open(path, &opt, &src, &e) == 0, "%s", err_first(&e));
	ck_assert_str_eq(src.format, "xform");
	next_record(&src, &rec);
	expect_fields(&rec, c->want);
	ck_assert_int_eq(rec.place, 1);
	ck_assert_str_eq(rec.file, path);
	ck_assert_ptr_nonnull(rec.raw);
	ck_assert_int_eq(strncmp(rec.raw, c->raw_start, strlen(c->raw_start)), 0);
	/* Small files: raw is the whole file. */
	ck_assert_ptr_nonnull(fp = fopen(path, "rb"));
	n = fread(head, 1, sizeof head - 1, fp);
	fclose(fp);
	ck_assert_uint_eq(rec.raw_len, n);
	ck_assert_int_eq(memcmp(rec.raw, head, n), 0);
	expect_eof(&src);
	source_free(&src);
	source_free(&src); /* twice is harmless */
}
END_TEST

/* A folder: three instances (one in Briefcase's uuid/submission.xml), the form skipped. */
static void check_folder(const char *form)
{
	struct source_options opt = { .form_path = form };
	struct source src;
	struct source_record rec;
	struct err e;
	static const char *const files[] = {
		"xform/folder/2024-03-18-a.xml", "xform/folder/2024-03-18-b.xml",
		"xform/folder/uuid-c3/submission.xml",
	};
	static const char *const ids[] = {
		"uuid:aaaa0001-0000-4000-8000-000000000001",
		"uuid:bbbb0002-0000-4000-8000-000000000002",
		"uuid:cccc0003-0000-4000-8000-000000000003",
	};
	static const char *const services[] = { "miu", "gp", "pharmacy" };

	err_init(&e);
	ck_assert_msg(source_xform_open(FIXTURE("xform/folder"), &opt, &src, &e) == 0, "%s",
		      err_first(&e));
	for (int i = 0; i < 3; i++) {
		char want_file[4096];

		next_record(&src, &rec);
		ck_assert_int_eq(rec.place, i + 1);
		snprintf(want_file, sizeof want_file, "%s", FIXTURE(files[i]));
		ck_assert_str_eq(rec.file, want_file);
		ck_assert_str_eq(value_of(&rec, "meta/instanceID"), ids[i]);
		ck_assert_str_eq(value_of(&rec, "@instanceID"), ids[i]);
		ck_assert_str_eq(value_of(&rec, "service"), services[i]);
		if (i == 1) {
			/* No <meta>: meta/instanceID comes from the root attribute. */
			ck_assert_str_eq(value_of(&rec, "surgery/surgery_name"),
					 "Stone Health Centre");
			ck_assert_str_eq(value_of(&rec, "improvements"),
					 "online_booking opening_hours");
			ck_assert_str_eq(value_of(&rec, "comments"), "");
			ck_assert_ptr_null(value_of(&rec, "@submissionDate"));
		}
		if (i == 2) {
			ck_assert_str_eq(value_of(&rec, "comments"),
					 "Caf\xC3\xA9-style waiting area is much nicer now.");
			ck_assert_str_eq(value_of(&rec, "@submissionDate"), "2024-03-19T14:30:00.000Z");
		}
		/* The same element fields for each record with a form. */
		if (form) {
			static const char *const fields[] = {
				"visit_date", "surgery/surgery_name", "surgery/wait_days",
				"improvements", "comments", "postcode", "meta/instanceID",
			};
			size_t attrs = 0;

			while (attrs < rec.nfields && rec.names[attrs][0] == '@')
				attrs++;
			ck_assert_uint_eq(rec.nfields - attrs, 8);
			for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
				ck_assert_ptr_nonnull(value_of(&rec, fields[f]));
			ck_assert_str_eq(rec.names[attrs + 1], "service");
			ck_assert_str_eq(rec.names[rec.nfields - 1], "meta/instanceID");
		}
	}
	expect_eof(&src);
	source_free(&src);
}

START_TEST(t_xform_folder_without_form)
{
	check_folder(NULL);
}
END_TEST

START_TEST(t_xform_folder_with_form)
{
	check_folder(FIXTURE("xform/folder/clinic-feedback.xml"));
}
END_TEST

/* Bad instances in a folder are SOURCE_BAD, one each, and reading goes on. */
START_TEST(t_xform_folder_mixed)
{
	struct source src;
	struct source_record rec;
	struct err e;
	char want[512];

	err_init(&e);
	ck_assert_msg(source_xform_open(FIXTURE("xform/folder-mixed"), NULL, &src, &e) == 0, "%s",
		      err_first(&e));
	next_record(&src, &rec);
	ck_assert_int_eq(rec.place, 1);
	ck_assert_str_eq(value_of(&rec, "meta/instanceID"), "uuid:mixed-1");

	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	ck_assert_int_eq(rec.place, 2);
	ck_assert_str_eq(rec.place_word, "record");
	ck_assert_str_eq(rec.file, FIXTURE("xform/folder-mixed/02-truncated.xml"));
	ck_assert_int_eq(e.nlines, 1);
	snprintf(want, sizeof want, "%s:5: malformed XML: ",
		 FIXTURE("xform/folder-mixed/02-truncated.xml"));
	ck_assert_msg(strncmp(err_first(&e), want, strlen(want)) == 0, "%s", err_first(&e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_ptr_nonnull(rec.raw);
	ck_assert_int_eq(strncmp(rec.raw, "<data id=\"clinic_feedback\">", 27), 0);

	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	ck_assert_int_eq(rec.place, 3);
	snprintf(want, sizeof want, "%s:2: a DOCTYPE is not allowed: DTDs and entities are "
		 "refused for safety", FIXTURE("xform/folder-mixed/03-external-entity.xml"));
	ck_assert_str_eq(err_first(&e), want);

	err_init(&e);
	next_record(&src, &rec);
	ck_assert_int_eq(rec.place, 4);
	ck_assert_str_eq(value_of(&rec, "service"), "pharmacy");
	expect_eof(&src);
	source_free(&src);
}
END_TEST

struct refusal {
	const char *file;
	const char *form;
	int status;		/* of the first source_next() */
	const char *msg;	/* the error, after "PATH" */
};

static const struct refusal refusals[] = {
	{ "xform/household-submission.xml", "xform/household-form.xml", SOURCE_BAD,
	  ": record 1: repeat group 'people' is not supported: export one row per repeat, or "
	  "store one answer per repeat with <repeat group=\"people\" mode=\"each\"/> in the "
	  "mapping" },
	{ "xform/household-submission.xml", NULL, SOURCE_BAD,
	  ": record 1: repeat group 'people' is not supported: export one row per repeat, or "
	  "store one answer per repeat with <repeat group=\"people\" mode=\"each\"/> in the "
	  "mapping" },
	/* One person: only the form can tell it is a repeat. */
	{ "xform/household-one-person-submission.xml", "xform/household-form.xml", SOURCE_BAD,
	  ": record 1: repeat group 'people' is not supported: export one row per repeat, or "
	  "store one answer per repeat with <repeat group=\"people\" mode=\"each\"/> in the "
	  "mapping" },
	{ "xform/wrong-root-submission.xml", "xform/clinic-feedback.xml", SOURCE_BAD,
	  ": record 1: the instance root is 'survey', the form's is 'data'" },
	{ "xform/other-form-submission.xml", "xform/clinic-feedback.xml", SOURCE_BAD,
	  ": record 1: the instance is of form 'flu_clinic', the form definition is "
	  "'clinic_feedback'" },
	{ "xform/household-submission.xml", "xform/clinic-feedback.xml", SOURCE_BAD,
	  ": record 1: the instance is of form 'household_needs', the form definition is "
	  "'clinic_feedback'" },
	/* A single malformed or hostile file is fatal. */
	{ "xform/external-entity-submission.xml", NULL, SOURCE_FATAL,
	  ":2: a DOCTYPE is not allowed: DTDs and entities are refused for safety" },
	{ "xform/billion-laughs-submission.xml", NULL, SOURCE_FATAL,
	  ":2: a DOCTYPE is not allowed: DTDs and entities are refused for safety" },
	{ "xform/truncated-submission.xml", NULL, SOURCE_FATAL, ":7: malformed XML: " },
	{ "xform/clinic-feedback.xml", NULL, SOURCE_FATAL,
	  " is an XForm definition, not a submission: give it as the form and the submissions "
	  "as the input" },
};

/*
 * A repeat group the mapping stores one answer per repeat of: each repeat's
 * fields given in turn under the same names, with the form or without it,
 * for two people or one; another repeat group is still refused.
 */
START_TEST(t_xform_repeat_each)
{
	static const char *const groups[] = { "people" };
	static const char *const other[] = { "people/name" };
	struct source_options opt = { 0 };
	struct source src;
	struct source_record rec;
	struct err e;

	for (int form = 0; form < 2; form++) {
		opt.form_path = form ? FIXTURE("xform/household-form.xml") : NULL;
		opt.repeat_each = groups;
		opt.nrepeat_each = 1;
		err_init(&e);
		ck_assert_msg(source_xform_open(FIXTURE("xform/household-submission.xml"), &opt, &src,
						&e) == 0, "%s", err_first(&e));
		next_record(&src, &rec);
		{
			const char *names[2] = { NULL, NULL }, *gp[2] = { NULL, NULL };
			size_t n = 0, g = 0;

			for (size_t i = 0; i < rec.nfields; i++) {
				if (!strcmp(rec.names[i], "people/name") && n < 2)
					names[n++] = rec.values[i];
				if (!strcmp(rec.names[i], "people/registered_gp") && g < 2)
					gp[g++] = rec.values[i];
			}
			ck_assert_int_eq(n, 2);
			ck_assert_int_eq(g, 2);
			ck_assert_str_eq(names[0], "Asha");
			ck_assert_str_eq(names[1], "Tomasz");
			ck_assert_str_eq(gp[0], "yes");
			ck_assert_str_eq(gp[1], "no");
		}
		ck_assert_str_eq(value_of(&rec, "postcode"), "ST4 7QB");
		source_free(&src);
	}
	opt.form_path = FIXTURE("xform/household-form.xml");
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/household-one-person-submission.xml"),
					   &opt, &src, &e), 0);
	next_record(&src, &rec);
	ck_assert_str_eq(value_of(&rec, "people/name"), "Grace");
	source_free(&src);
	/* Naming a field, not the group, flattens nothing. */
	opt.repeat_each = other;
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/household-submission.xml"), &opt, &src,
					   &e), 0);
	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	ck_assert(err_contains(&e, "repeat group 'people' is not supported"));
	source_free(&src);
}
END_TEST

/* Kobo names an instance's root unlike the form's: the id it declares decides. */
/*
 * An edited submission names the instance it replaces in meta/deprecatedID,
 * read the same from Kobo's plain <meta> and Briefcase's <n0:meta>; the
 * import follows it (tests/e2e/odk_edits.sh).
 */
START_TEST(t_xform_deprecated_id)
{
	static const char *const files[] = { "b-edit-of-a.xml", "m-edit-of-n.xml", "n-original.xml",
					     "o-edit-of-unseen.xml", "y-edit-of-erased.xml" };
	static const char *const replaced[] = {
		"uuid:5eed0001-7e11-4d2a-9b3c-0000ed170001", "uuid:5eed0008-7e11-4d2a-9b3c-0000ed170008",
		NULL, "uuid:5eed000b-7e11-4d2a-9b3c-0000ed17000b",
		"uuid:5eed0005-7e11-4d2a-9b3c-0000ed170005",
	};
	struct source src;
	struct source_record rec;
	struct err e;
	char want[4096];

	err_init(&e);
	ck_assert_msg(source_xform_open(FIXTURE("xform/edits/second"), NULL, &src, &e) == 0, "%s",
		      err_first(&e));
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		next_record(&src, &rec);
		snprintf(want, sizeof want, "%s/%s", FIXTURE("xform/edits/second"), files[i]);
		ck_assert_str_eq(rec.file, want);
		ck_assert_ptr_nonnull(value_of(&rec, "meta/instanceID"));
		if (replaced[i])
			ck_assert_str_eq(value_of(&rec, "meta/deprecatedID"), replaced[i]);
		else
			ck_assert_ptr_null(value_of(&rec, "meta/deprecatedID"));
	}
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_EOF);
	source_free(&src);
}
END_TEST

START_TEST(t_xform_root_by_id)
{
	struct source_options opt = { 0 };
	struct source src;
	struct source_record rec;
	struct err e;

	err_init(&e);
	opt.form_path = FIXTURE("xform/clinic-feedback.xml");
	ck_assert_msg(source_xform_open(FIXTURE("xform/short-root-submission.xml"), &opt, &src,
					&e) == 0, "%s", err_first(&e));
	ck_assert_msg(source_next(&src, &rec, &e) == SOURCE_RECORD, "%s", err_first(&e));
	ck_assert_str_eq(value_of(&rec, "visit_date"), "2024-03-14");
	ck_assert_str_eq(value_of(&rec, "@id"), "clinic_feedback");
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(t_xform_refused)
{
	const struct refusal *c = &refusals[_i];
	struct source_options opt = { 0 };
	struct source src;
	struct source_record rec;
	struct err e;
	const char *path = FIXTURE(c->file);
	char want[1024];

	err_init(&e);
	if (c->form)
		opt.form_path = FIXTURE(c->form);
	ck_assert_msg(source_xform_open(path, &opt, &src, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(source_next(&src, &rec, &e), c->status);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	snprintf(want, sizeof want, "%s%s", path, c->msg);
	ck_assert_msg(strncmp(err_first(&e), want, strlen(want)) == 0, "got '%s', want '%s'",
		      err_first(&e), want);
	ck_assert_int_eq(rec.place, 1);
	ck_assert_str_eq(rec.file, path);
	/* Nothing from /etc/passwd anywhere. */
	ck_assert(!err_contains(&e, "root:"));
	if (c->status == SOURCE_BAD)
		expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(t_xform_open_errors)
{
	struct source_options opt = { 0 };
	struct source src;
	struct err e;
	char want[4096];
	const char *dir = tmpdir();
	char path[256];

	/* A missing path is a command-line error. */
	err_init(&e);
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/no-such.xml"), NULL, &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	snprintf(want, sizeof want, "cannot open %s: No such file or directory",
		 FIXTURE("xform/no-such.xml"));
	ck_assert_str_eq(err_first(&e), want);
	ck_assert_ptr_null(src.state);

	/* An empty folder. */
	err_init(&e);
	ck_assert_int_eq(source_xform_open(dir, NULL, &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	snprintf(want, sizeof want, "%s has no XML submissions", dir);
	ck_assert_str_eq(err_first(&e), want);

	/* A folder holding only the form definition (and other files). */
	snprintf(path, sizeof path, "%s/form.xml", dir);
	write_file(path, "<h:html xmlns:h=\"http://www.w3.org/1999/xhtml\"><h:head><model>"
		   "<instance><data id=\"x\"><a/></data></instance></model></h:head></h:html>");
	snprintf(path, sizeof path, "%s/notes.csv", dir);
	write_file(path, "not,xml\n");
	err_init(&e);
	ck_assert_int_eq(source_xform_open(dir, NULL, &src, &e), -1);
	ck_assert_str_eq(err_first(&e), want);

	/* A form that is not an XForm. */
	err_init(&e);
	opt.form_path = FIXTURE("xform/plain-submission.xml");
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/clinic-feedback-submission.xml"), &opt,
					   &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	snprintf(want, sizeof want, "%s is not an XForm definition: it has no "
		 "<h:html><h:head><model><instance>", opt.form_path);
	ck_assert_str_eq(err_first(&e), want);

	/* A hostile form definition. */
	err_init(&e);
	opt.form_path = FIXTURE("xform/external-entity-submission.xml");
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/clinic-feedback-submission.xml"), &opt,
					   &src, &e), -1);
	ck_assert(err_contains(&e, "a DOCTYPE is not allowed"));

	/* A missing form. */
	err_init(&e);
	opt.form_path = FIXTURE("xform/no-such-form.xml");
	ck_assert_int_eq(source_xform_open(FIXTURE("xform/clinic-feedback-submission.xml"), &opt,
					   &src, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	remove_tree(dir);
}
END_TEST

/* Many instances: all read, in name order; raw is cut on a UTF-8 boundary. */
START_TEST(t_xform_many)
{
	const char *dir = tmpdir();
	char path[256], text[8192];
	struct source src;
	struct source_record rec;
	struct err e;
	long n = 0;

	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof path, "%s/sub-%04d.xml", dir, i);
		snprintf(text, sizeof text, "<data id=\"clinic_feedback\" instanceID=\"uuid:%d\">"
			 "<service>gp</service><comments>visit %d</comments></data>", i, i);
		write_file(path, text);
	}
	/* A big instance: 'é' (2 bytes) from byte 1 on, so byte 4096 is mid-character. */
	snprintf(path, sizeof path, "%s/sub-9999.xml", dir);
	strcpy(text, "<data id=\"clinic_feedback\"><comments>");
	for (size_t len = strlen(text); len < 6000; len += 2)
		strcat(text, "\xC3\xA9");
	strcat(text, "</comments></data>");
	ck_assert_int_eq(strlen("<data id=\"clinic_feedback\"><comments>") % 2, 1);
	write_file(path, text);

	err_init(&e);
	ck_assert_msg(source_xform_open(dir, NULL, &src, &e) == 0, "%s", err_first(&e));
	for (;;) {
		int rc = source_next(&src, &rec, &e);
		char want[32];

		if (rc == SOURCE_EOF)
			break;
		ck_assert_int_eq(rc, SOURCE_RECORD);
		ck_assert_int_eq(rec.place, n + 1);
		if (n < 300) {
			snprintf(want, sizeof want, "visit %ld", n);
			ck_assert_str_eq(value_of(&rec, "comments"), want);
			snprintf(want, sizeof want, "uuid:%ld", n);
			ck_assert_str_eq(value_of(&rec, "meta/instanceID"), want);
		} else {
			ck_assert_uint_eq(rec.raw_len, 4095);
			ck_assert(utf8_check(rec.raw, rec.raw_len, NULL));
			ck_assert_uint_eq(strlen(value_of(&rec, "comments")), 5964);
		}
		n++;
	}
	ck_assert_int_eq(n, 301);
	source_free(&src);
	remove_tree(dir);
}
END_TEST

/* ------------------------------------------------------------------ */
/* LimeSurvey                                                          */
/* ------------------------------------------------------------------ */

static const char *const ls_names[] = {
	"id", "submitdate", "lastpage", "startlanguage", "seed", "token",
	"service", "service[other]",
	"improve[SQ001]", "improve[SQ002]", "improve[SQ003]", "improve[other]",
	"comments", "rating", "rating[comment]",
	"access[ramp]", "access[ramp][comment]", "access[loop]", "access[loop][comment]",
	"diet[SQ001][1]", "diet[SQ001][2]", "priority[1]", "priority[2]",
};

#define LS_NF (sizeof ls_names / sizeof ls_names[0])

static const char *const ls_rows[3][LS_NF] = {
	{ "1", "2024-03-20 09:12:44", "3", "en", "1804289383", "",
	  "A2", "", "Y", "", "Y", "Evening clinics",
	  "Staff at Leek Moorlands were lovely \xE2\x80\x94 thank you", "4", "",
	  "Y", "The ramp is steep", "", "", "A1", "A3", "parking", "waits" },
	{ "2", "2024-03-21 17:40:03", "3", "cy", "846930886", "",
	  "-oth-", "Deintydd / dentist", "", "Y", "", "",
	  "Diolch yn fawr \xE2\x80\x93 roedd y nyrs yn garedig iawn. G\xC5\xB5yl Dewi hapus!",
	  "5", "Quick & kind <3", "", "", "Y", "Worked well in the pharmacy", "", "", "", "" },
	{ "3", "", "1", "en", "1681692777", "", "A1",
	  "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "" },
};

struct ls_case {
	const char *structure;	/* NULL: look for survey_512345.lss next to the .lsr */
};

static const struct ls_case ls_cases[] = {
	{ "limesurvey/survey_512345.lss" },
	{ "limesurvey/survey_512345-legacy.lss" },
	{ NULL },
};

START_TEST(t_ls_with_structure)
{
	struct source_options opt = { 0 };
	struct source src;
	struct source_record rec;
	struct err e;
	const char *path = FIXTURE("limesurvey/survey_512345_responses.lsr");

	if (ls_cases[_i].structure)
		opt.structure = FIXTURE(ls_cases[_i].structure);
	err_init(&e);
	ck_assert_msg(source_limesurvey_open(path, &opt, &src, &e) == 0, "%s", err_first(&e));
	ck_assert_str_eq(src.format, "limesurvey");
	for (int r = 0; r < 3; r++) {
		next_record(&src, &rec);
		ck_assert_int_eq(rec.place, r + 1);
		ck_assert_str_eq(rec.file, path);
		ck_assert_uint_eq(rec.nfields, LS_NF);
		for (size_t i = 0; i < LS_NF; i++) {
			ck_assert_str_eq(rec.names[i], ls_names[i]);
			ck_assert_msg(strcmp(rec.values[i], ls_rows[r][i]) == 0,
				      "record %d %s: '%s', want '%s'", r + 1, ls_names[i],
				      rec.values[i], ls_rows[r][i]);
		}
		if (r == 2) {
			ck_assert_str_eq(rec.raw, "3,,1,en,1681692777,,A1,,,,,,,,,,,,,,,,");
			ck_assert_uint_eq(rec.raw_len, strlen(rec.raw));
		}
	}
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(t_ls_without_structure)
{
	struct source src;
	struct source_record rec;
	struct err e;
	static const char *const r1[] = {
		"id", "1", "submitdate", "2024-05-01 12:00:00", "777001X1X1", "A1",
		"777001X1X2SQ001", "Y", "777001X1X2SQ002", "", NULL,
	};
	static const char *const r2[] = {
		"id", "2", "submitdate", "2024-05-02 08:30:00", "777001X1X1", "A2",
		"777001X1X2SQ001", "", "777001X1X2SQ002", "Y", NULL,
	};

	err_init(&e);
	ck_assert_msg(source_limesurvey_open(
			      FIXTURE("limesurvey/no-structure/survey_777001_responses.lsr"), NULL,
			      &src, &e) == 0, "%s", err_first(&e));
	next_record(&src, &rec);
	expect_fields(&rec, r1);
	ck_assert_str_eq(rec.raw, "1,2024-05-01 12:00:00,A1,Y,");
	next_record(&src, &rec);
	expect_fields(&rec, r2);
	ck_assert_int_eq(rec.place, 2);
	expect_eof(&src);
	source_free(&src);
}
END_TEST

START_TEST(t_ls_record_errors)
{
	struct source src;
	struct source_record rec;
	struct err e;
	char want[1024];
	const char *path = FIXTURE("limesurvey/unlisted-field.lsr");

	/* An element that is not a column: that record only. */
	err_init(&e);
	ck_assert_msg(source_limesurvey_open(path, NULL, &src, &e) == 0, "%s", err_first(&e));
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_BAD);
	snprintf(want, sizeof want, "%s: record 1: field '_512345X10X199' is not listed in "
		 "<fields>", path);
	ck_assert_str_eq(err_first(&e), want);
	ck_assert_int_eq(e.nlines, 1);
	ck_assert_int_eq(rec.place, 1);
	ck_assert_str_eq(rec.place_word, "record");
	ck_assert_ptr_nonnull(rec.raw);
	ck_assert_int_eq(strncmp(rec.raw, "1,2024-03-20 09:12:44,3,en,", 27), 0);
	err_init(&e);
	next_record(&src, &rec);
	ck_assert_int_eq(rec.place, 2);
	/* The sibling survey_512345.lss named the columns. */
	ck_assert_str_eq(value_of(&rec, "service"), "A1");
	expect_eof(&src);
	source_free(&src);

	/*
	 * Malformed XML in record 60, line 67: fatal, with the line. The reader
	 * parses a few KB ahead, so the rows just before the error may not be
	 * given out; those that are, are whole and right.
	 */
	path = FIXTURE("limesurvey/malformed.lsr");
	err_init(&e);
	ck_assert_msg(source_limesurvey_open(path, NULL, &src, &e) == 0, "%s", err_first(&e));
	for (;;) {
		char comment[80];
		int rc = source_next(&src, &rec, &e);

		if (rc == SOURCE_FATAL)
			break;
		ck_assert_int_eq(rc, SOURCE_RECORD);
		snprintf(comment, sizeof comment,
			 "Comment %ld about the pharmacy opening hours and parking", rec.place);
		ck_assert_str_eq(value_of(&rec, "comments"), comment);
		ck_assert_int_lt(rec.place, 60);
	}
	ck_assert_int_ge(rec.place, 50);
	ck_assert_int_le(rec.place, 60);
	snprintf(want, sizeof want, "%s:67: malformed XML: opening and ending tag mismatch", path);
	ck_assert_msg(strncmp(err_first(&e), want, strlen(want)) == 0, "%s", err_first(&e));
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_int_eq(e.nlines, 1);
	/* Nothing more after a fatal error. */
	err_init(&e);
	ck_assert_int_eq(source_next(&src, &rec, &e), SOURCE_EOF);
	source_free(&src);
}
END_TEST

struct ls_refusal {
	const char *file;
	const char *structure;
	enum exit_code code;
	const char *msg;	/* %1$s: the file, %2$s: the structure */
};

static const struct ls_refusal ls_refusals[] = {
	{ "limesurvey/not-limesurvey.xml", NULL, EXIT_DATA,
	  "@F is not a LimeSurvey response export (.lsr)" },
	{ "limesurvey/survey_512345.lss", NULL, EXIT_DATA,
	  "@F is not a LimeSurvey response export (.lsr)" },
	{ "xform/clinic-feedback-submission.xml", NULL, EXIT_DATA,
	  "@F is not a LimeSurvey response export (.lsr)" },
	{ "limesurvey/survey_512345_responses.lsr", "limesurvey/other-survey.lss", EXIT_DATA,
	  "@S is the structure of survey 600001, but @F holds responses to survey 512345" },
	{ "limesurvey/survey_512345_responses.lsr", "limesurvey/survey_512345_responses.lsr",
	  EXIT_DATA, "@S is not a LimeSurvey survey structure (.lss)" },
	{ "limesurvey/doctype.lsr", NULL, EXIT_DATA,
	  "@F:2: a DOCTYPE is not allowed: DTDs and entities are refused for safety" },
	{ "limesurvey/no-such.lsr", NULL, EXIT_USAGE,
	  "cannot open @F: No such file or directory" },
	{ "limesurvey/survey_512345_responses.lsr", "limesurvey/no-such.lss", EXIT_USAGE,
	  "cannot open @S: No such file or directory" },
	{ "limesurvey/truncated-head.lsr", NULL, EXIT_DATA, "@F:5: malformed XML: " },
	/* The root is checked first. */
	{ "xform/truncated-submission.xml", NULL, EXIT_DATA,
	  "@F is not a LimeSurvey response export (.lsr)" },
};

/* tmpl with @F and @S replaced by the paths. */
static void expand(char *out, size_t n, const char *tmpl, const char *f, const char *s)
{
	size_t len = 0;

	for (const char *p = tmpl; *p && len + 1 < n; p++) {
		const char *put = NULL;

		if (p[0] == '@' && p[1] == 'F')
			put = f;
		else if (p[0] == '@' && p[1] == 'S')
			put = s;
		if (put) {
			len += (size_t)snprintf(out + len, n - len, "%s", put);
			p++;
		} else {
			out[len++] = *p;
		}
	}
	out[len < n ? len : n - 1] = '\0';
}

START_TEST(t_ls_refused)
{
	const struct ls_refusal *c = &ls_refusals[_i];
	struct source_options opt = { 0 };
	struct source src;
	struct err e;
	char want[2048];
	const char *path = FIXTURE(c->file);

	if (c->structure)
		opt.structure = FIXTURE(c->structure);
	expand(want, sizeof want, c->msg, path, opt.structure ? opt.structure : "");
	err_init(&e);
	ck_assert_int_eq(source_limesurvey_open(path, &opt, &src, &e), -1);
	ck_assert_int_eq(e.code, c->code);
	ck_assert_msg(strncmp(err_first(&e), want, strlen(want)) == 0, "got '%s', want '%s'",
		      err_first(&e), want);
	ck_assert(!err_contains(&e, "root:"));
	ck_assert_ptr_null(src.state);
}
END_TEST

START_TEST(t_ls_empty_export)
{
	struct source src;
	struct err e;

	err_init(&e);
	ck_assert_msg(source_limesurvey_open(FIXTURE("limesurvey/empty-export.lsr"), NULL, &src,
					     &e) == 0, "%s", err_first(&e));
	expect_eof(&src);
	source_free(&src);
}
END_TEST

/* A larger export read a row at a time; a long value is cut on a boundary in raw. */
START_TEST(t_ls_many_rows)
{
	const char *dir = tmpdir();
	char path[256];
	FILE *fp;
	struct source src;
	struct source_record rec;
	struct err e;
	long n = 0;
	int rc;

	snprintf(path, sizeof path, "%s/survey_512345_responses.lsr", dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document><LimeSurveyDocType>Responses"
	      "</LimeSurveyDocType><responses><fields><fieldname>id</fieldname>"
	      "<fieldname>512345X10X103</fieldname></fields><rows>\n", fp);
	for (int i = 1; i <= 20000; i++)
		fprintf(fp, "<row><id><![CDATA[%d]]></id><_512345X10X103><![CDATA[comment %d]]>"
			"</_512345X10X103></row>\n", i, i);
	fputs("<row><id><![CDATA[20001]]></id><_512345X10X103><![CDATA[", fp);
	for (int i = 0; i < 3000; i++)
		fputs("\xE2\x82\xAC", fp); /* the euro sign, 3 bytes */
	fputs("]]></_512345X10X103></row>\n</rows></responses></document>\n", fp);
	ck_assert_int_eq(fclose(fp), 0);

	err_init(&e);
	ck_assert_msg(source_limesurvey_open(path, NULL, &src, &e) == 0, "%s", err_first(&e));
	while ((rc = source_next(&src, &rec, &e)) == SOURCE_RECORD) {
		char want[32];

		n++;
		ck_assert_int_eq(rec.place, n);
		/* No .lss next to it: raw column names. */
		ck_assert_str_eq(rec.names[1], "512345X10X103");
		if (n <= 20000) {
			snprintf(want, sizeof want, "comment %ld", n);
			ck_assert_str_eq(rec.values[1], want);
		} else {
			ck_assert_uint_eq(strlen(rec.values[1]), 9000);
			/* "20001," then 4090 bytes of whole euro signs: 4095 of 4096. */
			ck_assert_uint_eq(rec.raw_len, 6 + 4089);
			ck_assert(utf8_check(rec.raw, rec.raw_len, NULL));
		}
	}
	ck_assert_int_eq(rc, SOURCE_EOF);
	ck_assert_int_eq(n, 20001);
	source_free(&src);
	remove_tree(dir);
}
END_TEST

Suite *source_xml_suite(void);

Suite *source_xml_suite(void)
{
	Suite *s = suite_create("source_xml");
	TCase *tx = tcase_create("xform");
	TCase *tl = tcase_create("limesurvey");

	tcase_set_timeout(tx, 60);
	tcase_set_timeout(tl, 60);
	tcase_add_loop_test(tx, t_xform_single, 0,
			    (int)(sizeof xform_cases / sizeof xform_cases[0]));
	tcase_add_test(tx, t_xform_folder_without_form);
	tcase_add_test(tx, t_xform_folder_with_form);
	tcase_add_test(tx, t_xform_folder_mixed);
	tcase_add_test(tx, t_xform_deprecated_id);
	tcase_add_test(tx, t_xform_repeat_each);
	tcase_add_loop_test(tx, t_xform_refused, 0, (int)(sizeof refusals / sizeof refusals[0]));
	tcase_add_test(tx, t_xform_open_errors);
	tcase_add_test(tx, t_xform_root_by_id);
	tcase_add_test(tx, t_xform_many);
	suite_add_tcase(s, tx);

	tcase_add_loop_test(tl, t_ls_with_structure, 0,
			    (int)(sizeof ls_cases / sizeof ls_cases[0]));
	tcase_add_test(tl, t_ls_without_structure);
	tcase_add_test(tl, t_ls_record_errors);
	tcase_add_loop_test(tl, t_ls_refused, 0,
			    (int)(sizeof ls_refusals / sizeof ls_refusals[0]));
	tcase_add_test(tl, t_ls_empty_export);
	tcase_add_test(tl, t_ls_many_rows);
	suite_add_tcase(s, tl);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(source_xml_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	xmlsafe_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
