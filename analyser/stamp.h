/*
 * stamp.h: the time a --stamp shows (`analyser report`, `analyser export`).
 */
#ifndef TALLY_STAMP_H
#define TALLY_STAMP_H

#include <time.h>

/*
 * Now, or the time SOURCE_DATE_EPOCH gives (seconds since 1970, UTC) when
 * it is set to a whole number that is not negative, so that a stamped file
 * can be made again byte for byte (reproducible-builds.org). Any other
 * value is ignored.
 */
time_t stamp_time(void);

#endif
