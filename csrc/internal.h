/* Internals shared by the C files behind mdpost.h. Never installed. */
#ifndef MDPOST_INTERNAL_H
#define MDPOST_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mdpost.h"

#define MD_UNUSED(x) ((void)(x))

/* Limits: bad input gets a clear message instead of unbounded work. */
#define MD_MAX_INPUT ((size_t)64 << 20)   /* bytes of one post */
#define MD_MAX_DEPTH 200                  /* front matter nesting */
#define MD_MAX_NODES 200000               /* front matter values, aliases expanded */

/* ---- growable byte buffer ------------------------------------------ */
typedef struct md_buf {
	char *data;
	size_t len, cap;
	int oom;  /* sticky: set once an allocation failed */
} md_buf;

void md_buf_put(md_buf *b, const void *p, size_t n);
void md_buf_puts(md_buf *b, const char *s);
void md_buf_putc(md_buf *b, char c);
void md_buf_printf(md_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void md_buf_free(md_buf *b);
/* Moves the buffer into a result (NUL-terminated for convenience). */
int md_buf_to_result(md_buf *b, mdpost_result *out);

int md_result_error(mdpost_result *out, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- line index: byte offset <-> (0-based line, byte column) --------- */
typedef struct md_lines {
	size_t *starts;  /* byte offset of each line's first byte */
	size_t n;
	size_t len;      /* length of the text */
} md_lines;

const char *md_find_pair(const char *s, size_t n, char a, char b);
int md_lines_init(md_lines *l, const char *src, size_t len);
/* The 1-based line holding byte `off` (for messages; linear, keep it rare). */
size_t md_line_of(const char *src, size_t off);
void md_lines_pos(const md_lines *l, size_t off, size_t *line, size_t *col);
void md_lines_free(md_lines *l);

/* ---- regular expressions (POSIX extended, no sub-matches) ------------ */
#include <regex.h>
/* 0, or -1 for a pattern that does not compile or is too costly to. */
int md_regcomp(regex_t *re, const char *pat);

/* ---- string set (keys copied; an optional value pointer each) ------- */
typedef struct md_strset_slot {
	char *key;
	size_t len;
	uint64_t hash;
	void *value;
} md_strset_slot;

typedef struct md_strset {
	md_strset_slot *slots;
	size_t n, cap;
} md_strset;

int md_strset_put(md_strset *s, const char *key, size_t n, void *value);
int md_strset_has(const md_strset *s, const char *key, size_t n);
void *md_strset_get(const md_strset *s, const char *key, size_t n, int *found);
void md_strset_free(md_strset *s);

/* ---- diagnostics ------------------------------------------------------ */
enum { MD_SEV_ERROR = 1, MD_SEV_WARNING, MD_SEV_INFO, MD_SEV_HINT };

typedef struct md_diag {
	size_t start, end;   /* byte offsets in the whole source, end exclusive */
	int severity;
	const char *code;    /* static string, e.g. "fm-syntax" */
	char *message;
} md_diag;

typedef struct md_diags {
	md_diag *v;
	size_t n, cap;
	int oom;
} md_diags;

void md_diags_add(md_diags *d, size_t start, size_t end, int severity,
                  const char *code, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void md_diags_sort(md_diags *d);
void md_diags_free(md_diags *d);
const char *md_severity_name(int severity);

/* ---- front matter values ---------------------------------------------- */
typedef enum md_vkind {
	MD_V_NULL, MD_V_BOOL, MD_V_INT, MD_V_FLOAT, MD_V_STRING,
	MD_V_DATETIME,  /* a native date/time (YAML timestamp, TOML datetime) */
	MD_V_ARRAY, MD_V_MAP
} md_vkind;

typedef struct md_value md_value;

typedef struct md_entry {
	const char *key;
	size_t key_len;
	size_t key_start, key_end;  /* byte span of the key in the source */
	md_value *value;
} md_entry;

struct md_value {
	md_vkind kind;
	size_t start, end;       /* byte span of the value in the source */
	const char *str;         /* scalars: the text (decoded for strings) */
	size_t str_len;
	int quoted;              /* strings: written quoted in the source */
	int boolean;
	long long integer;
	double number;
	md_value **items;        /* arrays */
	size_t n_items;
	md_entry *entries;       /* maps, in source order, duplicates dropped */
	size_t n_entries;
	size_t weight;           /* values below, aliases expanded */
	unsigned flags;          /* parser bookkeeping (e.g. TOML table defined) */
};

/* Values live in an arena freed at once: aliases may share subtrees. */
typedef struct md_arena {
	struct md_arena_block *head;
	int oom;
} md_arena;

void *md_arena_alloc(md_arena *a, size_t n);
char *md_arena_strdup(md_arena *a, const char *s, size_t n);
void md_arena_free(md_arena *a);

md_value *md_value_new(md_arena *a, md_vkind kind, size_t start, size_t end);
int md_value_push(md_arena *a, md_value *array, md_value *item);
/* Adds key -> value; returns the earlier entry when the key is a duplicate
 * (the new value then replaces it, as Hugo keeps the last one). */
md_entry *md_value_set(md_arena *a, md_value *map, const char *key,
                       size_t key_len, size_t key_start, size_t key_end,
                       md_value *value, int *oom);
const md_value *md_value_get(const md_value *map, const char *key);

/* ---- front matter ----------------------------------------------------- */
typedef enum md_fm_format { MD_FM_NONE, MD_FM_YAML, MD_FM_TOML, MD_FM_JSON } md_fm_format;

typedef struct md_frontmatter {
	md_fm_format format;
	size_t start, end;       /* the whole block, delimiters included */
	size_t inner_start, inner_end;  /* between the delimiters */
	size_t body_start;       /* first byte of the Markdown body */
	md_value *root;          /* NULL when absent or unparseable */
	md_arena arena;
} md_frontmatter;

const char *md_fm_format_name(md_fm_format f);
/* Splits and parses; problems go to `diags`. Returns 0 or MDPOST_ENOMEM. */
int md_frontmatter_parse(md_frontmatter *fm, const char *src, size_t len,
                         md_diags *diags);
void md_frontmatter_free(md_frontmatter *fm);

int md_yaml_parse(md_frontmatter *fm, const char *src, md_diags *diags);
int md_toml_parse(md_frontmatter *fm, const char *src, md_diags *diags);
int md_json_parse(md_frontmatter *fm, const char *src, md_diags *diags);

/* ---- UTF-8 ------------------------------------------------------------ */
/* Decodes one code point at s[0..n); returns its length (>=1), with
 * *cp = 0xFFFD for an invalid sequence (length 1). */
size_t md_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
size_t md_utf8_encode(uint32_t cp, char out[4]);
size_t md_utf8_count(const char *s, size_t n);

/* ---- options (msgpack map from the caller) ---------------------------- */
typedef struct md_options {
	char path[4096];
	char preset[32];
	char anchors[32];
	int unsafe_html;
	int unsafe_set;
	int standalone;
	int sourcepos;
	char asset_base[1024];
	const char *css;       /* points into the caller's options buffer */
	size_t css_len;
	int text_on_disk;      /* not an option: md_check_file sets it */
} md_options;

int md_options_parse(md_options *o, const char *opts, size_t len,
                     mdpost_result *out);

/* mdpost_check of a post's text as read from its file (the CLI): its
 * heading ids go to the index for the links of other posts. */
int md_check_file(mdpost_result *out, const mdpost_site *site, const mdpost_index *index,
                  const char *src, size_t len, const char *opts, size_t opts_len);

/* ---- msgpack writing -------------------------------------------------- */
struct msgpack_packer;
struct msgpack_object;
/* The value of string key `key` in a msgpack map, or NULL (also when `map`
 * is NULL or not a map). */
const struct msgpack_object *md_pack_get(const struct msgpack_object *map, const char *key);
/* msgpack_packer_write callback: appends to an md_buf (data). */
int md_pack_buf_write(void *data, const char *p, size_t n);
void md_pack_str(struct msgpack_packer *pk, const char *s, size_t n);
void md_pack_cstr(struct msgpack_packer *pk, const char *s);
void md_pack_value(struct msgpack_packer *pk, const md_value *v, int depth);
void md_pack_range(struct msgpack_packer *pk, const md_lines *lines,
                   size_t start, size_t end);
void md_pack_diags(struct msgpack_packer *pk, const md_lines *lines,
                   const md_diags *d);

/* ---- headings (markdown.c) -------------------------------------------- */
typedef struct md_heading {
	size_t start, end;     /* byte span of the heading line(s) */
	size_t line, end_line; /* 0-based; end_line is the section's last line */
	int level;
	char *text;            /* plain text of the heading */
	char *id;              /* the id the generator gives it */
} md_heading;

typedef struct md_headings {
	md_heading *v;
	size_t n, cap;
	int truncated;         /* more than the limit: the rest were left out */
} md_headings;

int md_headings_collect(md_headings *h, const char *src, size_t len,
                        size_t body_start, const char *anchor_style);
void md_headings_free(md_headings *h);

/* ---- anchors (anchors.c) ---------------------------------------------- */
typedef enum md_anchor_style {
	MD_ANCHOR_GITHUB, MD_ANCHOR_GITHUB_ASCII, MD_ANCHOR_BLACKFRIDAY
} md_anchor_style;

/* ---- a parsed body: headings and links (markdown.c) ------------------ */
typedef enum md_link_kind {
	MD_LINK_INLINE,      /* [text](target) */
	MD_LINK_IMAGE,       /* ![alt](target) */
	MD_LINK_REFERENCE,   /* [text][label], [label][], ![alt][label] */
	MD_LINK_SHORTCUT,    /* [label]: a link only when the label is defined */
	MD_LINK_DEFINITION,  /* [label]: target */
	MD_LINK_AUTOLINK,    /* <https://...> */
	MD_LINK_HTML,        /* href= / src= in raw HTML (when it renders) */
	MD_LINK_REF,         /* {{< ref "..." >}} */
	MD_LINK_RELREF,      /* {{< relref "..." >}} */
	MD_LINK_FIGURE       /* {{< figure src="..." >}} */
} md_link_kind;

typedef struct md_link {
	md_link_kind kind;
	size_t start, end;   /* the target's bytes in the source (label for references) */
	char *target;        /* escapes resolved */
	size_t target_len;
	char *label;         /* references and definitions: normalized label */
	int image;
} md_link;

typedef struct md_doc {
	md_headings headings;
	md_link *links;
	size_t n_links, cap_links;
	md_strset ids;       /* every id the page's headings get */
	size_t body_start;
	int raw_html;        /* raw HTML renders (Hugo: goldmark unsafe) */
	const char *limit;   /* a limit stopped the parse (static message), or NULL */
	size_t limit_offset; /* where: byte offset in the source */
} md_doc;

int md_doc_parse(md_doc *d, const char *src, size_t len, size_t body_start,
                 md_anchor_style style, int raw_html);

/* A post kept between checks (behind mdpost_doc): the links of each
 * inline range keyed by the range's text (the blocks are re-parsed by
 * cmark-gfm each time: fast). One thread at a time. */
typedef struct md_doc_cache md_doc_cache;
md_doc_cache *md_doc_cache_new(void);
void md_doc_cache_free(md_doc_cache *c);
/* md_doc_parse, reusing and updating `cache` (NULL: a cold parse);
 * `headings_only` leaves the links out (folds). */
int md_doc_parse_cached(md_doc *d, md_doc_cache *cache, const char *src, size_t len,
                        size_t body_start, md_anchor_style style, int raw_html,
                        int headings_only);
void md_doc_free(md_doc *d);


int md_anchor_style_parse(const char *name, md_anchor_style *style);
const char *md_anchor_style_name(md_anchor_style style);
/* Appends the anchor for heading text `text` to `out`. */
void md_anchor_make(md_buf *out, const char *text, size_t len,
                    md_anchor_style style);

/* Key lookup as Hugo sees keys: ASCII case-insensitive. */
const md_entry *md_value_find(const md_value *map, const char *key, size_t n);
size_t md_edit_distance(const char *a, size_t an, const char *b, size_t bn);

/* ---- schema (schema.c) ------------------------------------------------ */
typedef struct md_schema {
	char *text;            /* the schema's source (values point into it) */
	size_t len;
	md_frontmatter doc;    /* parsed; doc.root is the schema object */
	struct md_schema *base; /* the preset it `extends`, kept alive */
} md_schema;

/* The text of a preset schema (csrc/presets/NAME.yaml), or NULL. */
const char *md_preset_schema(const char *name, size_t *len);

/* Parses a JSON Schema written in YAML or JSON; problems go to `diags`
 * (positions in the schema's own text). */
int md_schema_load(md_schema *s, const char *text, size_t len, md_diags *diags);
void md_schema_free(md_schema *s);
/* Validates fm->root; diagnostics point into `src` (the post). */
void md_schema_validate(const md_schema *s, const md_frontmatter *fm,
                        const char *src, const char *zone, md_diags *diags);

/* ---- site (site.c) ---------------------------------------------------- */
typedef struct md_site {
	char root[4096];
	char config[4096];     /* the config file that marked the root */
	const char *generator; /* "hugo", "jekyll", "zola", "mdpost" */
} md_site;

/* 1 found, 0 not found. `path` may be a file or a directory. */
int md_site_find(md_site *site, const char *path);

#define MD_MAX_RULES 64
#define MD_MAX_DIRS 8
#define MD_MAX_IGNORE 64

/* ---- external URLs (http.c) ------------------------------------------ */
#define MD_HTTP_MAX_EXCLUDE 32
#define MD_HTTP_MAX_ACCEPT 32
#define MD_HTTP_MAX_HEADERS 32

/* .mdpost.yaml `external:`; defaults from md_http_config_default. */
typedef struct md_http_config {
	long timeout_ms;          /* a whole request */
	long connect_timeout_ms;
	int concurrency;          /* requests at once */
	int per_host;             /* requests at once to one host:port */
	int retries;              /* more attempts after a network error or 5xx */
	long retry_delay_ms;      /* first backoff; doubles each attempt */
	long cache_ttl_s;         /* 0: no cache */
	long cache_dead_ttl_s;    /* dead or unreachable verdicts (at most cache_ttl_s) */
	char cache[4096];         /* the cache file; "" = default place */
	char exclude[MD_HTTP_MAX_EXCLUDE][256];  /* POSIX extended regexes */
	int n_exclude;
	int accept[MD_HTTP_MAX_ACCEPT];          /* statuses that mean alive */
	int n_accept;             /* 0: any 2xx, and 429 */
	struct { char host[256]; char name[64]; char value[512]; } headers[MD_HTTP_MAX_HEADERS];
	int n_headers;            /* host "*" applies to every host */
} md_http_config;

void md_http_config_default(md_http_config *c);

/* One URL's answer. Strings live as long as the checker. */
typedef struct md_http_result {
	const char *url;          /* as given (fragment dropped) */
	const char *verdict;      /* ok | dead | moved | excluded | offline */
	const char *code;         /* link-external, link-redirect, or NULL when fine */
	int severity;             /* default severity of `code` (0 when none) */
	int status;               /* the last HTTP status, 0 without an answer */
	int cached;               /* from the cache: no request sent */
	int requests;             /* requests sent for it in this run */
	const char *redirect;     /* moved: the new URL */
	char message[640];
} md_http_result;

typedef struct md_http md_http;
typedef void (*md_http_cb)(void *data, const md_http_result *r);

/* A checker for one run: add URLs (duplicates are kept once), then run. */
int md_http_new(md_http **h, const md_http_config *cfg, const char *site_root);
/* 1 added, 0 already there or not fetchable (not http/https), <0 error. */
int md_http_add(md_http *h, const char *url, size_t n);
size_t md_http_count(const md_http *h);
/* Fetches every URL (one thread, libcurl multi), calling `cb` as each
 * answer arrives; stops early when *cancel becomes non-zero. Reads the
 * cache first and writes it back at the end. */
int md_http_run(md_http *h, md_http_cb cb, void *data, volatile int *cancel);
/* The answer for a URL after md_http_run, or NULL. Safe from threads. */
const md_http_result *md_http_get(const md_http *h, const char *url, size_t n);
/* Every request failed the way it does without a network: nothing was
 * judged (each verdict is "offline"). */
int md_http_offline(const md_http *h);
const char *md_http_cache_path(const md_http *h);
void md_http_free(md_http *h);
/* The length of `url` without its #fragment, or 0 when it is not an
 * http/https URL the checker fetches (no host, spaces, control bytes). */
size_t md_http_fetchable(const char *url, size_t n);

/* Every external URL of a post where it occurs: links, images, link
 * definitions, autolinks, raw HTML, figure shortcodes and front matter
 * string values. */
typedef struct md_ext_url {
	char *url;
	size_t len;
	size_t start, end;        /* byte span in the source */
} md_ext_url;

typedef struct md_ext_urls {
	md_ext_url *v;
	size_t n, cap;
} md_ext_urls;

int md_external_urls(md_ext_urls *out, const char *src, size_t len, const mdpost_site *site);
void md_ext_urls_free(md_ext_urls *u);

/* The public handle: everything read once from the site's config files.
 * Immutable after mdpost_site_open, so threads may share it. */
struct mdpost_site {
	md_site site;            /* root, config file, generator */
	int found;               /* a site root was found */
	char preset[32];         /* hugo, hugo-mainroad, jekyll, zola, none */
	char schema_name[4200];  /* "preset hugo" or the schema file's path */
	md_schema schema;
	md_anchor_style anchors;
	char timezone[64];       /* Hugo's timeZone; "" is UTC */
	int unsafe_html;
	char content_dir[4200];
	struct { char code[32]; int severity; } rules[MD_MAX_RULES];
	int n_rules;
	char ignore[MD_MAX_IGNORE][256];
	int n_ignore;
	md_buf problems;         /* config problems, "file:line:col: message" lines */
	char static_dirs[MD_MAX_DIRS][4200];
	int n_static_dirs;
	char taxonomies[16][64]; /* plural names: tags, categories */
	int n_taxonomies;
	struct { char section[64]; char pattern[256]; } permalinks[16];
	int n_permalinks;
	md_http_config external; /* .mdpost.yaml external: */
};

/* ---- site index (index.c) ----------------------------------------------- */
typedef struct md_page {
	char *path;      /* in the content dir: posts/foo.md, posts/bar/index.md */
	char *url;       /* published at: /posts/foo/ */
	size_t url_len;  /* bytes, and characters (for "did you mean") */
	size_t url_chars;
	uint64_t url_sig;  /* the characters it holds, as bits (url_signature) */
	uint64_t url_sig2; /* and its pairs of adjacent characters */
	int leaf, branch;
	md_strset ids;   /* its headings' ids, once ids_ready (md_index_ids) */
	int ids_ready;
} md_page;

const md_strset *md_index_ids(const mdpost_index *x, const md_page *p);
/* A page's ids from a parse of its file's text made anyway (the CLI's
 * check): kept unless the page has its ids already. */
void md_index_offer_ids(const mdpost_index *x, const char *path, const md_headings *h);

char *md_page_url(const mdpost_site *site, const char *path, const md_value *fm);
const md_page *md_index_url(const mdpost_index *x, const char *url, size_t n);
int md_index_file(const mdpost_index *x, const char *url, size_t n);
int md_index_dir(const mdpost_index *x, const char *url, size_t n);
const md_page *md_index_path(const mdpost_index *x, const char *path, size_t n, int *ambiguous);
const md_page *md_index_nearest(const mdpost_index *x, const char *url, size_t n);
const md_page *md_index_page_at(const mdpost_index *x, size_t i); /* in index order */
/* ---- render (render.c) ------------------------------------------------ */
typedef struct md_render_in {
	const char *src;            /* the whole post */
	size_t len, body_start;
	size_t body_line;           /* 0-based line of the body's first byte */
	const mdpost_site *site;    /* may be NULL */
	const mdpost_index *index;  /* may be NULL: ref/relref stay as written */
	const md_value *fm;         /* the front matter, or NULL */
	const char *post_path;      /* the post's file (opts.path), or NULL */
	const char *page_path;      /* its path in the content dir, or NULL */
	int bundle;                 /* it is a page bundle's index.md/_index.md */
	md_anchor_style anchors;
	int unsafe_html, sourcepos, standalone;
	const char *asset_base;     /* NULL: URLs as written */
	const char *css;            /* NULL: the built-in stylesheet */
	size_t css_len;
} md_render_in;

int md_render_post(md_buf *out, const md_render_in *in);

/* The 1-based line where lists nest more than 100 deep on one line
 * (cmark-gfm's time grows with the square of that depth), or where the
 * block quote and list markers so far pass a million (its memory), or 0;
 * *why says which (markdown.c). */
size_t md_nesting_limit(const char *s, size_t len, const char **why);
/* The 1-based line where `<?`, `<!`, `<![CDATA[` that are never closed
 * would cost cmark-gfm 0.29 (quadratic in them) too much, or 0. */
size_t md_html_too_open(const char *s, size_t len);

/* Adds the ids of the body's headings to `ids` (cmark-gfm's parse, the
 * anchors.c rules): how the index learns the ids of other pages. */
int md_heading_ids(md_strset *ids, const char *src, size_t len, size_t body_start,
                   md_anchor_style style);

/* cmark-gfm, shared by the preview and the checks (render.c). A parse
 * allocates from the calling thread's arena: md_cmark_release() frees
 * every tree and parser made since. MD_CMARK_ALL: every GFM extension,
 * inlines parsed (for HTML); MD_CMARK_BLOCKS: tables only and, unless
 * footnotes are on, no inline parse (paragraphs and headings keep no
 * inline children: for the block structure only). */
struct cmark_node;
struct cmark_parser;
struct md_anchor_src;
enum { MD_CMARK_ALL, MD_CMARK_BLOCKS };
struct cmark_node *md_cmark_parse(const char *s, size_t n, int options, int what,
                                  struct cmark_parser **parser);
void md_cmark_release(void);
/* The start of each of cmark's lines (ended by \n, \r\n or a lone \r),
 * malloc'd; *count of them. NULL when out of memory. */
size_t *md_cmark_line_starts(const char *s, size_t n, size_t *count);
/* The block after x in document order under root: its first child when
 * `enter` and it has one, else the next sibling of x or of its nearest
 * ancestor that has one; NULL at the end. */
struct cmark_node *md_cmark_next(struct cmark_node *x, struct cmark_node *root, int enter);

/* Finds the start of a 1-based line of the body, scanning on from the
 * last line asked for (one pass when lines come in order). */
typedef struct md_line_cursor {
	const char *body;
	size_t len, line, off;
} md_line_cursor;
const char *md_body_line(md_line_cursor *lc, size_t line);

/* A heading node's id source, from the raw source as goldmark takes it:
 * an ATX heading from its first # (`*text` there, `*atx` set), a setext
 * heading from the last line of its text without the container prefix.
 * Returns 0, 1 (no such line: nothing to free) or MDPOST_ENOMEM. */
int md_cmark_heading_source(struct cmark_node *node, md_line_cursor *lc,
                            struct md_anchor_src *as, const char **text, int *atx);

/* The page a ref/relref shortcode's path names (links.c); NULL if none. */
const md_page *md_ref_lookup(const mdpost_index *idx, const char *page_path,
                             const char *path, size_t n, int *ambiguous);
int md_index_render_hook(const mdpost_index *x);

/* ---- link checks (links.c) ------------------------------------------------ */
struct msgpack_packer;
const char *md_link_kind_name(md_link_kind k);
int md_links_run(const md_doc *doc, const char *src, size_t len, const mdpost_site *site,
                 const mdpost_index *idx, const char *page_path, const char *page_url,
                 md_diags *diags, struct msgpack_packer *list, const md_lines *lines);

/* The severity a site gives a rule (0 = off), or `severity` by default. */
int md_site_rule_severity(const mdpost_site *s, const char *code, int severity);

/* ---- CLI-facing helpers (exported to cli.c through the objects) ------- */
char *md_read_file(const char *path, size_t *len, char *err, size_t errlen);

#endif
