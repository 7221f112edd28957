/*
 * multipart.h: a request body in multipart/form-data, for the pages that
 * take a file (the report's logo, a coded sample). The text fields go to
 * form_parse() (form.h), so they pass the same strict checks as any form;
 * at most one file is taken, and its bytes are left where they are.
 */
#ifndef TALLY_WEB_MULTIPART_H
#define TALLY_WEB_MULTIPART_H

#include <stddef.h>

#include "form.h"

/* The boundary of a Content-Type "multipart/form-data; boundary=...": 0, or -1 when not one. */
int multipart_boundary(const char *content_type, char *out, size_t cap);

/*
 * Splits `len` bytes of `body` at `boundary`: the text fields into *out
 * (as form_parse() would), the one file part's bytes into *file and
 * *file_len (NULL, 0 when none), its field name into `file_field` (`cap`
 * bytes) and the file's name as the browser sent it (filename="...", no
 * control characters; "" when none) into `file_name` (`name_cap` bytes).
 * 0, or -1 when malformed (a part without a name, two files, no end, a
 * name too long for its buffer).
 */
int multipart_parse(const char *body, size_t len, const char *boundary, struct form *out,
		    const char **file, size_t *file_len, char *file_field, size_t cap,
		    char *file_name, size_t name_cap);

#endif
