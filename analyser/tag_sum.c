/*
 * tag_sum.c: the snapshot's checksum of the tags (see tag_sum.h).
 */
#include "tag_sum.h"

#include <sqlite3.h>

/*
 * SQLite before 3.43 kept total()'s sum in a double, adding each integer
 * to it; 3.43 keeps integers exact and converts at the end. Both give the
 * exact sum while it is below 2^53 (every partial sum of these non-negative
 * terms is then exact in a double).
 */
int tag_sum_order_matters(const struct tag_sum *s)
{
	return s->exact > ((int64_t)1 << 53) && sqlite3_libversion_number() < 3043000;
}

double tag_sum_value(const struct tag_sum *s)
{
	return tag_sum_order_matters(s) ? s->rounded : (double)s->exact;
}
