/* libFuzzer: a request to mdpost_vim() (Vim's libcall() entry), the JSON
 * parser and the reply's JSON writer; every reply must be one JSON object
 * ({"result"...} or {"error"...}) with no raw control character. Requests
 * that could name a directory above the working one (a `/` in any spelling,
 * or `..`) are skipped: indexing / is not the point. (No chdir to a scratch
 * directory: libFuzzer reads its corpus relative to the working one.) */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mdpost.h"

static int has_ci(const char *s, const char *what)
{
	size_t n = strlen(what);
	for (; *s; s++)
		if (strncasecmp(s, what, n) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *req = malloc(size + 1);
	if (!req)
		return 0;
	memcpy(req, data, size);
	req[size] = '\0';  /* libcall() strings end at their first NUL */
	if (!strchr(req, '/') && !strstr(req, "..") && !has_ci(req, "u002f") &&
	    !has_ci(req, "u002e")) {
		const char *r = mdpost_vim(req);
		if (!r || (strncmp(r, "{\"result\":", 10) != 0 && strncmp(r, "{\"error\":", 9) != 0))
			abort();
		for (const char *p = r; *p; p++)
			if ((unsigned char)*p < 0x20)
				abort();
		if (r[strlen(r) - 1] != '}')
			abort();
	}
	free(req);
	return 0;
}
