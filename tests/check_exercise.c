/* Exercise definitions: the sample, every kind of bad definition, reloading. */
#include <string.h>

#include "exercise.h"
#include "testutil.h"

#define HEAD "<exercise code=\"t\"><title>T</title><opens>2019-06-03</opens><closes>2019-08-25</closes>\n"
#define DISTRICTS "<districts><district code=\"E07000192\">Cannock Chase</district><district code=\"E07000199\">Tamworth</district></districts>\n"
#define EVENT(code, district, date) "<event code=\"" code "\" kind=\"roadshow\" district=\"" district "\" date=\"" date "\"><title>Roadshow</title><venue>Library</venue></event>"
#define EVENTS "<events>" EVENT("LE1", "E07000192", "2019-06-04") "</events>\n"
#define Q1 "<question code=\"Q1\" type=\"free-text\" polarity=\"works-well\"><text>What works well?</text></question>\n"
#define SAT "<question code=\"SAT\" type=\"single-choice\"><text>Satisfied?</text><option code=\"yes\">Yes</option><option code=\"no\">No</option></question>\n"
#define STD_OPEN "<questionnaire variant=\"standard\" code=\"main\"><title>Main</title>\n"
#define STD STD_OPEN Q1 SAT "</questionnaire>\n"
#define ER_OPEN "<questionnaire variant=\"easy-read\" code=\"er\"><title>Easy</title>\n"
#define E1 "<question code=\"E1\" maps-to=\"Q1\" type=\"free-text\"><text>What is good?</text></question>\n"
#define ER ER_OPEN E1 "</questionnaire>\n"
#define TAIL "</exercise>\n"
#define GOOD HEAD DISTRICTS EVENTS STD ER TAIL
/* Areas other than English districts. */
#define AREAS(x) "<areas>" x "</areas>\n"
#define WM_REGION "<area code=\"E12000005\" name=\"West Midlands\"><includes district=\"E07000195\"/><includes district=\"E07000198\"/></area>"
#define GRAMPIAN "<area code=\"S08000020\" name=\"Grampian\" includes=\"S12000033 S12000034 S12000020\"/>"
#define AREA_EVENT(code, area) "<events><event code=\"" code "\" kind=\"roadshow\" area=\"" area "\" date=\"2019-06-04\"><title>Roadshow</title><venue>Library</venue></event></events>\n"

static struct exercise_def *parse(const char *xml, struct err *e)
{
	err_init(e);
	return exercise_parse(xml, strlen(xml), "t.xml", e);
}

START_TEST(test_sample_loads)
{
	struct err e;
	struct exercise_def *d;
	int listening = 0, roadshows = 0;

	err_init(&e);
	d = exercise_load(SAMPLE("exercise-2019.xml"), &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_str_eq(d->code, "twb-2019");
	ck_assert_int_eq(d->ndistricts, 9);
	ck_assert_int_eq(d->nevents, 23);
	for (size_t i = 0; i < d->nevents; i++) {
		listening += strcmp(d->events[i].kind, "listening-event") == 0;
		roadshows += strcmp(d->events[i].kind, "roadshow") == 0;
	}
	ck_assert_int_eq(listening, 13);
	ck_assert_int_eq(roadshows, 10);
	/* Every district has at least one event. */
	for (size_t i = 0; i < d->ndistricts; i++) {
		int n = 0;

		for (size_t j = 0; j < d->nevents; j++)
			n += strcmp(d->events[j].district, d->districts[i].code) == 0;
		ck_assert_msg(n > 0, "no event in %s", d->districts[i].name);
	}
	ck_assert(d->easy_read.present);
	for (size_t i = 0; i < d->easy_read.nquestions; i++)
		ck_assert_ptr_nonnull(exercise_find_question(&d->standard,
							     d->easy_read.questions[i].maps_to));
	ck_assert_int_eq(strlen(d->sha256), SHA256_HEX_LEN);
	exercise_def_free(d);
}
END_TEST

START_TEST(test_minimal_loads)
{
	struct err e;
	struct exercise_def *d = parse(GOOD, &e);

	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_str_eq(d->double_entry, "optional");
	ck_assert(d->outward_share_threshold > 0.79 && d->outward_share_threshold < 0.81);
	ck_assert_str_eq(d->standard.questions[0].polarity, "works-well");
	ck_assert_str_eq(d->standard.questions[1].polarity, "none");
	ck_assert_int_eq(d->events[0].line, 3);
	exercise_def_free(d);
}
END_TEST

static const struct bad_case {
	const char *name;
	const char *xml;
	enum exit_code code;
	const char *needle;
} bad_cases[] = {
	{ "malformed", HEAD DISTRICTS "<events>\n</exercise>\n", EXIT_DATA, "t.xml:4: malformed XML: opening and ending tag mismatch: events line 3 and exercise" },
	{ "empty", "", EXIT_DATA, "t.xml" },
	{ "not the schema", HEAD DISTRICTS "<events><event code=\"LE1\" kind=\"party\" district=\"E07000192\" date=\"2019-06-04\"><title>x</title><venue>y</venue></event></events>\n" STD TAIL,
	  EXIT_DATA, "t.xml:3:" },
	{ "unknown element", HEAD DISTRICTS EVENTS "<venue>stray</venue>\n" STD TAIL, EXIT_DATA, "t.xml:4:" },
	{ "event in unknown district", HEAD DISTRICTS "<events>" EVENT("LE1", "E07000198", "2019-06-04") "</events>\n" STD TAIL,
	  EXIT_DATA, "t.xml:3: event 'LE1' is in district 'E07000198', which is not listed in <districts>" },
	{ "duplicate event", HEAD DISTRICTS "<events>" EVENT("LE1", "E07000192", "2019-06-04") "\n" EVENT("LE1", "E07000199", "2019-06-05") "</events>\n" STD TAIL,
	  EXIT_DATA, "t.xml:4: event code 'LE1' is used twice (first on line 3)" },
	{ "event outside the dates", HEAD DISTRICTS "<events>" EVENT("LE1", "E07000192", "2019-09-01") "</events>\n" STD TAIL,
	  EXIT_DATA, "t.xml:3: event 'LE1' on 2019-09-01 is outside the exercise" },
	{ "impossible date", HEAD DISTRICTS "<events>" EVENT("LE1", "E07000192", "2019-02-30") "</events>\n" STD TAIL,
	  EXIT_DATA, "t.xml:3:" },
	{ "closes before opens", "<exercise code=\"t\"><title>T</title><opens>2019-08-25</opens><closes>2019-06-03</closes>\n" DISTRICTS "<events/>\n" STD TAIL,
	  EXIT_DATA, "closes (2019-06-03) before it opens" },
	{ "duplicate district", "<exercise code=\"t\"><title>T</title><opens>2019-06-03</opens><closes>2019-08-25</closes>\n<districts><district code=\"E07000192\">A</district>\n<district code=\"E07000192\">B</district></districts>\n" EVENTS STD TAIL,
	  EXIT_DATA, "t.xml:3: district 'E07000192' is listed twice" },
	{ "duplicate question", HEAD DISTRICTS EVENTS STD_OPEN Q1 SAT Q1 "</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:7: question code 'Q1' is used twice in the standard questionnaire (first on line 5)" },
	{ "duplicate option", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"S\" type=\"single-choice\"><text>S?</text><option code=\"a\">A</option>\n<option code=\"a\">B</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:6: option code 'a' is used twice in question 'S'" },
	{ "scale backwards", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"R\" type=\"scale\" min=\"5\" max=\"1\"><text>Rate</text></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:5: question 'R': min 5 must be below max 1" },
	{ "scale option out of range", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"R\" type=\"scale\" min=\"0\" max=\"10\"><text>Rate</text>\n<option code=\"11\">Best</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:6: question 'R' is a scale from 0 to 10, so option code '11'" },
	{ "standard question maps", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"Q1\" maps-to=\"Q2\" type=\"free-text\"><text>Q</text></question>\n" "</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:5:" },
	{ "no easy read is fine", HEAD DISTRICTS EVENTS STD TAIL, EXIT_OK, NULL },
	{ "easy read maps to nothing", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E1\" maps-to=\"Q9\" type=\"free-text\"><text>Good?</text></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:9: Easy Read question 'E1' maps to 'Q9', which is not a question of the standard questionnaire" },
	{ "easy read option maps to nothing", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E2\" maps-to=\"SAT\" type=\"single-choice\"><text>Happy?</text>\n<option code=\"good\" maps-to=\"maybe\" picture=\"smiling face\">Good</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:10: Easy Read option 'good' maps to 'maybe', which is not an option of question 'SAT'" },
	{ "easy read option without mapping", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E2\" maps-to=\"SAT\" type=\"single-choice\"><text>Happy?</text>\n<option code=\"good\">Good</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:10: Easy Read option 'good' of question 'E2' needs maps-to" },
	{ "easy read type mismatch", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E2\" maps-to=\"Q1\" type=\"single-choice\"><text>Happy?</text><option code=\"good\" maps-to=\"yes\">Good</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:9: Easy Read question 'E2' (single-choice) cannot map to 'Q1' (free-text)" },
	{ "easy read several ticks into one", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E2\" maps-to=\"SAT\" type=\"multiple-choice\"><text>Happy?</text><option code=\"good\" maps-to=\"yes\">Good</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "cannot map to 'SAT' (single-choice)" },
	{ "two easy read onto one", HEAD DISTRICTS EVENTS STD ER_OPEN E1 "<question code=\"E9\" maps-to=\"Q1\" type=\"free-text\"><text>Good?</text></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:10: Easy Read questions 'E1' and 'E9' both map to 'Q1'" },
	{ "standard option maps", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"S\" type=\"single-choice\"><text>S?</text>\n<option code=\"a\" maps-to=\"b\">A</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:6: option 'a' of standard question 'S' has maps-to" },
	{ "doctype with external entity", "<?xml version=\"1.0\"?>\n<!DOCTYPE exercise [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n" GOOD,
	  EXIT_DATA, "t.xml:2: a DOCTYPE is not allowed" },
	{ "billion laughs", "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n<exercise code=\"t\"><title>&lol3;</title></exercise>\n",
	  EXIT_DATA, "a DOCTYPE is not allowed" },
	{ "invalid UTF-8", HEAD DISTRICTS "<events>" "<event code=\"LE1\" kind=\"roadshow\" district=\"E07000192\" date=\"2019-06-04\"><title>Caf\xe9</title><venue>y</venue></event></events>\n" STD TAIL,
	  EXIT_DATA, "invalid UTF-8 at byte" },
	{ "gzip", "\x1f\x8b\x08\x00\x00\x00\x00\x00", EXIT_DATA, "gzip-compressed" },
	/* Areas: any short code; ONS-shaped codes of a kind this tool knows. */
	{ "region with districts", HEAD AREAS(WM_REGION) AREA_EVENT("LE1", "E12000005") STD TAIL,
	  EXIT_OK, NULL },
	{ "health board", HEAD AREAS(GRAMPIAN) "<events/>\n" STD TAIL, EXIT_OK, NULL },
	{ "nation", HEAD AREAS("<area code=\"W92000004\">Wales</area>") "<events/>\n" STD TAIL,
	  EXIT_OK, NULL },
	{ "outside the UK", HEAD AREAS("<area code=\"IE-DUB\">Dublin</area><area code=\"FR_75\">Paris</area>")
	  AREA_EVENT("LE1", "FR_75") STD TAIL, EXIT_OK, NULL },
	{ "region as a district", HEAD "<districts><district code=\"E12000005\" includes=\"E07000195\" name=\"West Midlands\"/></districts>\n<events/>\n" STD TAIL,
	  EXIT_OK, NULL },
	{ "unknown ONS kind", HEAD AREAS("<area code=\"E99000001\">Nowhere</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area code E99000001: E99 is not an ONS area kind this tool knows; known: E06 unitary authority, E07 non-metropolitan district, E08 metropolitan district, E09 London borough, E10 county" },
	{ "unknown ONS kind, as a district", HEAD "<districts><district code=\"W99000001\">Nowhere</district></districts>\n<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: district code W99000001: W99 is not an ONS area kind this tool knows; known: W06 unitary authority, W11 local health board, W92 Wales" },
	{ "area code with a space", HEAD AREAS("<area code=\"NHS FV\">Forth Valley</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area code NHS FV: is not an area code: use letters, digits, '-' or '_', 1 to 15 characters" },
	{ "area code too long", HEAD AREAS("<area code=\"NHS-FORTH-VALLEY\">Forth Valley</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "is not an area code" },
	{ "ONS code in small letters", HEAD AREAS("<area code=\"e07000192\">Cannock Chase</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "area code e07000192: looks like an ONS code: write its letter as a capital" },
	{ "region without its districts", HEAD AREAS("<area code=\"E12000005\">West Midlands</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area E12000005 (E12 region) is bigger than a district: list the districts it includes" },
	{ "included twice in one area", HEAD AREAS("<area code=\"E54000010\" name=\"Staffordshire ICB\" includes=\"E07000192 E07000192\"/>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area E54000010 includes district E07000192 twice" },
	{ "includes a county", HEAD AREAS("<area code=\"E12000005\" name=\"West Midlands\"><includes district=\"E10000028\"/></area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area E12000005 includes 'E10000028', which is not a local authority district code (E06, E07, E08, E09, W06, S12, N09 and eight digits)" },
	{ "district includes", HEAD AREAS("<area code=\"E07000192\" name=\"Cannock Chase\" includes=\"E07000195\"/>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "area E07000192 is a local authority district (E07): it includes no other" },
	{ "included twice", HEAD AREAS(WM_REGION "\n<area code=\"NHS-NS\" name=\"North Staffs\" includes=\"E07000198\"/>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:3: district E07000198 is included in area E12000005 and in area NHS-NS" },
	{ "included and listed", HEAD AREAS(WM_REGION "\n<area code=\"E07000195\">Newcastle-under-Lyme</area>") "<events/>\n" STD TAIL,
	  EXIT_DATA, "t.xml:2: area E12000005 includes E07000195, which is itself in <areas>" },
	{ "event in unknown area", HEAD AREAS(GRAMPIAN) AREA_EVENT("LE1", "S12000033") STD TAIL,
	  EXIT_DATA, "t.xml:3: event 'LE1' is in area 'S12000033', which is not listed in <areas>" },
	/* Typed values and derived questions. */
	{ "typed values", HEAD DISTRICTS EVENTS STD_OPEN Q1 "<question code=\"N\" type=\"number\"><text>Age</text></question>\n<question code=\"D\" type=\"date\"><text>When</text></question>\n<question code=\"O\" type=\"short-text\"><text>Org</text></question>\n</questionnaire>\n" TAIL,
	  EXIT_OK, NULL },
	{ "typed value with options", HEAD DISTRICTS EVENTS STD_OPEN "<question code=\"N\" type=\"number\"><text>Age</text><option code=\"a\">A</option></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:5:" },
	{ "easy read number onto a choice", HEAD DISTRICTS EVENTS STD ER_OPEN "<question code=\"E2\" maps-to=\"SAT\" type=\"number\"><text>How many?</text></question>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:9: Easy Read question 'E2' (number) cannot map to 'SAT' (single-choice)" },
	{ "derived question", HEAD DISTRICTS EVENTS STD_OPEN Q1 SAT "<derived code=\"SAT1\" from=\"SAT\"><text>Any?</text><group option=\"all\" of=\"yes no\">All</group></derived>\n</questionnaire>\n" TAIL,
	  EXIT_OK, NULL },
	{ "derived before questions", HEAD DISTRICTS EVENTS STD_OPEN "<derived code=\"SAT1\" from=\"SAT\"><text>Any?</text><group option=\"all\" of=\"yes no\">All</group></derived>\n" SAT "</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:5:" },
	{ "derived code taken", HEAD DISTRICTS EVENTS STD_OPEN Q1 SAT "<derived code=\"Q1\" from=\"SAT\"><text>Any?</text><group option=\"all\" of=\"yes no\">All</group></derived>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:7: question code 'Q1' is used twice in the standard questionnaire" },
	{ "derived from nothing", HEAD DISTRICTS EVENTS STD_OPEN Q1 SAT "<derived code=\"X\" from=\"NOPE\"><text>Any?</text><group option=\"all\" of=\"yes no\">All</group></derived>\n</questionnaire>\n" TAIL,
	  EXIT_DATA, "t.xml:7: derived question 'X' is derived from 'NOPE', which is not a single-choice or demographic question" },
};

START_TEST(test_bad_definitions)
{
	const struct bad_case *c = &bad_cases[_i];
	struct err e;
	struct exercise_def *d = parse(c->xml, &e);

	if (c->code == EXIT_OK) {
		ck_assert_msg(d != NULL, "%s: %s", c->name, err_first(&e));
		exercise_def_free(d);
		return;
	}
	ck_assert_msg(d == NULL, "%s: accepted", c->name);
	ck_assert_msg(e.code == c->code, "%s: exit code %d", c->name, e.code);
	ck_assert_msg(err_contains(&e, c->needle), "%s: expected '%s', got '%s'", c->name,
		      c->needle, err_first(&e));
}
END_TEST

/* <areas>: names as text or name="", included districts as elements or a list. */
START_TEST(test_areas_parse)
{
	struct err e;
	struct exercise_def *d = parse(HEAD AREAS(WM_REGION GRAMPIAN "<area code=\"NHS-FV\">Forth Valley</area>")
				       AREA_EVENT("LE1", "NHS-FV") STD TAIL, &e);

	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_str_eq(d->area_word, "area");
	ck_assert_int_eq(d->ndistricts, 3);
	ck_assert_str_eq(d->districts[0].name, "West Midlands");
	ck_assert_int_eq(d->districts[0].nincludes, 2);
	ck_assert_str_eq(d->districts[0].includes[1].code, "E07000198");
	ck_assert_str_eq(d->districts[1].name, "Grampian");
	ck_assert_int_eq(d->districts[1].nincludes, 3);
	ck_assert_str_eq(d->districts[1].includes[2].code, "S12000020");
	ck_assert_str_eq(d->districts[2].code, "NHS-FV");
	ck_assert_str_eq(d->districts[2].name, "Forth Valley");
	ck_assert_int_eq(d->districts[2].nincludes, 0);
	ck_assert_str_eq(d->events[0].district, "NHS-FV");
	exercise_def_free(d);
	/* Files that say <districts> are read as before. */
	d = parse(GOOD, &e);
	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_str_eq(d->area_word, "district");
	ck_assert_int_eq(d->districts[1].nincludes, 0);
	exercise_def_free(d);
}
END_TEST

/* A derived question takes its source's type and keeps its groups. */
START_TEST(test_derived_question)
{
	struct err e;
	struct exercise_def *d = parse(HEAD DISTRICTS EVENTS STD_OPEN Q1 SAT
				       "<derived code=\"SAT1\" from=\"SAT\"><text>Any?</text>"
				       "<group option=\"all\" of=\"yes  no\">All</group></derived>\n"
				       "</questionnaire>\n" TAIL, &e);
	const struct ex_question *q;

	ck_assert_msg(d != NULL, "%s", err_first(&e));
	q = exercise_find_question(&d->standard, "SAT1");
	ck_assert_ptr_nonnull(q);
	ck_assert_str_eq(q->type, "single-choice");
	ck_assert_str_eq(q->derived_from, "SAT");
	ck_assert_int_eq((int)q->noptions, 1);
	ck_assert_str_eq(q->options[0].code, "all");
	ck_assert_str_eq(q->options[0].label, "All");
	exercise_def_free(d);
}
END_TEST

START_TEST(test_missing_file)
{
	struct err e;

	err_init(&e);
	ck_assert_ptr_null(exercise_load("/nonexistent/exercise.xml", &e));
	ck_assert_int_eq(e.code, EXIT_USAGE);
	ck_assert_msg(err_contains(&e, "cannot open /nonexistent/exercise.xml"), "%s",
		      err_first(&e));
}
END_TEST

/* ---- storing and reloading ------------------------------------------ */

static void store_ok(sqlite3 *db, const char *xml, struct exercise_changes *ch)
{
	struct err e;
	struct exercise_def *d = parse(xml, &e);
	long long id;

	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_msg(exercise_store(db, d, &id, ch, &e) == 0, "%s", err_first(&e));
	exercise_def_free(d);
}

static void store_refused(sqlite3 *db, const char *xml, const char *needle)
{
	struct err e;
	struct exercise_changes ch;
	struct exercise_def *d = parse(xml, &e);
	long long id;

	ck_assert_msg(d != NULL, "%s", err_first(&e));
	ck_assert_int_eq(exercise_store(db, d, &id, &ch, &e), -1);
	ck_assert_int_eq(e.code, EXIT_DATA);
	ck_assert_msg(err_contains(&e, needle), "expected '%s', got '%s'", needle, err_first(&e));
	ck_assert_int_eq(sqlite3_get_autocommit(db), 1); /* rolled back */
	exercise_def_free(d);
}

START_TEST(test_store_and_reload)
{
	sqlite3 *db = test_memdb();
	struct exercise_changes ch;

	store_ok(db, GOOD, &ch);
	ck_assert_int_eq(ch.new_exercise, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM exercise_district"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM event"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question"), 3);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question e JOIN question s ON "
				      "e.maps_to = s.id WHERE e.code = 'E1' AND s.code = 'Q1'"), 1);

	/* The same again: nothing changes. */
	store_ok(db, GOOD, &ch);
	ck_assert_int_eq(ch.new_exercise, 0);
	ck_assert_int_eq(ch.added + ch.updated + ch.removed, 0);

	/* A new event, a reworded question, an option gone, Easy Read gone. */
	store_ok(db, HEAD DISTRICTS "<events>" EVENT("LE1", "E07000192", "2019-06-04")
		 EVENT("LE2", "E07000199", "2019-07-29") "</events>\n" STD_OPEN
		 "<question code=\"Q1\" type=\"free-text\" polarity=\"works-well\"><text>What is "
		 "good?</text></question>\n<question code=\"SAT\" type=\"single-choice\"><text>"
		 "Satisfied?</text><option code=\"yes\">Yes</option></question>\n"
		 "</questionnaire>\n" TAIL, &ch);
	ck_assert_int_eq(ch.added, 1);
	ck_assert_int_eq(ch.updated, 1);
	ck_assert_int_eq(ch.removed, 3); /* option no, question E1, questionnaire er */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM event"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM questionnaire"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_option"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question WHERE text = 'What is good?'"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_reload_refuses_what_responses_use)
{
	sqlite3 *db = test_memdb();
	struct exercise_changes ch;

	store_ok(db, GOOD, &ch);
	test_exec(db, "INSERT INTO response (id, exercise_id, channel, form_variant, event_id, "
		      "district_code, district_source, recorded_at) SELECT 1, 1, 'paper', "
		      "'easy-read', id, 'E07000192', 'event', 'now' FROM event WHERE code = 'LE1';"
		      "INSERT INTO answer (response_id, question_id, source_question_id, value) "
		      "SELECT 1, s.id, e.id, 'Kind nurses' FROM question s, question e "
		      "WHERE s.code = 'Q1' AND e.code = 'E1';"
		      "INSERT INTO answer (response_id, question_id, option_id) SELECT 1, q.id, o.id "
		      "FROM question q JOIN question_option o ON o.question_id = q.id "
		      "WHERE q.code = 'SAT' AND o.code = 'no'");

	store_refused(db, HEAD DISTRICTS "<events/>\n" STD ER TAIL,
		      "event 'LE1' is no longer in the definition, but 1 responses were collected at it");
	store_refused(db, HEAD DISTRICTS "<events>" EVENT("LE1", "E07000199", "2019-06-04")
		      "</events>\n" STD ER TAIL, "event 'LE1' cannot move to district E07000199");
	store_refused(db, HEAD DISTRICTS EVENTS STD_OPEN SAT "</questionnaire>\n" ER_OPEN
		      "<question code=\"E1\" maps-to=\"SAT\" type=\"single-choice\"><text>Good?</text>"
		      "<option code=\"y\" maps-to=\"yes\">Y</option></question>\n</questionnaire>\n" TAIL,
		      "question 'E1' cannot change its type, range or mapping");
	store_refused(db, HEAD DISTRICTS EVENTS STD_OPEN Q1
		      "<question code=\"SAT\" type=\"single-choice\"><text>Satisfied?</text>"
		      "<option code=\"yes\">Yes</option></question>\n</questionnaire>\n" ER TAIL,
		      "option 'SAT/no' is no longer in the definition, but 1 answers use it");
	store_refused(db, HEAD DISTRICTS EVENTS STD_OPEN Q1
		      "<question code=\"SAT\" type=\"multiple-choice\"><text>Satisfied?</text>"
		      "<option code=\"yes\">Yes</option><option code=\"no\">No</option></question>\n"
		      "</questionnaire>\n" ER TAIL,
		      "question 'SAT' cannot change its type");
	store_refused(db, HEAD DISTRICTS EVENTS STD TAIL,
		      "questionnaire 'easy-read' is no longer in the definition, but 1 responses were made with it");
	store_refused(db, HEAD "<districts><district code=\"E07000199\">Tamworth</district></districts>\n"
		      "<events/>\n" STD ER TAIL, "district E07000192 is no longer in the definition");

	/* Nothing changed through all of that. */
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM event"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM question_option"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM questionnaire"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM exercise_district"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM answer"), 2);
	/* Rewording what is in use is fine. */
	store_ok(db, HEAD DISTRICTS "<events><event code=\"LE1\" kind=\"roadshow\" district=\"E07000192\" "
		 "date=\"2019-06-04\"><title>Roadshow</title><venue>Central Library</venue></event>"
		 "</events>\n" STD ER TAIL, &ch);
	ck_assert_int_eq(ch.updated, 1);
	sqlite3_close(db);
}
END_TEST

/* Included districts are stored for the roll-up, and follow the definition. */
START_TEST(test_store_areas)
{
	sqlite3 *db = test_memdb();
	struct exercise_changes ch;

	store_ok(db, HEAD AREAS(WM_REGION "<area code=\"NHS-FV\">Forth Valley</area>")
		 AREA_EVENT("LE1", "NHS-FV") STD TAIL, &ch);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM district WHERE code IN "
				      "('E12000005', 'NHS-FV')"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM area_member WHERE area_code = "
				      "'E12000005' AND district_code IN ('E07000195', 'E07000198')"), 2);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM event WHERE district_code = 'NHS-FV'"), 1);
	/* One district fewer in the region: removed, and counted. */
	store_ok(db, HEAD AREAS("<area code=\"E12000005\" name=\"West Midlands\" includes=\"E07000195\"/>"
				"<area code=\"NHS-FV\">Forth Valley</area>")
		 AREA_EVENT("LE1", "NHS-FV") STD TAIL, &ch);
	ck_assert_int_eq(ch.removed, 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM area_member"), 1);
	ck_assert_int_eq(test_int(db, "SELECT count(*) FROM area_member WHERE district_code = "
				      "'E07000195'"), 1);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_pick)
{
	sqlite3 *db = test_memdb();
	struct exercise_changes ch;
	struct err e;
	long long id = 0;

	err_init(&e);
	ck_assert_int_eq(db_pick_exercise(db, NULL, &id, &e), -1);
	ck_assert_msg(err_contains(&e, "no exercise yet"), "%s", err_first(&e));
	store_ok(db, GOOD, &ch);
	err_init(&e);
	ck_assert_int_eq(db_pick_exercise(db, NULL, &id, &e), 0);
	ck_assert_int_eq(id, 1);
	store_ok(db, "<exercise code=\"other\"><title>T</title><opens>2019-06-03</opens><closes>2019-08-25</closes>\n"
		 DISTRICTS EVENTS STD TAIL, &ch);
	ck_assert_int_eq(db_pick_exercise(db, NULL, &id, &e), -1);
	ck_assert_int_eq(e.code, EXIT_USAGE);
	err_init(&e);
	ck_assert_int_eq(db_pick_exercise(db, "other", &id, &e), 0);
	ck_assert_int_eq(id, 2);
	ck_assert_int_eq(db_pick_exercise(db, "nope", &id, &e), -1);
	sqlite3_close(db);
}
END_TEST

static Suite *exercise_suite(void)
{
	Suite *s = suite_create("exercise");
	TCase *tc = tcase_create("parse");
	TCase *st = tcase_create("store");

	tcase_add_test(tc, test_sample_loads);
	tcase_add_test(tc, test_minimal_loads);
	tcase_add_loop_test(tc, test_bad_definitions, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, test_areas_parse);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_derived_question);
	tcase_add_test(st, test_store_and_reload);
	tcase_add_test(st, test_reload_refuses_what_responses_use);
	tcase_add_test(st, test_store_areas);
	tcase_add_test(st, test_pick);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, st);
	return s;
}

int main(void)
{
	return test_run(exercise_suite());
}
