/* HTML for the preview through cmark-gfm and its GFM extensions. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "internal.h"

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

/* cmark-gfm keeps its extension registry globally; fill it exactly once. */
static void register_extensions(void) { cmark_gfm_core_extensions_ensure_registered(); }

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL
};

int md_render_html(md_buf *out, const char *src, size_t len, int unsafe_html,
                   int sourcepos)
{
	pthread_once(&extensions_once, register_extensions);
	int options = CMARK_OPT_FOOTNOTES | CMARK_OPT_GITHUB_PRE_LANG;
	if (unsafe_html)
		options |= CMARK_OPT_UNSAFE;
	if (sourcepos)
		options |= CMARK_OPT_SOURCEPOS;
	cmark_parser *parser = cmark_parser_new(options);
	if (!parser)
		return MDPOST_ENOMEM;
	for (const char *const *name = extension_names; *name; name++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(*name);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, src, len);
	cmark_node *doc = cmark_parser_finish(parser);
	if (!doc) {
		cmark_parser_free(parser);
		return MDPOST_ENOMEM;
	}
	char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	cmark_node_free(doc);
	cmark_parser_free(parser);
	if (!html)
		return MDPOST_ENOMEM;
	md_buf_puts(out, html);
	free(html);
	return out->oom ? MDPOST_ENOMEM : MDPOST_OK;
}
