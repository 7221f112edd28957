/* stamp.c: the time a --stamp shows (see stamp.h). */
#include "stamp.h"

#include <stdlib.h>

time_t stamp_time(void)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	char *end;

	if (epoch && *epoch) {
		long long v = strtoll(epoch, &end, 10);

		if (!*end && v >= 0)
			t = (time_t)v;
	}
	return t;
}
