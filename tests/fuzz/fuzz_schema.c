/* libFuzzer: the first part of the input is a schema (YAML or JSON), the
 * rest a post validated against it, under every preset too. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *split = memchr(text, '\0', size);
	size_t slen = split ? (size_t)(split - text) : size / 2;
	const char *post = text + slen + (split ? 1 : 0);
	size_t plen = size - (size_t)(post - text);
	md_schema s;
	md_diags d = {0};
	if (md_schema_load(&s, text, slen, &d) == 0) {
		md_frontmatter fm;
		md_diags pd = {0};
		if (md_frontmatter_parse(&fm, post, plen, &pd) == 0) {
			md_schema_validate(&s, &fm, post, NULL, &pd);
			md_schema_validate(&s, &fm, post, "Asia/Shanghai", &pd);
		}
		md_frontmatter_free(&fm);
		md_diags_free(&pd);
	}
	md_schema_free(&s);
	md_diags_free(&d);
	return 0;
}
