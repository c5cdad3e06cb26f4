/* libFuzzer: any bytes as a post, through every entry point that takes a
 * post. Nothing may crash, leak, hang or read out of bounds. A kept
 * document (mdpost_doc) that saw the first half first must then answer for
 * the whole exactly as a cold check does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

	mdpost_doc *doc = NULL;
	if (mdpost_doc_new(&doc, NULL) == 0) {
		mdpost_result cold = {0}, warm = {0};
		mdpost_doc_check(&r, doc, NULL, NULL, src, size / 2, NULL, 0);
		mdpost_result_free(&r);
		int rc_cold = mdpost_check(&cold, NULL, NULL, src, size, NULL, 0);
		int rc_warm = mdpost_doc_check(&warm, doc, NULL, NULL, src, size, NULL, 0);
		if (rc_cold != rc_warm || cold.len != warm.len ||
		    (cold.len && memcmp(cold.data, warm.data, cold.len) != 0))
			abort();
		mdpost_result_free(&cold);
		mdpost_result_free(&warm);
		mdpost_doc_free(doc);
	}
	return 0;
}
