/*
 * numwords.h: whole numbers written in English words, as an officer may
 * find them in an export or on a paper form ("twenty six", "Twenty-Six",
 * "one hundred and twenty").
 */
#ifndef TALLY_NUMWORDS_H
#define TALLY_NUMWORDS_H

/* The largest number numwords_parse() reads. */
#define NUMWORDS_MAX 999999L

/*
 * Reads `s` as a whole number from zero to NUMWORDS_MAX written in English
 * words: units, teens and tens ("twenty six", "twenty-six"), "hundred" and
 * "thousand", with "and" after them as British English writes it. Case and
 * the spaces around and between the words are ignored. Returns 0 with the
 * number in *out, or -1 when `s` is not such a number (digits, a misspelt
 * word, words in an order no number is written in: "six twenty").
 */
int numwords_parse(const char *s, long *out);

#endif
