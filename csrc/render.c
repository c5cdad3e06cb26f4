/*
 * HTML for the preview: cmark-gfm and its GFM extensions for the Markdown,
 * then what the site adds around it, in linear passes over the text:
 *
 *   1. shortcodes, which Hugo runs before Markdown, become placeholders
 *      (ref/relref become their page's URL, so a link around them works);
 *   2. cmark-gfm renders the body, always with source positions;
 *   3. heading ids come from the raw heading lines, as goldmark takes them
 *      (anchors.c), for the headings cmark found;
 *   4. one pass over the HTML sets the ids, turns source positions into
 *      data-line (or drops them), puts the shortcodes' HTML in, and points
 *      local images and links at asset_base.
 */
#include <limits.h>
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "anchors.h"
#include "internal.h"

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

/*
 * Block structure without inline parsing. cmark-gfm parses every
 * paragraph's and heading's inlines when the document ends, and the
 * checks and heading ids need only the blocks (links come from our own
 * scanner, ids from the raw heading lines): that pass is more than half
 * of cmark's time. A paragraph or heading whose node carries an
 * extension is parsed for inlines only if the extension says so. This
 * one, attached to the parser, remembers the document's root the first
 * time a line of text asks extensions whether it opens a block (it never
 * opens one); once all lines are fed, the paragraphs and headings get it
 * (mark_blocks_only). Without a line of text nothing is marked, and cmark
 * parses the inlines as usual: slower, the same blocks.
 */
static cmark_syntax_extension *blocks_only;
static __thread cmark_node *tl_root;

static cmark_node *note_root(cmark_syntax_extension *e, int indented, cmark_parser *p,
                             cmark_node *container, unsigned char *input, int len)
{
	(void)e, (void)indented, (void)p, (void)input, (void)len;
	if (!tl_root) {
		while (cmark_node_parent(container))
			container = cmark_node_parent(container);
		tl_root = container;
	}
	return NULL;
}

static int no_inlines(cmark_syntax_extension *e, cmark_node *n)
{
	(void)e, (void)n;
	return 0;
}

size_t *md_cmark_line_starts(const char *s, size_t n, size_t *count)
{
	/* With no \r, by memchr. */
	int cr = memchr(s, '\r', n) != NULL;
	size_t lines = 1;
	if (cr) {
		for (size_t i = 0; i < n; i++)
			lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'));
	} else {
		for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
			lines++;
	}
	size_t *ls = malloc(lines * sizeof(*ls));
	if (!ls)
		return NULL;
	size_t k = 0;
	ls[k++] = 0;
	if (cr) {
		for (size_t i = 0; i < n; i++)
			if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n')))
				ls[k++] = i + 1;
	} else {
		for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
			ls[k++] = (size_t)(p - s) + 1;
	}
	*count = lines;
	return ls;
}

cmark_node *md_cmark_next(cmark_node *x, cmark_node *root, int enter)
{
	cmark_node *down = enter ? cmark_node_first_child(x) : NULL;
	if (down)
		return down;
	while (x != root && !cmark_node_next(x))
		x = cmark_node_parent(x);
	return x != root ? cmark_node_next(x) : NULL;
}

/* For each of cmark's 1-based lines, how many lines up to it hold "[^":
 * a footnote reference can only be in a paragraph or heading whose lines
 * hold one. NULL when out of memory. */
static uint32_t *footnote_lines(const char *s, size_t n, size_t *n_lines)
{
	size_t lines;
	size_t *ls = md_cmark_line_starts(s, n, &lines);
	uint32_t *count = ls && lines < UINT32_MAX ? calloc(lines + 2, sizeof(*count)) : NULL;
	if (!count) {
		free(ls);
		return NULL;
	}
	/* Each [^, and the line it is on (counted on from the last). */
	size_t line = 1;
	for (const char *q = s; (q = md_find_pair(q, (size_t)(s + n - q), '[', '^')); q += 2) {
		while (line < lines && ls[line] <= (size_t)(q - s))
			line++;
		count[line] = 1;
	}
	free(ls);
	for (size_t k = 1; k <= lines + 1; k++)
		count[k] += count[k - 1];
	*n_lines = lines;
	return count;
}

/* Marks every paragraph and heading that cannot hold a footnote reference
 * (fn == NULL: footnotes are off, every one). A block on the tree's
 * right edge may still be open, its end line not known yet: it may reach
 * the last line. */
static void mark_blocks_only(cmark_node *root, const uint32_t *fn, size_t n_lines)
{
	cmark_node *x = cmark_node_first_child(root);
	while (x) {
		cmark_node_type t = cmark_node_get_type(x);
		if ((t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING) &&
		    !cmark_node_get_syntax_extension(x)) {
			int mark = 1;
			if (fn) {
				size_t first = (size_t)cmark_node_get_start_line(x), last = n_lines;
				cmark_node *up = x;
				while (up != root && !cmark_node_next(up))
					up = cmark_node_parent(up);
				if (up != root)
					last = (size_t)cmark_node_get_end_line(x);
				if (first < 1 || first > n_lines)
					first = 1;
				if (last < first || last > n_lines)
					last = n_lines;
				mark = fn[last] == fn[first - 1];
			}
			if (mark)
				cmark_node_set_syntax_extension(x, blocks_only);
		}
		x = md_cmark_next(x, root, 1);
	}
}

/* cmark-gfm keeps its extension registry globally; fill it exactly once. */
static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	blocks_only = cmark_syntax_extension_new("mdpost-blocks-only");
	if (blocks_only) {
		cmark_syntax_extension_set_open_block_func(blocks_only, note_root);
		cmark_syntax_extension_set_contains_inlines_func(blocks_only, no_inlines);
	}
}

static const char *const extension_names[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL
};

/* Shortcode placeholders: letters and digits only, so Markdown leaves them
 * alone wherever they sit. */
#define TOKEN_PREFIX "MDPOSTSC"
#define TOKEN_PREFIX_LEN 8

typedef struct heading_id {
	size_t line;      /* 1-based line of the body where cmark starts it */
	char *id;
	int attrs;        /* the heading ends with an attribute block {…} */
} heading_id;

typedef struct rctx {
	const md_render_in *in;
	md_buf pre;               /* the body, shortcodes replaced */
	md_buf *shortcodes;       /* HTML of each placeholder */
	int *block;               /* it is a block (figure) */
	size_t n_sc, cap_sc;
	heading_id *heads;
	size_t n_heads, cap_heads;
	char root[PATH_MAX];      /* the site root, resolved, for asset paths */
	int have_root;
	int positions;            /* cmark wrote source positions */
	int oom;
} rctx;

/* ---- small helpers ------------------------------------------------------ */

static void put_escaped(md_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': md_buf_puts(b, "&amp;"); break;
		case '<': md_buf_puts(b, "&lt;"); break;
		case '>': md_buf_puts(b, "&gt;"); break;
		case '"': md_buf_puts(b, "&quot;"); break;
		default: md_buf_putc(b, s[i]);
		}
	}
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- asset URLs ----------------------------------------------------------- */

/* A URL with a scheme (http:, mailto:, data:), protocol-relative or a
 * fragment only: not a file of the site. */
static int is_remote(const char *v, size_t n)
{
	if (n == 0 || v[0] == '#' || (n >= 2 && v[0] == '/' && v[1] == '/'))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (c == ':')
			return i > 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '-' || c == '.'))
			return 0;
	}
	return 0;
}

/* `file` (resolved) as a path below the site root, when it is a regular
 * file there. */
static const char *below_root(rctx *c, const char *file, char *resolved)
{
	struct stat st;
	if (!realpath(file, resolved) || stat(resolved, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	size_t rl = strlen(c->root);
	if (strncmp(resolved, c->root, rl) != 0 || resolved[rl] != '/')
		return NULL;
	return resolved + rl + 1;
}

/*
 * Appends asset_base + the file's path from the site root when the
 * attribute value `v` (HTML-escaped, as cmark writes it) names a file of
 * the site: root-relative in a static dir or the content dir, relative in
 * the post's page bundle (Hugo resolves relative URLs against the page's
 * URL, which is the bundle's directory only for index.md / _index.md).
 * Returns 0 when it does not.
 */
static int put_asset(rctx *c, md_buf *out, const char *v, size_t n)
{
	const md_render_in *in = c->in;
	if (!in->asset_base || !c->have_root || is_remote(v, n))
		return 0;
	/* Unescape &amp; (cmark's only entity in URLs besides &quot;), drop
	 * the query and fragment, percent-decode. */
	char path[PATH_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof(path) - 1; i++) {
		if (v[i] == '?' || v[i] == '#')
			break;
		if (v[i] == '&' && i + 4 < n && memcmp(v + i, "&amp;", 5) == 0) {
			path[k++] = '&';
			i += 4;
		} else if (v[i] == '%' && i + 2 < n && hexval(v[i + 1]) >= 0 && hexval(v[i + 2]) >= 0) {
			path[k++] = (char)(hexval(v[i + 1]) * 16 + hexval(v[i + 2]));
			i += 2;
		} else {
			path[k++] = v[i];
		}
	}
	path[k] = '\0';
	if (k == 0 || memchr(path, '\0', k))
		return 0;
	char file[PATH_MAX * 2], resolved[PATH_MAX];
	const char *rel = NULL;
	if (path[0] == '/') {
		const mdpost_site *s = in->site;
		for (int i = 0; !rel && i < s->n_static_dirs; i++) {
			snprintf(file, sizeof(file), "%s%s", s->static_dirs[i], path);
			rel = below_root(c, file, resolved);
		}
		if (!rel) {
			snprintf(file, sizeof(file), "%s%s", s->content_dir, path);
			rel = below_root(c, file, resolved);
		}
	} else if (in->post_path && in->bundle) {
		const char *slash = strrchr(in->post_path, '/');
		int dl = slash ? (int)(slash - in->post_path) : 1;
		snprintf(file, sizeof(file), "%.*s/%s", dl, slash ? in->post_path : ".", path);
		rel = below_root(c, file, resolved);
	}
	if (!rel)
		return 0;
	md_buf_puts(out, in->asset_base);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/-._~", *p)) {
			md_buf_putc(out, (char)*p);
		} else {
			md_buf_putc(out, '%');
			md_buf_putc(out, hex[*p >> 4]);
			md_buf_putc(out, hex[*p & 15]);
		}
	}
	return 1;
}

static void put_url_attr(rctx *c, md_buf *out, const char *v, size_t n)
{
	md_buf raw = {0};
	put_escaped(&raw, v, n);
	if (!put_asset(c, out, raw.data ? raw.data : "", raw.len))
		md_buf_put(out, raw.data ? raw.data : "", raw.len);
	c->oom |= raw.oom;
	md_buf_free(&raw);
}

/* ---- shortcodes ----------------------------------------------------------- */

typedef struct sc_arg {
	const char *key, *val;   /* key NULL for a positional argument */
	size_t key_len, val_len;
} sc_arg;

#define MAX_SC_ARGS 32

/* Arguments between the name and the closing delimiter: `key="v"`,
 * key=v, "positional", `raw`, bare. */
static size_t sc_args(const char *s, size_t n, sc_arg *args)
{
	size_t na = 0, i = 0;
	while (i < n && na < MAX_SC_ARGS) {
		while (i < n && is_space(s[i]))
			i++;
		if (i >= n)
			break;
		sc_arg a = {0};
		size_t ks = i;
		while (i < n && !is_space(s[i]) && s[i] != '=' && s[i] != '"' && s[i] != '`')
			i++;
		if (i < n && s[i] == '=') {
			a.key = s + ks;
			a.key_len = i - ks;
			i++;
		} else {
			i = ks;
		}
		if (i < n && (s[i] == '"' || s[i] == '`')) {
			char q = s[i++];
			a.val = s + i;
			while (i < n && s[i] != q)
				i += (s[i] == '\\' && q == '"' && i + 1 < n) ? 2 : 1;
			a.val_len = (i < n ? i : n) - (size_t)(a.val - s);
			i++;
		} else {
			a.val = s + i;
			while (i < n && !is_space(s[i]))
				i++;
			a.val_len = (size_t)(s + i - a.val);
		}
		args[na++] = a;
	}
	return na;
}

static const sc_arg *sc_named(const sc_arg *args, size_t na, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < na; i++)
		if (args[i].key && args[i].key_len == kl && memcmp(args[i].key, key, kl) == 0)
			return &args[i];
	return NULL;
}

static md_buf *new_shortcode(rctx *c, int block)
{
	if (c->n_sc == c->cap_sc) {
		size_t cap = c->cap_sc ? c->cap_sc * 2 : 16;
		md_buf *v = realloc(c->shortcodes, cap * sizeof(*v));
		int *b = v ? realloc(c->block, cap * sizeof(*b)) : NULL;
		if (v)
			c->shortcodes = v;
		if (!v || !b) {
			c->oom = 1;
			return NULL;
		}
		c->block = b;
		c->cap_sc = cap;
	}
	md_buf *h = &c->shortcodes[c->n_sc];
	memset(h, 0, sizeof(*h));
	c->block[c->n_sc] = block;
	md_buf_printf(&c->pre, TOKEN_PREFIX "%zuQ", c->n_sc);
	c->n_sc++;
	return h;
}

/* ` name="value"` for an argument given, escaped; nothing otherwise.
 * `open` is the text up to the value: ` name="`. */
static void put_arg_attr(md_buf *h, const char *open, const sc_arg *a)
{
	if (!a)
		return;
	md_buf_puts(h, open);
	put_escaped(h, a->val, a->val_len);
	md_buf_putc(h, '"');
}

/* Hugo's figure shortcode (0.111's template), caption and title as text. */
static void figure_html(rctx *c, md_buf *h, const sc_arg *args, size_t na)
{
	const sc_arg *src = sc_named(args, na, "src"), *link = sc_named(args, na, "link");
	const sc_arg *title = sc_named(args, na, "title"), *caption = sc_named(args, na, "caption");
	const sc_arg *alt = sc_named(args, na, "alt"), *cls = sc_named(args, na, "class");
	const sc_arg *width = sc_named(args, na, "width"), *height = sc_named(args, na, "height");
	md_buf_puts(h, "<figure");
	put_arg_attr(h, " class=\"", cls);
	md_buf_putc(h, '>');
	if (link) {
		md_buf_puts(h, "<a href=\"");
		put_url_attr(c, h, link->val, link->val_len);
		md_buf_puts(h, "\">");
	}
	md_buf_puts(h, "<img src=\"");
	if (src)
		put_url_attr(c, h, src->val, src->val_len);
	md_buf_putc(h, '"');
	put_arg_attr(h, " alt=\"", alt ? alt : caption);
	put_arg_attr(h, " width=\"", width);
	put_arg_attr(h, " height=\"", height);
	md_buf_puts(h, " />");
	if (link)
		md_buf_puts(h, "</a>");
	if (title || caption) {
		md_buf_puts(h, "<figcaption>");
		if (title) {
			md_buf_puts(h, "<h4>");
			put_escaped(h, title->val, title->val_len);
			md_buf_puts(h, "</h4>");
		}
		if (caption) {
			md_buf_puts(h, "<p>");
			put_escaped(h, caption->val, caption->val_len);
			md_buf_puts(h, "</p>");
		}
		md_buf_puts(h, "</figcaption>");
	}
	md_buf_puts(h, "</figure>");
}

/* ref/relref: the page's URL, fragment kept; the path as written when the
 * page is unknown (or the index not ready), as a link that shows it. */
static void ref_url(rctx *c, const sc_arg *args, size_t na)
{
	const sc_arg *p = sc_named(args, na, "path");
	if (!p) {
		for (size_t i = 0; i < na && !p; i++)
			if (!args[i].key)
				p = &args[i];
	}
	if (!p)
		return;
	const char *hash = memchr(p->val, '#', p->val_len);
	size_t pl = hash ? (size_t)(hash - p->val) : p->val_len;
	const md_page *page = NULL;
	int amb = 0;
	const md_render_in *in = c->in;
	if (pl && in->index && mdpost_index_ready(in->index))
		page = md_ref_lookup(in->index, in->page_path, p->val, pl, &amb);
	if (page && !amb)
		md_buf_puts(&c->pre, page->url);
	else
		md_buf_put(&c->pre, p->val, pl);
	if (hash)
		md_buf_put(&c->pre, hash, p->val_len - pl);
}

/*
 * Copies the body into c->pre with every shortcode replaced. A shortcode
 * that spans lines leaves its newlines behind it, so the lines after it
 * keep their numbers.
 */
static void replace_shortcodes(rctx *c, const char *t, size_t n)
{
	size_t copied = 0;
	for (size_t i = 0; i + 4 < n; i++) {
		const char *b = memchr(t + i, '{', n - i);
		if (!b)
			break;
		i = (size_t)(b - t);
		if (i + 4 >= n || t[i + 1] != '{' || (t[i + 2] != '<' && t[i + 2] != '%'))
			continue;
		char d = t[i + 2];
		char close = d == '<' ? '>' : '%';
		/* The end: >}} (or %}}) outside quotes. */
		size_t end = i + 3;
		char q = 0;
		for (; end + 2 < n; end++) {
			if (q) {
				if (t[end] == q)
					q = 0;
			} else if (t[end] == '"' || t[end] == '`') {
				q = t[end];
			} else if (t[end] == close && t[end + 1] == '}' && t[end + 2] == '}') {
				break;
			} else if (t[end] == '\n' && end + 1 < n && t[end + 1] == '\n') {
				end = n;  /* a blank line: not a shortcode */
				break;
			}
		}
		if (end + 2 >= n)
			continue;
		md_buf_put(&c->pre, t + copied, i - copied);
		size_t j = i + 3;
		while (j < end && is_space(t[j]))
			j++;
		size_t newlines = 0;
		for (size_t k = i; k < end; k++)
			newlines += t[k] == '\n';
		if (j + 1 < end && t[j] == '/' && t[j + 1] == '*') {
			/* The escaped form (a comment inside the delimiters): Hugo prints
			 * the shortcode without the comment marks. */
			size_t e = end;
			while (e > j + 2 && is_space(t[e - 1]))
				e--;
			if (e >= j + 4 && t[e - 2] == '*' && t[e - 1] == '/')
				e -= 2;
			md_buf_putc(&c->pre, '{');
			md_buf_putc(&c->pre, '{');
			md_buf_putc(&c->pre, d);
			md_buf_put(&c->pre, t + j + 2, e - (j + 2));
			md_buf_putc(&c->pre, close);
			md_buf_puts(&c->pre, "}}");
			copied = end + 3;
			i = end + 2;
			continue;
		}
		size_t ns = j;
		while (j < end && !is_space(t[j]))
			j++;
		size_t nl = j - ns;
		sc_arg args[MAX_SC_ARGS];
		size_t na = sc_args(t + j, end - j, args);
		if ((nl == 3 && memcmp(t + ns, "ref", 3) == 0) ||
		    (nl == 6 && memcmp(t + ns, "relref", 6) == 0)) {
			ref_url(c, args, na);
		} else {
			int fig = nl == 6 && memcmp(t + ns, "figure", 6) == 0;
			md_buf *h = new_shortcode(c, fig);
			if (!h)
				return;
			if (fig) {
				figure_html(c, h, args, na);
			} else {
				md_buf_puts(h, "<span class=\"mdpost-shortcode\" title=\"Hugo shortcode: "
				               "the site renders it\">");
				put_escaped(h, t + i, end + 3 - i);
				md_buf_puts(h, "</span>");
			}
			c->oom |= h->oom;
		}
		for (size_t k = 0; k < newlines; k++)
			md_buf_putc(&c->pre, '\n');
		copied = end + 3;
		i = end + 2;
	}
	md_buf_put(&c->pre, t + copied, n - copied);
}

/* ---- heading ids ------------------------------------------------------------ */

static void push_heading_id(rctx *c, size_t line, char *id, int attrs)
{
	if (c->n_heads == c->cap_heads) {
		size_t cap = c->cap_heads ? c->cap_heads * 2 : 16;
		heading_id *v = realloc(c->heads, cap * sizeof(*v));
		if (!v) {
			free(id);
			c->oom = 1;
			return;
		}
		c->heads = v;
		c->cap_heads = cap;
	}
	c->heads[c->n_heads++] = (heading_id){line, id, attrs};
}

const char *md_body_line(md_line_cursor *lc, size_t line)
{
	if (line < 1)
		return NULL;
	if (line < lc->line) {
		lc->line = 1;
		lc->off = 0;
	}
	while (lc->line < line) {
		const char *nl = memchr(lc->body + lc->off, '\n', lc->len - lc->off);
		if (!nl)
			return NULL;
		lc->off = (size_t)(nl - lc->body) + 1;
		lc->line++;
	}
	return lc->body + lc->off;
}

int md_cmark_heading_source(cmark_node *node, md_line_cursor *lc, md_anchor_src *as,
                            const char **text, int *atx)
{
	const char *body = lc->body;
	size_t len = lc->len;
	size_t line = (size_t)cmark_node_get_start_line(node);
	size_t col = (size_t)cmark_node_get_start_column(node);
	size_t end_line = (size_t)cmark_node_get_end_line(node);
	const char *ls = md_body_line(lc, line);
	if (!ls)
		return 1;
	/* cmark's column may lie past the line (a setext heading after
	 * definitions it consumed): never past the line's end. */
	const char *le = memchr(ls, '\n', (size_t)(body + len - ls));
	if (!le)
		le = body + len;
	const char *p = ls + (col ? col - 1 : 0);
	if (p > le)
		p = le;
	while (p < body + len && (*p == ' ' || *p == '\t'))
		p++;
	*text = p;
	*atx = p < body + len && *p == '#';
	if (*atx)
		return md_anchor_source(as, p, (size_t)(body + len - p), 0) ? MDPOST_ENOMEM : 0;
	/* cmark may end the heading after the underline (at a blank line):
	 * the underline is the last line of = or - only. */
	const char *last = ls, *s, *e;
	for (size_t k = line + 1; k <= end_line; k++) {
		const char *u = md_body_line(lc, k);
		if (!u)
			break;
		while (u < body + len && (*u == ' ' || *u == '\t' || *u == '>'))
			u++;
		if (u < body + len && (*u == '=' || *u == '-'))
			break;
		last = md_body_line(lc, k);
	}
	e = memchr(last, '\n', (size_t)(body + len - last));
	if (!e)
		e = body + len;
	/* The container prefix: on the first line cmark says where the
	 * text starts; on later ones, block quote markers and indentation. */
	s = last == ls ? p : last;
	while (s < e && (*s == ' ' || *s == '\t' || *s == '>'))
		s++;
	return md_anchor_source(as, s, (size_t)(e - s), 1) ? MDPOST_ENOMEM : 0;
}

/* The id of one heading cmark found (see md_cmark_heading_source). */
static void heading_id_of(rctx *c, cmark_node *node, md_line_cursor *lc, md_idset *ids)
{
	const char *body = lc->body;
	size_t len = lc->len;
	size_t line = (size_t)cmark_node_get_start_line(node);
	md_anchor_src as;
	const char *p;
	int atx;
	int rc = md_cmark_heading_source(node, lc, &as, &p, &atx);
	if (rc > 0)
		return;
	if (rc) {
		c->oom = 1;
		return;
	}
	md_buf id = {0};
	if (md_anchor_id(ids, &as, c->in->anchors, &id) || id.oom) {
		c->oom = 1;
	} else {
		/* goldmark drops the attribute block from the heading's
		 * text: there is one when the line ends in a } that T (the
		 * id text, a slice of the line) does not reach. */
		const char *le = memchr(p, '\n', (size_t)(body + len - p));
		if (!le)
			le = body + len;
		while (le > p && (le[-1] == ' ' || le[-1] == '\t' || le[-1] == '\r'))
			le--;
		int attrs = as.id != NULL ||
		            (atx && le > p && le[-1] == '}' && as.text + as.text_len < le);
		push_heading_id(c, line, id.data ? id.data : calloc(1, 1), attrs);
		id.data = NULL;
	}
	md_buf_free(&id);
	md_anchor_source_free(&as);
}

/*
 * The id of every heading cmark found, in document order, from the raw
 * source as goldmark takes it: an ATX heading from its first #, a setext
 * heading from the last line of its text without the container prefix
 * (`> `, indent). Only container blocks are entered: inlines hold none.
 */
static void collect_ids(rctx *c, cmark_node *doc, const char *body, size_t len)
{
	md_line_cursor lc = {body, len, 1, 0};
	md_idset ids;
	md_idset_init(&ids);
	cmark_node *n = cmark_node_first_child(doc);
	while (n && !c->oom) {
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_HEADING)
			heading_id_of(c, n, &lc, &ids);
		n = md_cmark_next(n, doc, t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST ||
		                             t == CMARK_NODE_ITEM || t == CMARK_NODE_FOOTNOTE_DEFINITION);
	}
	md_idset_free(&ids);
}

static const heading_id *heading_at(const rctx *c, size_t line, size_t *cursor)
{
	/* Headings come in document order, as the HTML does. */
	for (size_t i = *cursor; i < c->n_heads; i++)
		if (c->heads[i].line == line) {
			*cursor = i + 1;
			return &c->heads[i];
		}
	return NULL;
}

/* ---- the pass over cmark's HTML --------------------------------------------- */

static int starts_at(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

/* ` data-sourcepos="L:C-L:C"`: the start line, and where it ends. */
static const char *sourcepos(const char *s, const char *end, size_t *line)
{
	if (!starts_at(s, end, " data-sourcepos=\""))
		return NULL;
	const char *p = s + 17;
	*line = 0;
	while (p < end && *p >= '0' && *p <= '9')
		*line = *line * 10 + (size_t)(*p++ - '0');
	const char *q = memchr(p, '"', (size_t)(end - p));
	return q ? q + 1 : NULL;
}

static void put_data_line(rctx *c, md_buf *out, size_t line)
{
	if (c->in->sourcepos && line)
		md_buf_printf(out, " data-line=\"%zu\"", c->in->body_line + line - 1);
}

/* A placeholder at s: its number, and its length. */
static int token_at(const rctx *c, const char *s, const char *end, size_t *num, size_t *len)
{
	if (!starts_at(s, end, TOKEN_PREFIX))
		return 0;
	const char *p = s + TOKEN_PREFIX_LEN;
	size_t v = 0;
	const char *digits = p;
	while (p < end && *p >= '0' && *p <= '9' && p - digits < 9)
		v = v * 10 + (size_t)(*p++ - '0');
	if (p == digits || p >= end || *p != 'Q' || v >= c->n_sc)
		return 0;
	*num = v;
	*len = (size_t)(p + 1 - s);
	return 1;
}

/* Drops a trailing attribute block ` {#id .class}` from a heading's HTML. */
static void strip_attrs(md_buf *out, size_t content_start)
{
	if (out->len <= content_start || out->data[out->len - 1] != '}')
		return;
	for (size_t i = out->len - 1; i > content_start; i--) {
		if (out->data[i] == '{') {
			size_t e = i;
			while (e > content_start && (out->data[e - 1] == ' ' || out->data[e - 1] == '\t'))
				e--;
			out->len = e;
			out->data[e] = '\0';
			return;
		}
		if (out->data[i] == '<' || out->data[i] == '>')
			return;
	}
}

static void postprocess(rctx *c, md_buf *out, const char *html, size_t n)
{
	const char *s = html, *end = html + n;
	size_t cursor = 0;
	int heading_level = 0;      /* inside <hN> with an attribute block */
	size_t heading_content = 0;
	while (s < end) {
		const char *lt = memchr(s, '<', (size_t)(end - s));
		if (!lt)
			lt = end;
		/* Text up to the tag, with the placeholders put back. */
		size_t num, tl;
		while (c->n_sc && s < lt) {
			const char *m = md_find_pair(s, (size_t)(lt - s), 'M', 'D');
			if (!m)
				break;
			md_buf_put(out, s, (size_t)(m - s));
			if (token_at(c, m, end, &num, &tl)) {
				md_buf_put(out, c->shortcodes[num].data, c->shortcodes[num].len);
				s = m + tl;
			} else {
				md_buf_putc(out, *m);
				s = m + 1;
			}
		}
		md_buf_put(out, s, (size_t)(lt - s));
		s = lt;
		if (s >= end)
			break;
		/* A tag. Headings: id, data-line, and their attribute block. */
		if (s + 3 < end && s[1] == 'h' && s[2] >= '1' && s[2] <= '6' &&
		    (s[3] == ' ' || s[3] == '>')) {
			size_t line = 0;
			const char *after = sourcepos(s + 3, end, &line);
			const heading_id *h = NULL;
			if (after)
				h = heading_at(c, line, &cursor);
			else if (!c->positions && s[3] == '>' && cursor < c->n_heads)
				/* Without positions (and so without raw HTML) every
				 * <hN> is cmark's, in the order of the tree. */
				h = &c->heads[cursor++];
			md_buf_put(out, s, 3);
			if (h) {
				md_buf_puts(out, " id=\"");
				put_escaped(out, h->id, strlen(h->id));
				md_buf_putc(out, '"');
			}
			put_data_line(c, out, line);
			s = after ? after : s + 3;
			if (h && h->attrs && s < end && *s == '>') {
				heading_level = lt[2] - '0';
				md_buf_putc(out, '>');
				s++;
				heading_content = out->len;
			}
			continue;
		}
		if (heading_level && starts_at(s, end, "</h") && s + 3 < end && s[3] - '0' == heading_level) {
			strip_attrs(out, heading_content);
			heading_level = 0;
		}
		/* <p>TOKEN</p> of a block shortcode: the block alone. */
		if (starts_at(s, end, "<p")) {
			size_t line = 0;
			const char *after = s + 2 < end && s[2] == '>' ? s + 2 : sourcepos(s + 2, end, &line);
			if (after && after < end && *after == '>' &&
			    token_at(c, after + 1, end, &num, &tl) && c->block[num] &&
			    starts_at(after + 1 + tl, end, "</p>")) {
				const md_buf *h = &c->shortcodes[num];
				/* "<figure" then data-line, then the rest. */
				md_buf_put(out, h->data, 7);
				put_data_line(c, out, line);
				md_buf_put(out, h->data + 7, h->len - 7);
				s = after + 1 + tl + 4;
				continue;
			}
		}
		/* Any other tag: its source position and its URLs. */
		const char *gt = s + 1;
		while (gt < end && *gt != '>') {
			if (*gt == '"') {
				const char *q = memchr(gt + 1, '"', (size_t)(end - gt - 1));
				gt = q ? q : end;
			}
			if (gt < end)
				gt++;
		}
		const char *p = s + 1, *span = s;
		while (p < gt) {
			if (*p != ' ') {
				p++;
				continue;
			}
			size_t line;
			const char *after = sourcepos(p, gt, &line);
			if (after) {
				md_buf_put(out, span, (size_t)(p - span));
				put_data_line(c, out, line);
				p = span = after;
				continue;
			}
			if (starts_at(p, gt, " src=\"") || starts_at(p, gt, " href=\"")) {
				const char *v = p + (p[2] == 'r' ? 6 : 7);
				const char *q = memchr(v, '"', (size_t)(gt - v));
				if (q) {
					md_buf_put(out, span, (size_t)(v - span));
					if (!put_asset(c, out, v, (size_t)(q - v)))
						md_buf_put(out, v, (size_t)(q - v));
					p = span = q;
					continue;
				}
			}
			p++;
		}
		md_buf_put(out, span, (size_t)(gt - span));
		s = gt;
	}
}

/* ---- the standalone page ------------------------------------------------------ */

static const char default_css[] =
	":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;"
	"--code:#f6f8fa;--accent:#0969da}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;"
	"--line:#3d444d;--code:#151b23;--accent:#4493f8}}\n"
	"html{background:var(--bg);color:var(--fg)}\n"
	"body{margin:0;font:17px/1.75 -apple-system,BlinkMacSystemFont,\"Segoe UI\",\"Noto Sans\","
	"\"PingFang SC\",\"Hiragino Sans GB\",\"Noto Sans CJK SC\",\"Source Han Sans SC\","
	"\"Microsoft YaHei\",\"Noto Sans CJK JP\",sans-serif;text-rendering:optimizeLegibility;"
	"overflow-wrap:break-word}\n"
	".mdpost-page{max-width:46rem;margin:0 auto;padding:2rem 1.25rem 6rem}\n"
	".mdpost-card{border-bottom:1px solid var(--line);margin-bottom:2rem;padding-bottom:1rem}\n"
	".mdpost-card img{display:block;max-width:100%;max-height:22rem;object-fit:cover;"
	"border-radius:6px;margin-bottom:1rem}\n"
	".mdpost-title{font-size:2rem;line-height:1.3;margin:.2rem 0}\n"
	".mdpost-meta{color:var(--muted);font-size:.9rem;margin:.3rem 0}\n"
	".mdpost-tags{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.4rem}\n"
	".mdpost-tags li{font-size:.8rem;border:1px solid var(--line);border-radius:1rem;"
	"padding:0 .6rem}\n"
	".mdpost-description{color:var(--muted);font-style:italic}\n"
	"a{color:var(--accent)}\n"
	"h1,h2,h3,h4,h5,h6{line-height:1.35;margin:2rem 0 .8rem}\n"
	"h1,h2{border-bottom:1px solid var(--line);padding-bottom:.3rem}\n"
	"img{max-width:100%;height:auto}\n"
	"figure{margin:1.5rem 0;text-align:center}\n"
	"figcaption{color:var(--muted);font-size:.9rem}\n"
	"figcaption h4{margin:.3rem 0}\n"
	"pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Noto Sans Mono CJK SC\","
	"monospace;font-size:.9em}\n"
	"code{background:var(--code);border-radius:4px;padding:.1em .3em}\n"
	"pre{background:var(--code);border-radius:6px;padding:1rem;overflow:auto;line-height:1.5}\n"
	"pre code{background:none;padding:0}\n"
	"blockquote{margin:1rem 0;padding:0 1rem;color:var(--muted);border-left:.25rem solid var(--line)}\n"
	"table{border-collapse:collapse;display:block;overflow:auto;margin:1rem 0}\n"
	"th,td{border:1px solid var(--line);padding:.35rem .8rem}\n"
	"hr{border:0;border-top:1px solid var(--line);margin:2rem 0}\n"
	".mdpost-shortcode{font-family:ui-monospace,monospace;font-size:.85em;color:var(--muted);"
	"border:1px dashed var(--line);border-radius:4px;padding:.05em .35em}\n"
	"li>input[type=checkbox]{margin-right:.4em}\n"
	".footnotes{font-size:.9rem;color:var(--muted)}\n";

static const md_value *fm_get(const md_value *fm, const char *key)
{
	const md_entry *e = fm && fm->kind == MD_V_MAP ? md_value_find(fm, key, strlen(key)) : NULL;
	return e ? e->value : NULL;
}

static int is_text(const md_value *v)
{
	return v && (v->kind == MD_V_STRING || v->kind == MD_V_DATETIME) && v->str_len;
}

/* A list of terms (tags: [a, b], or tags: a). */
static void put_terms(md_buf *b, const md_value *v, const char *cls)
{
	if (!v || (v->kind != MD_V_ARRAY && !is_text(v)))
		return;
	size_t n = v->kind == MD_V_ARRAY ? v->n_items : 1;
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		const md_value *t = v->kind == MD_V_ARRAY ? v->items[i] : v;
		if (!is_text(t))
			continue;
		if (!any)
			md_buf_printf(b, "<ul class=\"mdpost-tags %s\">", cls);
		any = 1;
		md_buf_puts(b, "<li>");
		put_escaped(b, t->str, t->str_len);
		md_buf_puts(b, "</li>");
	}
	if (any)
		md_buf_puts(b, "</ul>\n");
}

/* The picture themes show for a post: thumbnail (Mainroad: a string or
 * {src}), image, featured_image, cover.image. */
static const md_value *fm_picture(const md_value *fm)
{
	static const char *const keys[] = {"thumbnail", "image", "featured_image", "cover", NULL};
	for (int i = 0; keys[i]; i++) {
		const md_value *v = fm_get(fm, keys[i]);
		if (v && v->kind == MD_V_MAP)
			v = fm_get(v, i == 3 ? "image" : "src");
		if (is_text(v))
			return v;
	}
	return NULL;
}

static void page_head(rctx *c, md_buf *b)
{
	const md_render_in *in = c->in;
	const md_value *fm = in->fm;
	const md_value *title = fm_get(fm, "title");
	md_buf_puts(b, "<!DOCTYPE html>\n<html><head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"generator\" content=\"mdpost\">\n<title>");
	if (is_text(title))
		put_escaped(b, title->str, title->str_len);
	else if (in->post_path)
		put_escaped(b, in->post_path, strlen(in->post_path));
	md_buf_puts(b, "</title>\n<style>\n");
	if (in->css)
		md_buf_put(b, in->css, in->css_len);
	else
		md_buf_put(b, default_css, sizeof(default_css) - 1);
	md_buf_puts(b, "</style>\n</head>\n<body>\n<main class=\"mdpost-page\">\n");
	if (!fm) {
		md_buf_puts(b, "<article class=\"mdpost-body\">\n");
		return;
	}
	md_buf_puts(b, "<header class=\"mdpost-card\">\n");
	const md_value *pic = fm_picture(fm);
	if (pic) {
		md_buf_puts(b, "<img class=\"mdpost-thumbnail\" src=\"");
		put_url_attr(c, b, pic->str, pic->str_len);
		md_buf_puts(b, "\" alt=\"\">\n");
	}
	if (is_text(title)) {
		md_buf_puts(b, "<h1 class=\"mdpost-title\">");
		put_escaped(b, title->str, title->str_len);
		md_buf_puts(b, "</h1>\n");
	}
	const md_value *date = fm_get(fm, "date");
	const md_value *author = fm_get(fm, "author");
	if (is_text(date) || is_text(author)) {
		md_buf_puts(b, "<p class=\"mdpost-meta\">");
		if (is_text(date)) {
			md_buf_puts(b, "<time datetime=\"");
			put_escaped(b, date->str, date->str_len);
			md_buf_puts(b, "\">");
			/* The day is what a reader sees. */
			size_t dl = date->str_len >= 10 && date->str[4] == '-' ? 10 : date->str_len;
			put_escaped(b, date->str, dl);
			md_buf_puts(b, "</time>");
		}
		if (is_text(author)) {
			md_buf_puts(b, is_text(date) ? " · " : "");
			put_escaped(b, author->str, author->str_len);
		}
		md_buf_puts(b, "</p>\n");
	}
	const md_value *desc = fm_get(fm, "description");
	if (!is_text(desc))
		desc = fm_get(fm, "summary");
	if (is_text(desc)) {
		md_buf_puts(b, "<p class=\"mdpost-description\">");
		put_escaped(b, desc->str, desc->str_len);
		md_buf_puts(b, "</p>\n");
	}
	put_terms(b, fm_get(fm, "categories"), "mdpost-categories");
	put_terms(b, fm_get(fm, "tags"), "mdpost-taglist");
	md_buf_puts(b, "</header>\n<article class=\"mdpost-body\">\n");
}

/* ---- an arena for cmark ----------------------------------------------------------- */

/*
 * cmark-gfm allocates node by node and frees the tree node by node; a
 * post's tree lives for one call, so a bump arena makes allocation cheap
 * and frees the whole tree at once (cmark-gfm's own command does the
 * same). cmark_mem has no context pointer: the arena is the calling
 * thread's, set for the duration of one render.
 */
typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} arena_block;

static __thread arena_block *tl_arena;

#define ARENA_HEADER 16  /* each allocation's size, kept before it */

static size_t arena_round(size_t n) { return (n + 15) & ~(size_t)15; }

static void *arena_take(size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	size_t need = arena_round(n) + ARENA_HEADER;
	arena_block *b = tl_arena;
	if (!b || b->cap - b->used < need) {
		size_t cap = b ? b->cap * 2 : (size_t)1 << 16;
		if (cap > (size_t)1 << 24)
			cap = (size_t)1 << 24;
		if (cap < need)
			cap = need;
		arena_block *nb = malloc(sizeof(*nb) + cap);
		if (!nb)
			return NULL;
		nb->next = b;
		nb->used = 0;
		nb->cap = cap;
		tl_arena = b = nb;
	}
	unsigned char *p = b->data + b->used;
	b->used += need;
	memcpy(p, &n, sizeof(n));
	return p + ARENA_HEADER;
}

static void *arena_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	void *p = arena_take(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

static void *arena_realloc(void *old, size_t n)
{
	if (!old)
		return arena_take(n);
	size_t had;
	memcpy(&had, (unsigned char *)old - ARENA_HEADER, sizeof(had));
	if (n <= had)
		return old;
	/* The last allocation of the block grows in place (cmark's buffers). */
	arena_block *b = tl_arena;
	unsigned char *end = (unsigned char *)old + arena_round(had);
	if (b && end == b->data + b->used && arena_round(n) - arena_round(had) <= b->cap - b->used) {
		b->used += arena_round(n) - arena_round(had);
		memcpy((unsigned char *)old - ARENA_HEADER, &n, sizeof(n));
		return old;
	}
	void *p = arena_take(n);
	if (p)
		memcpy(p, old, had);
	return p;
}

static void arena_free(void *p) { (void)p; }

static cmark_mem arena_mem = {arena_calloc, arena_realloc, arena_free};

void md_cmark_release(void)
{
	while (tl_arena) {
		arena_block *next = tl_arena->next;
		free(tl_arena);
		tl_arena = next;
	}
}

/* ---- entry ------------------------------------------------------------------- */

cmark_node *md_cmark_parse(const char *s, size_t n, int options, int what, cmark_parser **parser)
{
	pthread_once(&extensions_once, register_extensions);
	*parser = cmark_parser_new_with_mem(options, &arena_mem);
	if (!*parser)
		return NULL;
	/* Tables are block structure; the others change only inlines. */
	for (const char *const *name = extension_names;
	     *name && (what == MD_CMARK_ALL || name == extension_names); name++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(*name);
		if (ext)
			cmark_parser_attach_syntax_extension(*parser, ext);
	}
	int blocks = what == MD_CMARK_BLOCKS && blocks_only;
	if (blocks)
		cmark_parser_attach_syntax_extension(*parser, blocks_only);
	tl_root = NULL;
	cmark_parser_feed(*parser, s, n);
	/* cmark holds a last line without its end until the finish: end it,
	 * so its block is there to be marked (cmark ends the line the same). */
	if (blocks && n && s[n - 1] != '\n' && s[n - 1] != '\r')
		cmark_parser_feed(*parser, "\n", 1);
	if (blocks && tl_root) {
		/* cmark drops footnote definitions no inline refers to: with
		 * footnotes on, the blocks that may refer to one keep their
		 * inlines. */
		size_t n_lines = 0;
		uint32_t *fn = options & CMARK_OPT_FOOTNOTES ? footnote_lines(s, n, &n_lines) : NULL;
		if (fn || !(options & CMARK_OPT_FOOTNOTES))
			mark_blocks_only(tl_root, fn, n_lines);
		free(fn);
	}
	tl_root = NULL;
	return cmark_parser_finish(*parser);
}

int md_render_post(md_buf *out, const md_render_in *in)
{
	rctx c = {0};
	/* Guards cmark needs: see md_nesting_limit. */
	const char *why;
	if (md_nesting_limit(in->src + in->body_start, in->len - in->body_start, &why) ||
	    md_html_too_open(in->src + in->body_start, in->len - in->body_start))
		return MDPOST_ETOOBIG;
	c.in = in;
	const char *body = in->src + in->body_start;
	size_t len = in->len - in->body_start;
	if (in->site && in->site->found && realpath(in->site->site.root, c.root))
		c.have_root = 1;
	/* Most posts have no shortcode: then cmark reads the body itself. */
	const char *pre = body;
	size_t pre_len = len;
	if (md_find_pair(body, len, '{', '{')) {
		replace_shortcodes(&c, body, len);
		pre = c.pre.data ? c.pre.data : "";
		pre_len = c.pre.len;
	}
	int options = CMARK_OPT_GITHUB_PRE_LANG;
	/* cmark-gfm's footnote pass doubles its parse time: only for posts
	 * that can have a footnote. */
	if (md_find_pair(pre, pre_len, '[', '^'))
		options |= CMARK_OPT_FOOTNOTES;
	/* Positions are asked for, or tell cmark's headings from raw ones. */
	c.positions = in->sourcepos || in->unsafe_html;
	if (c.positions)
		options |= CMARK_OPT_SOURCEPOS;
	if (in->unsafe_html)
		options |= CMARK_OPT_UNSAFE;
	cmark_parser *parser = NULL;
	md_cmark_release();  /* a render that failed half-way on this thread */
	cmark_node *doc = c.oom || c.pre.oom ? NULL : md_cmark_parse(pre, pre_len, options, MD_CMARK_ALL, &parser);
	char *html = NULL;
	if (doc) {
		collect_ids(&c, doc, body, len);
		html = cmark_render_html_with_mem(doc, options,
		                                  cmark_parser_get_syntax_extensions(parser), &arena_mem);
	}
	int rc = MDPOST_ENOMEM;
	if (html && !c.oom) {
		size_t hl = strlen(html);
		md_buf_put(out, "", 0);
		if (in->standalone)
			page_head(&c, out);
		/* One allocation for the usual case. */
		if (out->cap < out->len + hl + hl / 16 + 1) {
			char *grown = realloc(out->data, out->len + hl + hl / 16 + 1);
			if (grown) {
				out->data = grown;
				out->cap = out->len + hl + hl / 16 + 1;
			}
		}
		postprocess(&c, out, html, hl);
		if (in->standalone)
			md_buf_puts(out, "</article>\n</main>\n</body>\n</html>\n");
		rc = out->oom || c.oom ? MDPOST_ENOMEM : MDPOST_OK;
	}
	/* The tree, the parser and the HTML are all in the arena. */
	md_cmark_release();
	for (size_t i = 0; i < c.n_sc; i++)
		md_buf_free(&c.shortcodes[i]);
	free(c.shortcodes);
	free(c.block);
	for (size_t i = 0; i < c.n_heads; i++)
		free(c.heads[i].id);
	free(c.heads);
	md_buf_free(&c.pre);
	return rc;
}

/*
 * The ids of a page's headings, for links into it from other posts: the
 * same cmark parse and goldmark rules as the preview, without rendering
 * (a page is parsed here about 30 times faster than by tree-sitter).
 */
int md_heading_ids(md_strset *ids, const char *src, size_t len, size_t body_start,
                   md_anchor_style style)
{
	md_render_in in = {0};
	in.src = src;
	in.len = len;
	in.body_start = body_start;
	in.anchors = style;
	rctx c = {0};
	c.in = &in;
	const char *body = src + body_start;
	size_t blen = len - body_start;
	const char *why;
	if (md_nesting_limit(body, blen, &why) || md_html_too_open(body, blen))
		return MDPOST_OK;  /* no ids: the post itself says md-limit */
	int options = CMARK_OPT_DEFAULT;
	if (md_find_pair(body, blen, '[', '^'))
		options |= CMARK_OPT_FOOTNOTES;
	cmark_parser *parser = NULL;
	md_cmark_release();
	cmark_node *doc = md_cmark_parse(body, blen, options, MD_CMARK_BLOCKS, &parser);
	if (doc)
		collect_ids(&c, doc, body, blen);
	md_cmark_release();
	int rc = doc && !c.oom ? MDPOST_OK : MDPOST_ENOMEM;
	for (size_t i = 0; i < c.n_heads; i++) {
		if (!rc && md_strset_put(ids, c.heads[i].id, strlen(c.heads[i].id), NULL))
			rc = MDPOST_ENOMEM;
		free(c.heads[i].id);
	}
	free(c.heads);
	return rc;
}
