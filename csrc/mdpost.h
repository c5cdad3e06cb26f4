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
#define MDPOST_ABI_VERSION 1

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
 * Check a post. `opts` is an optional msgpack map (NULL/0 for defaults):
 *   path    (str)  the file's path, used to find the site and resolve links
 *   preset  (str)  hugo | hugo-mainroad | jekyll | zola | none
 * Result: msgpack map
 *   frontmatter: { format = "yaml"|"toml"|"json"|"none",
 *                  range = {start_line, start_col, end_line, end_col} }
 *   diagnostics: array of { lnum, col, end_lnum, end_col,
 *                           severity = "error"|"warning"|"info"|"hint",
 *                           code, message }
 */
MDPOST_API int mdpost_check(mdpost_result *out, const char *src, size_t len,
                            const char *opts, size_t opts_len);

/*
 * The parsed front matter, typed as the generator reads it. msgpack map:
 *   format, range (as above), fields (map: key -> value, nil when the
 *   front matter has a syntax error), diagnostics (parse problems only).
 */
MDPOST_API int mdpost_frontmatter(mdpost_result *out, const char *src,
                                  size_t len, const char *opts,
                                  size_t opts_len);

/*
 * Headings of the body. msgpack array of { line, level, text, id,
 * end_line } where line is 0-based in the whole file and end_line the last
 * line of the heading's section. opts: anchors = github | github-ascii |
 * blackfriday.
 */
MDPOST_API int mdpost_headings(mdpost_result *out, const char *src,
                               size_t len, const char *opts, size_t opts_len);

/*
 * HTML of the body (front matter removed). out->data is HTML, not msgpack.
 * opts: unsafe (bool) renders raw HTML, as Hugo does with
 * markup.goldmark.renderer.unsafe = true.
 */
MDPOST_API int mdpost_render(mdpost_result *out, const char *src, size_t len,
                             const char *opts, size_t opts_len);

/*
 * The site that holds `path` (a file or a directory): msgpack map
 * { root, generator = "hugo"|"jekyll"|"zola"|"mdpost", config } or nil
 * when no ancestor looks like a site root.
 */
MDPOST_API int mdpost_site_find(mdpost_result *out, const char *path,
                                size_t path_len);

/* Release what a call put into `r`; `r` may be reused afterwards. */
MDPOST_API void mdpost_result_free(mdpost_result *r);

#ifdef __cplusplus
}
#endif
#endif
