/*
 * mdpost — checks and renders blog posts (Markdown with front matter).
 *
 * One call in, one result out. Every function that produces data returns 0
 * and fills `out`, or returns a negative MDPOST_E* code and sets out->error.
 * Inputs are pointer + length and need not be NUL-terminated. Results are
 * owned by the library: release them with mdpost_result_free().
 *
 * Structured results are msgpack (decode with vim.mpack in Neovim). Every
 * position in them is 0-based and counted in bytes; ranges end exclusive.
 *
 * The library never aborts, exits or prints, and keeps no mutable global
 * state. This header is kept plain enough to paste into LuaJIT's ffi.cdef
 * (see lua/mdpost/native.lua, which must stay in step with it).
 */
#ifndef MDPOST_H
#define MDPOST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MDPOST_API __attribute__((visibility("default")))
#else
#define MDPOST_API
#endif

/* Bumped whenever a signature or a result's shape changes incompatibly. */
#define MDPOST_ABI_VERSION 5

enum {
	MDPOST_OK = 0,
	MDPOST_ENOMEM = -1,   /* out of memory */
	MDPOST_EINVAL = -2,   /* bad argument (e.g. malformed options) */
	MDPOST_ETOOBIG = -3,  /* input beyond a documented limit */
	MDPOST_EIO = -4,      /* a file could not be read */
	MDPOST_EINTERNAL = -5 /* a dependency failed unexpectedly */
};

typedef struct mdpost_result {
	char *data;   /* payload (msgpack, or HTML for mdpost_render) */
	size_t len;   /* payload length in bytes */
	char *error;  /* NUL-terminated message when a call failed, else NULL */
} mdpost_result;

/* MDPOST_ABI_VERSION of the compiled library. */
MDPOST_API int mdpost_abi_version(void);

/* The library's version, e.g. "0.1.0". Static storage. */
MDPOST_API const char *mdpost_version(void);

/* msgpack map: library name -> version string, for the library itself
 * and each dependency it was built with. */
MDPOST_API int mdpost_versions(mdpost_result *out);

/*
 * A site: its root and everything read once from its config files (the
 * generator's config and .mdpost.yaml): preset and schema, heading id
 * style, time zone, rule severities. Opening never fails because there is
 * no site: then no preset applies and only syntax is checked. Problems in
 * the config files are listed by mdpost_site_info, not fatal. A site is
 * immutable once open: threads may share it. Free it with mdpost_site_free.
 */
typedef struct mdpost_site mdpost_site;

MDPOST_API int mdpost_site_open(mdpost_site **site, mdpost_result *err,
                                const char *path, size_t path_len);
MDPOST_API void mdpost_site_free(mdpost_site *site);

/*
 * msgpack map: found (bool), root, generator, config, content_dir, preset,
 * schema (its file, or "preset NAME"), anchors, timezone, unsafe (bool),
 * problems (array of "file:line:col: message" strings).
 */
MDPOST_API int mdpost_site_info(mdpost_result *out, const mdpost_site *site);

/*
 * The site index: every page with its URL and heading ids, every static
 * file and bundle resource, for link checks. With `background`, it is
 * built on a thread of its own and mdpost_index_new returns at once; poll
 * mdpost_index_ready (or block in mdpost_index_wait) before relying on it.
 * Checks given an index that is not ready yet skip what needs it. The
 * site must outlive the index. mdpost_index_free cancels a build.
 */
typedef struct mdpost_index mdpost_index;

MDPOST_API int mdpost_index_new(mdpost_index **index, mdpost_result *err,
                                const mdpost_site *site, int background);
MDPOST_API int mdpost_index_ready(const mdpost_index *index);
MDPOST_API int mdpost_index_wait(mdpost_index *index);
MDPOST_API size_t mdpost_index_pages(const mdpost_index *index);
MDPOST_API void mdpost_index_free(mdpost_index *index);

/*
 * Every function below takes an optional site (NULL: no site) and an
 * optional msgpack map of options (NULL/0 for none):
 *   preset   (str)  use this preset instead of the site's
 *   anchors  (str)  github | github-ascii | blackfriday instead of the site's
 *   unsafe   (bool) render raw HTML (Hugo: markup.goldmark.renderer.unsafe)
 *   path     (str)  the post's path (for messages)
 */

/*
 * Check a post. Result: msgpack map
 *   frontmatter: { format = "yaml"|"toml"|"json"|"none",
 *                  range = {start_line, start_col, end_line, end_col} }
 *   diagnostics: array of { lnum, col, end_lnum, end_col,
 *                           severity = "error"|"warning"|"info"|"hint",
 *                           code, message }
 * Severities follow the site's `rules`; rules set to off are left out.
 * `opts.path` places the post in the site, for relative links.
 */
MDPOST_API int mdpost_check(mdpost_result *out, const mdpost_site *site,
                            const mdpost_index *index,
                            const char *src, size_t len,
                            const char *opts, size_t opts_len);

/*
 * Every link, image, reference, definition and ref/relref/figure shortcode
 * of the post with its verdict: msgpack array of { lnum, col, end_lnum,
 * end_col (the target), kind, target, status = ok | external | unchecked |
 * broken | unused | text, message, code (when broken) }.
 */
MDPOST_API int mdpost_links(mdpost_result *out, const mdpost_site *site,
                            const mdpost_index *index,
                            const char *src, size_t len,
                            const char *opts, size_t opts_len);

/*
 * The parsed front matter, typed as the generator reads it: keys
 * lower-cased, dates Hugo understands as RFC 3339 strings in the site's
 * time zone. msgpack map: format, range (as above), fields (map, nil when
 * the front matter has a syntax error), diagnostics (as mdpost_check).
 */
MDPOST_API int mdpost_frontmatter(mdpost_result *out, const mdpost_site *site,
                                  const char *src, size_t len,
                                  const char *opts, size_t opts_len);

/*
 * Headings of the body. msgpack array of { line, level, text, id,
 * end_line } where line is 0-based in the whole file and end_line the last
 * line of the heading's section.
 */
MDPOST_API int mdpost_headings(mdpost_result *out, const mdpost_site *site,
                               const char *src, size_t len,
                               const char *opts, size_t opts_len);

/*
 * Fold levels for every line, as 'foldexpr' values: msgpack array of
 * strings, one a line ("0", ">1", "2", ...). The front matter folds as one
 * (level 1); a heading starts a fold that runs to the next heading of the
 * same or a higher level, its level counted from the post's top heading
 * level (## folds at 1 in a post without #).
 */
MDPOST_API int mdpost_folds(mdpost_result *out, const mdpost_site *site,
                            const char *src, size_t len,
                            const char *opts, size_t opts_len);

/*
 * HTML of the body (front matter removed), as the site will render it:
 * cmark-gfm with tables, strikethrough, autolinks, task lists and
 * footnotes; heading ids exactly as the generator makes them ({#id}
 * attributes removed from the text); raw HTML only when the site renders
 * it (`unsafe`); Hugo shortcodes: `figure` becomes a <figure>, `ref` and
 * `relref` the page's URL (needs a ready index), escaped ones
 * ({{</ * x * />}}, without the spaces) their literal text, any other a visible placeholder
 * <span class="mdpost-shortcode">. out->data is HTML, not msgpack.
 * Options, besides the common ones:
 *   sourcepos  (bool) block elements carry data-line="N", N the 0-based
 *                     line of the whole file (front matter counted)
 *   asset_base (str)  local images and links that resolve to a file of
 *                     the site (page bundle, static dirs) point to
 *                     asset_base + that file's path from the site root
 *   standalone (bool) a whole page: stylesheet, and a card with the front
 *                     matter's title, date, tags, categories, thumbnail
 *   css        (str)  the stylesheet of a standalone page instead of ours
 */
MDPOST_API int mdpost_render(mdpost_result *out, const mdpost_site *site,
                             const mdpost_index *index,
                             const char *src, size_t len,
                             const char *opts, size_t opts_len);

/*
 * The site that holds `path` (a file or a directory), without reading its
 * config: msgpack map { root, generator = "hugo"|"jekyll"|"zola"|"mdpost",
 * config } or nil when no ancestor looks like a site root.
 */
MDPOST_API int mdpost_site_find(mdpost_result *out, const char *path,
                                size_t path_len);

/*
 * A post being edited: the links found in each paragraph are kept, so the
 * next check parses links again only in paragraphs whose text changed (the
 * block structure is read again: cmark-gfm is fast). Callers pass the
 * whole text each time and never have to report edits. Results are
 * exactly those of
 * mdpost_check / mdpost_folds on the same text. One thread at a time per
 * document; free it with mdpost_doc_free.
 */
typedef struct mdpost_doc mdpost_doc;

MDPOST_API int mdpost_doc_new(mdpost_doc **doc, mdpost_result *err);
MDPOST_API void mdpost_doc_free(mdpost_doc *doc);
MDPOST_API int mdpost_doc_check(mdpost_result *out, mdpost_doc *doc,
                                const mdpost_site *site, const mdpost_index *index,
                                const char *src, size_t len,
                                const char *opts, size_t opts_len);
MDPOST_API int mdpost_doc_folds(mdpost_result *out, mdpost_doc *doc,
                                const char *src, size_t len,
                                const char *opts, size_t opts_len);

/*
 * For Vim's libcall() only (autoload/mdpost.vim): a JSON request in, a JSON
 * reply out ({"result": ...} or {"error": "..."}), the calls above with their
 * msgpack as JSON. libcall() passes and returns NUL-terminated strings, and
 * loads the library anew for every call; so, unlike the rest of this API,
 * this entry keeps state: the reply stays valid until the next call on the
 * same thread, and open sites and their indexes are cached by root (the
 * library is linked -z nodelete so they survive). Other callers: use the
 * functions above.
 */
MDPOST_API const char *mdpost_vim(const char *request);

/* Release what a call put into `r`; `r` may be reused afterwards. */
MDPOST_API void mdpost_result_free(mdpost_result *r);

#ifdef __cplusplus
}
#endif
#endif
