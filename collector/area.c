/*
 * area.c: area codes, and the ONS area kinds this tool knows (area.h).
 */
#include "area.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * ONS GSS entity kinds: the first three characters of a code. The ones a
 * health or care engagement exercise may cover. A kind missing here is
 * refused with this list, so a typing slip (E70 for E07) is never taken
 * for an area no postcode can reach.
 */
static const struct area_kind kinds[] = {
	{ "E06", "unitary authority", 1, NULL },
	{ "E07", "non-metropolitan district", 1, NULL },
	{ "E08", "metropolitan district", 1, NULL },
	{ "E09", "London borough", 1, NULL },
	{ "E10", "county", 0, NULL },
	{ "E11", "metropolitan county", 0, NULL },
	{ "E12", "region", 0, NULL },
	{ "E38", "sub-ICB location", 0, NULL },
	{ "E40", "NHS England region", 0, NULL },
	{ "E54", "integrated care board", 0, NULL },
	{ "E92", "England", 0, "E06 E07 E08 E09" },
	{ "W06", "unitary authority", 1, NULL },
	{ "W11", "local health board", 0, NULL },
	{ "W92", "Wales", 0, "W06" },
	{ "S08", "health board", 0, NULL },
	{ "S12", "council area", 1, NULL },
	{ "S37", "health and social care partnership", 0, NULL },
	{ "S92", "Scotland", 0, "S12" },
	{ "N09", "local government district", 1, NULL },
	{ "N92", "Northern Ireland", 0, "N09" },
	{ "K02", "United Kingdom", 0, "E06 E07 E08 E09 W06 S12 N09" },
	{ "K03", "Great Britain", 0, "E06 E07 E08 E09 W06 S12" },
	{ "K04", "England and Wales", 0, "E06 E07 E08 E09 W06" },
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

static int gss_shape(const char *code, int any_case)
{
	char c = code[0];

	if (any_case)
		c = (char)toupper((unsigned char)c);
	if (!strchr("EWSNK", c) || c == '\0' || strlen(code) != 9)
		return 0;
	for (int i = 1; i < 9; i++)
		if (!isdigit((unsigned char)code[i]))
			return 0;
	return 1;
}

int area_is_gss(const char *code)
{
	return code && gss_shape(code, 0);
}

const struct area_kind *area_kind_of(const char *code)
{
	if (!area_is_gss(code))
		return NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (strncmp(code, kinds[i].prefix, 3) == 0)
			return &kinds[i];
	return NULL;
}

int area_contains(const char *area, const char *district)
{
	const struct area_kind *a = area_kind_of(area), *d = area_kind_of(district);
	char prefix[4];

	if (!a || !a->contains || !d || !d->district)
		return 0;
	snprintf(prefix, sizeof prefix, "%s", d->prefix);
	return strstr(a->contains, prefix) != NULL;
}

void area_district_kinds(char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < NKINDS && n < cap; i++)
		if (kinds[i].district)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "",
					      kinds[i].prefix);
}

int area_check(const char *code, char *why, size_t cap)
{
	size_t len = strlen(code), n;

	if (len == 0 || len > AREA_CODE_MAX ||
	    strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != len) {
		snprintf(why, cap, "is not an area code: use letters, digits, '-' or '_', "
				   "1 to %d characters (an ONS code such as E07000192, or a "
				   "code of your own such as NHS-FV)", AREA_CODE_MAX);
		return -1;
	}
	if (!area_is_gss(code) && gss_shape(code, 1)) {
		snprintf(why, cap, "looks like an ONS code: write its letter as a capital");
		return -1;
	}
	if (!area_is_gss(code) || area_kind_of(code))
		return 0;
	/* The kinds of the same letter: the list for E alone fills a line. */
	n = (size_t)snprintf(why, cap, "%.3s is not an ONS area kind this tool knows; known:",
			     code);
	for (size_t i = 0, k = 0; i < NKINDS && n < cap; i++)
		if (kinds[i].prefix[0] == code[0])
			n += (size_t)snprintf(why + n, cap - n, "%s %s %s", k++ ? "," : "",
					      kinds[i].prefix, kinds[i].name);
	return -1;
}
