/* libFuzzer: any bytes as a post, through every entry point that takes a
 * post. Nothing may crash, leak, hang or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

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
	mdpost_render(&r, NULL, src, size, NULL, 0);
	mdpost_result_free(&r);
	/* The external URLs --external and :PostLinkCheck fetch. */
	md_ext_urls urls;
	if (size <= MD_MAX_INPUT && md_external_urls(&urls, src, size, NULL) == 0)
		md_ext_urls_free(&urls);
	return 0;
}
