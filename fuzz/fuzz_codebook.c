/*
 * fuzz_codebook: the REFI-QDA codebook reader (analyser/refi_import.c, what
 * analyser rules from-codebook runs): the safe XML parse, the codebook's
 * shape and the themes made of its codes.
 *
 * Any bytes as a codebook. Properties: refused with a message that names
 * the file, or turned into a rules file that is valid against
 * schema/rules.rng, with as many themes as it says, each code of the
 * schema's pattern and none twice, every parent a theme written before its
 * children.
 */
#include <assert.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fuzz.h"
#include "refi.h"
#include "xmlsafe.h"

static void fail(const char *why, const char *what)
{
	fprintf(stderr, "codebook read: %s (%s)\n", why, what ? what : "(none)");
	abort();
}

static void check(const char *rules, size_t nthemes)
{
	struct err e;
	xmlDocPtr doc;
	char **codes;
	size_t k = 0;

	err_init(&e);
	doc = xmlsafe_parse_valid(rules, strlen(rules), "out.rules.xml", "rules.rng", &e);
	if (!doc)
		fail("a rules file against schema/rules.rng", err_first(&e));
	if (!(codes = calloc(nthemes + 1, sizeof *codes)))
		abort();
	for (xmlNodePtr t = xmlsafe_first(xmlDocGetRootElement(doc)); t; t = xmlsafe_next(t)) {
		char *code, *parent;
		int seen = 0;

		if (!xmlsafe_is(t, "theme"))
			continue;
		if (k >= nthemes)
			fail("more themes than said", NULL);
		if (xmlsafe_child(t, "include"))
			fail("a pattern made up", NULL);
		code = xmlsafe_attr(t, "code");
		parent = xmlsafe_attr(t, "parent");
		for (size_t j = 0; j < k; j++) {
			if (!strcmp(codes[j], code))
				fail("a code given twice", code);
			seen |= parent && !strcmp(codes[j], parent);
		}
		if (parent && !seen)
			fail("a parent not written before its child", parent);
		if (!(codes[k++] = strdup(code)))
			abort();
		xmlFree(code);
		xmlFree(parent);
	}
	if (k != nthemes)
		fail("fewer themes than said", NULL);
	for (size_t j = 0; j < k; j++)
		free(codes[j]);
	free(codes);
	xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *rules = NULL;
	size_t n = 0;
	struct err e;
	int rc;

	err_init(&e);
	rc = refi_codebook_parse((const char *)data, size, "in.qdc", NULL, &rules, &n, &e);
	assert((rc < 0) == (err_isset(&e) != 0));
	if (rc < 0) {
		if (rules)
			fail("rules left after a refusal", NULL);
		if (e.code == EXIT_DATA && !strstr(err_first(&e), "in.qdc"))
			fail("a message that does not name the file", err_first(&e));
	} else {
		check(rules, n);
		free(rules);
	}
	return 0;
}
