/*
 * refi.h: the REFI-QDA exchange formats (docs/refi-qda.md), so that a
 * project's themes and tags travel to NVivo, ATLAS.ti, MAXQDA and
 * QualCoder and a codebook made there can start a rule set here.
 *
 * - A codebook (.qdc, namespace urn:QDA-XML:codebook:1.0): the rule set's
 *   themes as codes, sub-themes inside their parents, the label as the
 *   code's name and a Description that says the theme's code, what it
 *   covers and which rules found it.
 * - A project (.qdpx, a zip holding project.qde in urn:QDA-XML:project:1.0
 *   and one text file per answer under sources/): the same codes, the
 *   counted free-text answers as text sources (redacted unless asked
 *   otherwise) and each tag as a coding of the words that matched.
 *
 * Every GUID is derived from the exercise's code and what it names (a
 * theme's code, an answer's id), so exporting again gives the same GUIDs
 * and the other tool sees the same codes, not new ones.
 *
 * Both are written with libxml2's xmlTextWriter; the schemas they follow
 * are kept in schema/refi-qda/ and checked by the tests.
 */
#ifndef TALLY_REFI_H
#define TALLY_REFI_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define REFI_NS_CODEBOOK "urn:QDA-XML:codebook:1.0"
#define REFI_NS_PROJECT "urn:QDA-XML:project:1.0"
#define REFI_GUID_LEN 36

/* In a Description, the line that carries the theme's code back to Tally. */
#define REFI_CODE_LINE "Tally theme code: "

/*
 * Writes into `out` (REFI_GUID_LEN + 1 bytes) the GUID of `key` in exercise
 * `exercise`: a name-based (version 5, SHA-1) UUID in upper case, the same
 * for the same two strings on every run and machine.
 */
void refi_guid(const char *exercise, const char *key, char *out);

/*
 * Writes the themes of exercise `ex`'s rule set as a REFI-QDA codebook to
 * `path` (whole or not at all). -1 with `e` set: EXIT_DATA when nothing has
 * been tagged (there are no themes), EXIT_SYSTEM for database or file
 * errors.
 */
int refi_codebook_export(sqlite3 *db, long long ex, const char *path, struct err *e);

/* What refi_project_export() wrote, for the command's message. */
struct refi_project_stats {
	long sources, codings;
	int decisions;    /* the codings are the tags with the reviewers' decisions */
	long added;       /* codings of themes reviewers added (the whole answer) */
};

/*
 * Writes exercise `ex` as a REFI-QDA project (.qdpx) to `path`: the codes,
 * one text source per counted free-text answer (redacted unless `raw`) and
 * one coding per tag, its selection in characters of the text as written
 * in the source. The tags are those counted: the rules' with the review
 * decisions (a removed tag left out, an added theme coding the whole
 * answer), or with `rules_only` the rules' alone. Fills `st`. -1 with `e` set (EXIT_DATA with nothing
 * tagged, EXIT_SYSTEM otherwise).
 */
int refi_project_export(sqlite3 *db, long long ex, const char *path, int raw, int rules_only,
			struct refi_project_stats *st, struct err *e);

/*
 * Reads the REFI-QDA codebook at `in` (a .qdc, or the CodeBook of an
 * unzipped project.qde) and writes `out`, a rule set (docs/rules-format.md)
 * with one theme a code, in the codebook's order and hierarchy, and no
 * patterns: the analyst adds them. A code Tally exported keeps its theme
 * code (REFI_CODE_LINE); another gets one made from its name. `exercise`
 * (may be NULL) goes in the rules' exercise attribute. *nthemes (may be
 * NULL) gets the number of themes. -1 with `e` set: EXIT_DATA with
 * "IN:LINE: ..." for a file that is not such a codebook, EXIT_USAGE when
 * it cannot be read, EXIT_SYSTEM when `out` cannot be written.
 */
int refi_codebook_to_rules(const char *in, const char *out, const char *exercise,
			   size_t *nthemes, struct err *e);

/*
 * The same from `len` bytes in memory named `name` (for the fuzz harness):
 * the rules file's text in *rules (free()) on success.
 */
int refi_codebook_parse(const char *buf, size_t len, const char *name, const char *exercise,
			char **rules, size_t *nthemes, struct err *e);

#endif
