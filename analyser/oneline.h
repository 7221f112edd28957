/*
 * oneline.h: free text shown on one line of a listing, as `analyser
 * untagged` and `analyser explain` print answers.
 */
#ifndef TALLY_ONELINE_H
#define TALLY_ONELINE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the n bytes at s to `out` with each line break (\n, \r\n, \r) as " / ". */
void oneline_print(const char *s, size_t n, FILE *out);

#endif
