/*
 * xform_export.h: the exercise's questionnaire as an ODK XForm, for ODK
 * Collect or KoboCollect on a tablet that collects offline, and the import
 * mapping that brings its submissions back through `collector import` with
 * no hand work.
 *
 * The form's instance root is <data id="tally-EXERCISE-VARIANT">; it holds
 * start and end (the tablet's timestamps), event (a choice of the
 * exercise's events), one field a question named q_CODE (the question's
 * code, lowercase, other characters than letters and digits as '_'), and
 * meta/instanceID. Choice values are the options' codes; a multiple-choice
 * answer is space-separated (ODK's way), so an option code with white space
 * in it cannot be offered (EXIT_DATA).
 */
#ifndef TALLY_XFORM_EXPORT_H
#define TALLY_XFORM_EXPORT_H

#include <sqlite3.h>
#include <stdio.h>

#include "err.h"

/*
 * Writes the questionnaire `variant` ("standard" or "easy-read") of
 * exercise `exercise_id` as an XForm to `form`, and the matching mapping to
 * `map`. 0, or -1 with `e` set (EXIT_USAGE when the exercise has no such
 * questionnaire, EXIT_DATA when a question cannot be put in a form).
 */
int xform_export(sqlite3 *db, long long exercise_id, const char *variant, FILE *form, FILE *map,
		 struct err *e);

#endif
