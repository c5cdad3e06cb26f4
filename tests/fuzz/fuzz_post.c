/* libFuzzer: any bytes as a post, through every entry point that takes a
 * post. Nothing may crash, leak, hang or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "mdpost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	mdpost_result r = {0};
	mdpost_check(&r, NULL, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	mdpost_frontmatter(&r, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	mdpost_headings(&r, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	mdpost_links(&r, NULL, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	mdpost_folds(&r, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	mdpost_render(&r, NULL, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	return 0;
}
