/*
 * Markdown structure through tree-sitter-markdown (block grammar): headings
 * with their sections, for folds, `mdpost headings` and anchor tables.
 * Positions are byte offsets into the whole source; only the body (after
 * the front matter) is parsed.
 */
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "anchors.h"
#include "internal.h"
#include "tsutil.h"

#define MD_MAX_LINKS 100000    /* links, images and shortcodes of one post */
#define MD_MAX_HEADINGS 20000  /* headings of one post */

static int node_is(TSNode n, const char *type);
static TSNode child_of_type(TSNode n, const char *type);

const TSLanguage *tree_sitter_markdown(void);

static int node_is(TSNode n, const char *type) { return strcmp(ts_node_type(n), type) == 0; }

static int push_heading(md_headings *h, md_heading *x)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		md_heading *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *x;
	return 0;
}

typedef struct walk {
	const char *src;
	size_t len;        /* of the whole source */
	size_t base;
	md_headings *out;
	md_lines *lines;
	md_anchor_style style;
	md_idset ids;      /* every id given on the page so far */
	int oom;
} walk;

/* The heading's plain text: its inline source with the markup removed. */
static char *heading_text(const char *s, size_t n)
{
	md_buf b = {0};
	/* Trim and collapse the inline source; strip emphasis and code marks. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i + 1])) {
			md_buf_putc(&b, s[++i]);
			continue;
		}
		if (c == '*' || c == '`')
			continue;
		if (c == '\n' || c == '\r')
			c = ' ';
		md_buf_putc(&b, c);
	}
	size_t start = 0, end = b.len;
	while (start < end && (b.data[start] == ' ' || b.data[start] == '\t'))
		start++;
	while (end > start && (b.data[end - 1] == ' ' || b.data[end - 1] == '\t'))
		end--;
	char *text = malloc(end - start + 1);
	if (text) {
		if (end > start)
			memcpy(text, b.data + start, end - start);
		text[end - start] = '\0';
	}
	md_buf_free(&b);
	return text;
}

static void visit(walk *w, TSNode n)
{
	if (w->oom)
		return;
	int atx = node_is(n, "atx_heading");
	if ((atx || node_is(n, "setext_heading")) && w->out->n >= MD_MAX_HEADINGS) {
		w->out->truncated = 1;  /* a post with 20000 headings is not a post */
		return;
	}
	if (atx || node_is(n, "setext_heading")) {
		md_heading x = {0};
		x.start = w->base + ts_node_start_byte(n);
		x.end = w->base + ts_node_end_byte(n);
		TSNode content = ts_node_child_by_field_name(n, "heading_content", 15);
		TSNode *kids;
		size_t count = md_ts_children(n, 0, &kids, &w->oom);
		for (size_t i = 0; i < count; i++) {
			const char *t = ts_node_type(kids[i]);
			if (strncmp(t, "atx_h", 5) == 0 && t[5] >= '1' && t[5] <= '6')
				x.level = t[5] - '0';
			else if (strcmp(t, "setext_h1_underline") == 0)
				x.level = 1;
			else if (strcmp(t, "setext_h2_underline") == 0)
				x.level = 2;
		}
		free(kids);
		size_t cs = 0, ce = 0;
		if (!ts_node_is_null(content)) {
			cs = w->base + ts_node_start_byte(content);
			ce = w->base + ts_node_end_byte(content);
		}
		/* The id comes from the raw source, as goldmark takes it: an ATX
		 * heading from its first #, a setext heading from the last line of
		 * its text (after that line's container prefix). */
		md_anchor_src as;
		int rc;
		if (atx) {
			rc = md_anchor_source(&as, w->src + x.start, w->len - x.start, 0);
		} else {
			/* The text is the paragraph's inline node: the paragraph also
			 * holds the underline's `> ` prefix. */
			TSNode inl = ts_node_is_null(content) ? content : child_of_type(content, "inline");
			if (!ts_node_is_null(inl)) {
				content = inl;
				cs = w->base + ts_node_start_byte(inl);
				ce = w->base + ts_node_end_byte(inl);
			}
			/* The text node may end with the line break before the underline. */
			while (ce > cs && (w->src[ce - 1] == '\n' || w->src[ce - 1] == '\r'))
				ce--;
			size_t ls = cs;
			for (size_t k = ce; k > cs; k--)
				if (w->src[k - 1] == '\n') {
					ls = k;
					break;
				}
			/* The line's `> ` or list indent is a block_continuation child. */
			TSNode *parts;
			size_t np = ts_node_is_null(content) ? 0 : md_ts_children(content, 1, &parts, &w->oom);
			for (size_t k = 0; k < np; k++) {
				size_t bs = w->base + ts_node_start_byte(parts[k]);
				size_t be = w->base + ts_node_end_byte(parts[k]);
				if (node_is(parts[k], "block_continuation") && bs >= ls && be > ls && be <= ce)
					ls = be;
			}
			if (np)
				free(parts);
			rc = md_anchor_source(&as, w->src + ls, ce - ls, 1);
		}
		md_buf id = {0};
		if (rc == 0) {
			x.text = heading_text(as.text, as.text_len);
			rc = md_anchor_id(&w->ids, &as, w->style, &id);
			md_anchor_source_free(&as);
		}
		x.id = id.data ? id.data : calloc(1, 1);
		size_t col;
		md_lines_pos(w->lines, x.start, &x.line, &col);
		if (rc || !x.text || !x.id || id.oom || push_heading(w->out, &x)) {
			free(x.text);
			free(x.id);
			w->oom = 1;
		}
		return;
	}
	TSNode *kids;
	size_t count = md_ts_children(n, 1, &kids, &w->oom);
	for (size_t i = 0; i < count; i++)
		visit(w, kids[i]);
	free(kids);
}

/* Each heading's section runs to the line before the next heading of the
 * same or a higher level (or the end of the file). */
static void close_sections(md_headings *h, const md_lines *lines)
{
	size_t last = lines->n ? lines->n - 1 : 0;
	if (lines->n > 1 && lines->starts[last] == lines->len)
		last--;  /* a final newline does not start a line of its own */
	for (size_t i = 0; i < h->n; i++) {
		h->v[i].end_line = last;
		for (size_t j = i + 1; j < h->n; j++)
			if (h->v[j].level <= h->v[i].level) {
				h->v[i].end_line = h->v[j].line ? h->v[j].line - 1 : 0;
				break;
			}
	}
}

/*
 * Tree-sitter 0.20's runtime asserts (and so aborts the process — Neovim
 * with it) when containers nest a few hundred deep. Such a post gets no
 * structure check: the deepest line's depth is measured first.
 */
#define MD_MAX_NESTING 100

static size_t nesting_too_deep(const char *s, size_t len)
{
	size_t line = 0;
	for (size_t i = 0; i < len;) {
		size_t depth = 0, col = 0;
		line++;
		for (;;) {
			while (i < len && (s[i] == ' ' || s[i] == '\t')) {
				col += s[i] == '\t' ? 4 : 1;
				i++;
			}
			if (i < len && s[i] == '>') {
				depth++;
				i++;
				continue;
			}
			if (i + 1 < len && (s[i] == '-' || s[i] == '*' || s[i] == '+') &&
			    (s[i + 1] == ' ' || s[i + 1] == '\t')) {
				depth++;
				i++;
				continue;
			}
			size_t d = i;
			while (d < len && d - i < 9 && s[d] >= '0' && s[d] <= '9')
				d++;
			if (d > i && d + 1 < len && (s[d] == '.' || s[d] == ')') &&
			    (s[d + 1] == ' ' || s[d + 1] == '\t')) {
				depth++;
				i = d + 1;
				continue;
			}
			break;
		}
		if (depth + col / 2 > MD_MAX_NESTING)
			return line;
		const char *nl = memchr(s + i, '\n', len - i);
		i = nl ? (size_t)(nl - s) + 1 : len;
	}
	return 0;
}

/* Headings from a block tree already parsed from src[body_start..]. */
static int headings_from_tree(md_headings *h, TSTree *tree, const char *src, size_t len,
                              size_t body_start, md_anchor_style style)
{
	memset(h, 0, sizeof(*h));
	md_lines lines;
	if (md_lines_init(&lines, src, len))
		return MDPOST_ENOMEM;
	walk w = {src, len, body_start, h, &lines, style, {{0}}, 0};
	visit(&w, ts_tree_root_node(tree));
	md_idset_free(&w.ids);
	int rc = w.oom ? MDPOST_ENOMEM : MDPOST_OK;
	if (!rc)
		close_sections(h, &lines);
	md_lines_free(&lines);
	if (rc)
		md_headings_free(h);
	return rc;
}

static TSTree *parse_blocks(TSParser **parser, const char *src, size_t len, size_t body_start,
                            int *rc)
{
	*rc = MDPOST_OK;
	if (len - body_start > UINT32_MAX) {
		*rc = MDPOST_ETOOBIG;
		return NULL;
	}
	if (nesting_too_deep(src + body_start, len - body_start)) {
		*rc = MD_TOO_DEEP;
		return NULL;
	}
	*parser = ts_parser_new();
	if (!*parser || !ts_parser_set_language(*parser, tree_sitter_markdown())) {
		*rc = *parser ? MDPOST_EINTERNAL : MDPOST_ENOMEM;
		return NULL;
	}
	TSTree *tree = ts_parser_parse_string(*parser, NULL, src + body_start,
	                                      (uint32_t)(len - body_start));
	if (!tree)
		*rc = MDPOST_ENOMEM;
	return tree;
}

int md_headings_collect(md_headings *h, const char *src, size_t len,
                        size_t body_start, const char *anchor_style)
{
	memset(h, 0, sizeof(*h));
	md_anchor_style style = MD_ANCHOR_GITHUB;
	if (anchor_style && *anchor_style && md_anchor_style_parse(anchor_style, &style))
		return MDPOST_EINVAL;
	TSParser *parser = NULL;
	int rc;
	TSTree *tree = parse_blocks(&parser, src, len, body_start, &rc);
	if (tree) {
		rc = headings_from_tree(h, tree, src, len, body_start, style);
		ts_tree_delete(tree);
	}
	if (parser)
		ts_parser_delete(parser);
	return rc == MD_TOO_DEEP ? MDPOST_OK : rc;  /* no headings to offer */
}

/* ---- links -------------------------------------------------------------- */

const TSLanguage *tree_sitter_markdown_inline(void);

static int push_link(md_doc *d, md_link_kind kind, size_t start, size_t end,
                     const char *target, size_t tlen, const char *label, size_t llen,
                     int image)
{
	if (d->n_links >= MD_MAX_LINKS) {
		/* Past the limit: said once, the rest left unchecked. */
		if (!d->limit) {
			d->limit = "more than 100000 links in one post: the rest are not checked";
			d->limit_offset = start;
		}
		return 0;
	}
	if (d->n_links == d->cap_links) {
		size_t cap = d->cap_links ? d->cap_links * 2 : 32;
		md_link *v = realloc(d->links, cap * sizeof(*v));
		if (!v)
			return -1;
		d->links = v;
		d->cap_links = cap;
	}
	md_link *l = &d->links[d->n_links];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->start = start;
	l->end = end;
	l->image = image;
	l->target = malloc(tlen + 1);
	if (!l->target)
		return -1;
	/* Backslash escapes and the few entities that occur in URLs. */
	size_t o = 0;
	for (size_t i = 0; i < tlen; i++) {
		if (target[i] == '\\' && i + 1 < tlen && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", target[i + 1])) {
			l->target[o++] = target[++i];
		} else if (target[i] == '&' && tlen - i >= 5 && memcmp(target + i, "&amp;", 5) == 0) {
			l->target[o++] = '&';
			i += 4;
		} else {
			l->target[o++] = target[i];
		}
	}
	l->target[o] = '\0';
	l->target_len = o;
	if (label) {
		/* Labels match case-insensitively with white space collapsed. */
		l->label = malloc(llen + 1);
		if (!l->label) {
			free(l->target);
			return -1;
		}
		size_t k = 0;
		int space = 0;
		for (size_t i = 0; i < llen; i++) {
			char c = label[i];
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				space = k > 0;
				continue;
			}
			if (space)
				l->label[k++] = ' ';
			space = 0;
			l->label[k++] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
		}
		l->label[k] = '\0';
	}
	d->n_links++;
	return 0;
}

typedef struct lwalk {
	md_doc *d;
	const char *src;   /* whole source */
	size_t base;       /* offset of the parsed text in src */
	int oom;
} lwalk;

static size_t nst(lwalk *w, TSNode n) { return w->base + ts_node_start_byte(n); }
static size_t nen(lwalk *w, TSNode n) { return w->base + ts_node_end_byte(n); }

static TSNode child_of_type(TSNode n, const char *type)
{
	TSNode found = {{0}, NULL, NULL};
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if (ts_node_is_named(ch) && node_is(ch, type)) {
				found = ch;
				break;
			}
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	return found;
}

/* The destination's span without the <...> some authors wrap it in. */
static void dest_span(lwalk *w, TSNode dest, size_t *s, size_t *e)
{
	*s = nst(w, dest);
	*e = nen(w, dest);
	if (*e - *s >= 2 && w->src[*s] == '<' && w->src[*e - 1] == '>') {
		(*s)++;
		(*e)--;
	}
}

/* The inside of [ ] of a link text or label node. */
static void bracket_inside(lwalk *w, TSNode n, size_t *s, size_t *e)
{
	*s = nst(w, n);
	*e = nen(w, n);
	if (*e > *s && w->src[*s] == '[')
		(*s)++;
	if (*e > *s && w->src[*e - 1] == ']')
		(*e)--;
}

/* href="..." and src="..." inside raw HTML. */
static void html_links(lwalk *w, size_t s, size_t e)
{
	const char *t = w->src;
	for (size_t i = s; i + 4 < e; i++) {
		size_t nlen = 0;
		if (strncasecmp(t + i, "href", 4) == 0)
			nlen = 4;
		else if (strncasecmp(t + i, "src", 3) == 0)
			nlen = 3;
		if (!nlen || (i > s && !(t[i - 1] == ' ' || t[i - 1] == '\t' || t[i - 1] == '\n')))
			continue;
		size_t j = i + nlen;
		while (j < e && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j >= e || t[j] != '=')
			continue;
		j++;
		while (j < e && (t[j] == ' ' || t[j] == '\t'))
			j++;
		size_t vs, ve;
		if (j < e && (t[j] == '"' || t[j] == '\'')) {
			char q = t[j];
			vs = ++j;
			while (j < e && t[j] != q)
				j++;
			ve = j;
		} else {
			vs = j;
			while (j < e && !strchr(" \t\n>", t[j]))
				j++;
			ve = j;
		}
		if (push_link(w->d, MD_LINK_HTML, vs, ve, t + vs, ve - vs, NULL, 0, nlen == 3))
			w->oom = 1;
		i = ve;
	}
}

static void visit_inline(lwalk *w, TSNode n)
{
	if (w->oom)
		return;
	const char *type = ts_node_type(n);
	size_t s, e;
	if (strcmp(type, "inline_link") == 0 || strcmp(type, "image") == 0) {
		int image = type[0] == 'i' && type[1] == 'm';
		TSNode dest = child_of_type(n, "link_destination");
		TSNode label = child_of_type(n, "link_label");
		if (!ts_node_is_null(dest)) {
			dest_span(w, dest, &s, &e);
			if (push_link(w->d, image ? MD_LINK_IMAGE : MD_LINK_INLINE, s, e, w->src + s, e - s,
			              NULL, 0, image))
				w->oom = 1;
		} else if (!ts_node_is_null(label)) {
			bracket_inside(w, label, &s, &e);
			if (push_link(w->d, MD_LINK_REFERENCE, s, e, "", 0, w->src + s, e - s, image))
				w->oom = 1;
		} else if (!image) {
			/* [text]() — an empty destination: point at the parentheses. */
			e = nen(w, n);
			s = e >= 2 ? e - 2 : e;
			if (w->src[s] == '(' && push_link(w->d, MD_LINK_INLINE, s + 1, s + 1, "", 0, NULL, 0, 0))
				w->oom = 1;
		}
	} else if (strcmp(type, "full_reference_link") == 0) {
		TSNode label = child_of_type(n, "link_label");
		if (!ts_node_is_null(label)) {
			bracket_inside(w, label, &s, &e);
			if (push_link(w->d, MD_LINK_REFERENCE, s, e, "", 0, w->src + s, e - s, 0))
				w->oom = 1;
		}
		return;
	} else if (strcmp(type, "collapsed_reference_link") == 0 || strcmp(type, "shortcut_link") == 0) {
		TSNode text = child_of_type(n, "link_text");
		if (!ts_node_is_null(text)) {
			bracket_inside(w, text, &s, &e);
			md_link_kind k = type[0] == 'c' ? MD_LINK_REFERENCE : MD_LINK_SHORTCUT;
			if (push_link(w->d, k, s, e, "", 0, w->src + s, e - s, 0))
				w->oom = 1;
		}
		return;
	} else if (strcmp(type, "uri_autolink") == 0) {
		s = nst(w, n) + 1;
		e = nen(w, n) - 1;
		if (e > s && push_link(w->d, MD_LINK_AUTOLINK, s, e, w->src + s, e - s, NULL, 0, 0))
			w->oom = 1;
		return;
	} else if (strcmp(type, "html_tag") == 0) {
		if (w->d->raw_html)
			html_links(w, nst(w, n), nen(w, n));
		return;
	} else if (strcmp(type, "code_span") == 0) {
		return;
	}
	TSNode *kids;
	size_t c = md_ts_children(n, 1, &kids, &w->oom);
	for (size_t i = 0; i < c; i++)
		visit_inline(w, kids[i]);
	free(kids);
}

/* Hugo runs shortcodes before Markdown, everywhere but in the escaped
 * form with a comment inside the delimiters: ref, relref and figure name
 * pages and images. */
static void scan_shortcodes(lwalk *w, size_t s, size_t e)
{
	const char *t = w->src;
	for (size_t i = s; i + 4 < e; i++) {
		if (t[i] != '{' || t[i + 1] != '{' || (t[i + 2] != '<' && t[i + 2] != '%'))
			continue;
		size_t j = i + 3;
		while (j < e && (t[j] == ' ' || t[j] == '\t'))
			j++;
		if (j + 1 < e && t[j] == '/' && t[j + 1] == '*')
			continue;  /* the escaped form: printed, not run */
		size_t ns = j;
		while (j < e && ((t[j] >= 'a' && t[j] <= 'z') || (t[j] >= 'A' && t[j] <= 'Z')))
			j++;
		size_t nl = j - ns;
		md_link_kind kind;
		if (nl == 3 && memcmp(t + ns, "ref", 3) == 0)
			kind = MD_LINK_REF;
		else if (nl == 6 && memcmp(t + ns, "relref", 6) == 0)
			kind = MD_LINK_RELREF;
		else if (nl == 6 && memcmp(t + ns, "figure", 6) == 0)
			kind = MD_LINK_FIGURE;
		else
			continue;
		/* The end of the shortcode: >}} or %}}. */
		size_t end = j;
		while (end + 2 < e && !((t[end] == '>' || t[end] == '%') && t[end + 1] == '}' && t[end + 2] == '}'))
			end++;
		if (end + 2 >= e)
			continue;
		size_t vs = 0, ve = 0;
		for (size_t k = j; k < end; k++) {
			int named_src = kind == MD_LINK_FIGURE && k + 3 < end && strncmp(t + k, "src", 3) == 0 &&
			                (t[k - 1] == ' ' || t[k - 1] == '\t');
			if (kind == MD_LINK_FIGURE && !named_src)
				continue;
			if (named_src) {
				k += 3;
				while (k < end && (t[k] == ' ' || t[k] == '='))
					k++;
			}
			if (k < end && (t[k] == '"' || t[k] == '`')) {
				char q = t[k];
				vs = k + 1;
				ve = vs;
				while (ve < end && t[ve] != q)
					ve++;
				break;
			}
			if (named_src) {
				vs = k;
				ve = k;
				while (ve < end && t[ve] != ' ')
					ve++;
				break;
			}
		}
		if (ve > vs && push_link(w->d, kind, vs, ve, t + vs, ve - vs, NULL, 0, kind == MD_LINK_FIGURE))
			w->oom = 1;
		i = end + 2;
	}
}

static int link_cmp(const void *a, const void *b)
{
	const md_link *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Block nodes: definitions and raw HTML blocks; inline ranges to parse. */
typedef struct ranges {
	TSRange *v;
	size_t n, cap;
} ranges;

/* Adds the range from `from`'s start to `to`'s end for the inline parse. */
static void push_range(lwalk *w, ranges *r, TSNode from, TSNode to)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		TSRange *v = realloc(r->v, cap * sizeof(*v));
		if (!v) {
			w->oom = 1;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (TSRange){ts_node_start_point(from), ts_node_end_point(to),
	                         ts_node_start_byte(from), ts_node_end_byte(to)};
}

static void visit_blocks(lwalk *w, TSNode n, ranges *r)
{
	if (w->oom)
		return;
	const char *type = ts_node_type(n);
	if (strcmp(type, "inline") == 0 || strcmp(type, "pipe_table_cell") == 0) {
		push_range(w, r, n, n);
		return;
	}
	if (strcmp(type, "link_reference_definition") == 0) {
		TSNode label = child_of_type(n, "link_label");
		TSNode dest = child_of_type(n, "link_destination");
		if (!ts_node_is_null(label) && ts_node_end_byte(label) - ts_node_start_byte(label) > 2 &&
		    w->src[nst(w, label) + 1] == '^') {
			/* `[^1]: text` is a footnote (goldmark's extension), not a link
			 * definition: its text is inline content like a paragraph's. */
			TSNode first = !ts_node_is_null(dest) ? dest : ts_node_next_sibling(label);
			if (ts_node_is_null(first))
				return;
			push_range(w, r, first, n);
			return;
		}
		if (!ts_node_is_null(label) && !ts_node_is_null(dest)) {
			size_t ls, le, ds, de;
			bracket_inside(w, label, &ls, &le);
			dest_span(w, dest, &ds, &de);
			if (push_link(w->d, MD_LINK_DEFINITION, ds, de, w->src + ds, de - ds,
			              w->src + ls, le - ls, 0))
				w->oom = 1;
		}
		return;
	}
	if (strcmp(type, "html_block") == 0) {
		if (w->d->raw_html)
			html_links(w, nst(w, n), nen(w, n));
		return;
	}
	if (strcmp(type, "fenced_code_block") == 0 || strcmp(type, "indented_code_block") == 0)
		return;
	TSNode *kids;
	size_t c = md_ts_children(n, 1, &kids, &w->oom);
	for (size_t i = 0; i < c; i++)
		visit_blocks(w, kids[i], r);
	free(kids);
}

/* ---- a post kept between checks ---------------------------------------- */

/* The links one inline range yields, offsets relative to the range. */
typedef struct inline_links {
	md_link *v;
	size_t n;
} inline_links;

struct md_doc_cache {
	TSParser *block, *inl;
	TSTree *tree;          /* the last body's block tree */
	char *body;            /* the last body */
	size_t body_len;
	int raw_html;          /* what the inline entries were made with */
	md_strset used, kept;  /* range text -> inline_links*: this check's, the last one's */
};

static void inline_links_free(inline_links *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].target);
		free(e->v[i].label);
	}
	free(e->v);
	free(e);
}

static void strset_free_values(md_strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i].key)
			inline_links_free(s->slots[i].value);
	md_strset_free(s);
}

md_doc_cache *md_doc_cache_new(void)
{
	return calloc(1, sizeof(md_doc_cache));
}

void md_doc_cache_free(md_doc_cache *c)
{
	if (!c)
		return;
	if (c->block)
		ts_parser_delete(c->block);
	if (c->inl)
		ts_parser_delete(c->inl);
	if (c->tree)
		ts_tree_delete(c->tree);
	free(c->body);
	strset_free_values(&c->used);
	strset_free_values(&c->kept);
	free(c);
}

/* Row and byte column of `off` in `s`. */
static TSPoint point_at(const char *s, size_t off)
{
	TSPoint p = {0, 0};
	const char *line = s, *end = s + off, *nl;
	while ((nl = memchr(line, '\n', (size_t)(end - line)))) {
		p.row++;
		line = nl + 1;
	}
	p.column = (uint32_t)(end - line);
	return p;
}

/*
 * Tells the kept tree what changed since the last body: one edit spanning
 * everything between the common prefix and the common suffix (the editor
 * may have made many changes between two checks; tree-sitter re-parses
 * only what the span touches). Returns the tree to re-parse from, or NULL.
 */
static TSTree *edit_kept_tree(md_doc_cache *c, const char *body, size_t n)
{
	if (!c || !c->tree)
		return NULL;
	const char *old = c->body;
	size_t on = c->body_len, min = on < n ? on : n;
	size_t pre = 0;
	while (pre < min && old[pre] == body[pre])
		pre++;
	size_t suf = 0;
	while (suf < min - pre && old[on - 1 - suf] == body[n - 1 - suf])
		suf++;
	if (pre == on && pre == n)
		return c->tree;  /* unchanged */
	TSInputEdit e;
	e.start_byte = (uint32_t)pre;
	e.old_end_byte = (uint32_t)(on - suf);
	e.new_end_byte = (uint32_t)(n - suf);
	e.start_point = point_at(body, pre);
	e.old_end_point = point_at(old, on - suf);
	e.new_end_point = point_at(body, n - suf);
	ts_tree_edit(c->tree, &e);
	return c->tree;
}

/* Keeps the body and its tree for the next check. */
static void keep_tree(md_doc_cache *c, TSTree *tree, const char *body, size_t n)
{
	if (c->tree && c->tree != tree)
		ts_tree_delete(c->tree);
	c->tree = tree;
	if (!c->body || c->body_len != n || memcmp(c->body, body, n) != 0) {
		char *copy = malloc(n + 1);
		if (!copy) {
			/* Without the text the tree cannot be edited: start over. */
			ts_tree_delete(c->tree);
			c->tree = NULL;
			return;
		}
		memcpy(copy, body, n);
		free(c->body);
		c->body = copy;
		c->body_len = n;
	}
}

/* A cached link, its strings as they are (already decoded). */
static int push_link_copy(md_doc *d, const md_link *l, size_t base)
{
	size_t before = d->n_links;
	if (push_link(d, l->kind, base + l->start, base + l->end, "", 0, NULL, 0, l->image))
		return -1;
	if (d->n_links == before)
		return 0;  /* past the limit */
	md_link *x = &d->links[before];
	char *t = malloc(l->target_len + 1);
	char *lab = l->label ? strdup(l->label) : NULL;
	if (!t || (l->label && !lab)) {
		free(t);
		free(lab);
		return -1;
	}
	memcpy(t, l->target, l->target_len + 1);
	free(x->target);
	x->target = t;
	x->target_len = l->target_len;
	x->label = lab;
	return 0;
}

/* The links of one inline range: from the cache, or parsed (and cached). */
static void inline_range(lwalk *w, TSParser *inl, md_doc_cache *c, const char *text,
                         uint32_t n)
{
	md_doc *d = w->d;
	if (c) {
		int found;
		inline_links *e = md_strset_get(&c->used, text, n, &found);
		if (!found) {
			e = md_strset_get(&c->kept, text, n, &found);
			if (found) {
				/* Moved to this check's set; the old slot lets go. */
				if (md_strset_put(&c->used, text, n, e) ||
				    md_strset_put(&c->kept, text, n, NULL)) {
					w->oom = 1;
					return;
				}
			}
		}
		if (found && e) {
			for (size_t i = 0; i < e->n && !w->oom; i++)
				if (push_link_copy(d, &e->v[i], w->base))
					w->oom = 1;
			return;
		}
	}
	TSTree *itree = ts_parser_parse_string(inl, NULL, text, n);
	if (!itree) {
		w->oom = 1;
		return;
	}
	size_t first = d->n_links;
	visit_inline(w, ts_tree_root_node(itree));
	ts_tree_delete(itree);
	if (!c || w->oom)
		return;
	inline_links *e = calloc(1, sizeof(*e));
	size_t k = d->n_links - first;
	if (!e || (k && !(e->v = calloc(k, sizeof(*e->v))))) {
		free(e);
		w->oom = 1;
		return;
	}
	for (size_t i = 0; i < k; i++) {
		const md_link *l = &d->links[first + i];
		md_link *x = &e->v[e->n];
		*x = *l;
		x->start -= w->base;
		x->end -= w->base;
		x->target = malloc(l->target_len + 1);
		x->label = l->label ? strdup(l->label) : NULL;
		if (!x->target || (l->label && !x->label)) {
			free(x->target);
			free(x->label);
			w->oom = 1;
			break;
		}
		memcpy(x->target, l->target, l->target_len + 1);
		e->n++;
	}
	if (w->oom || md_strset_put(&c->used, text, n, e)) {
		inline_links_free(e);
		w->oom = 1;
	}
}

int md_doc_parse(md_doc *d, const char *src, size_t len, size_t body_start,
                 md_anchor_style style, int raw_html)
{
	return md_doc_parse_cached(d, NULL, src, len, body_start, style, raw_html, 0);
}

int md_doc_parse_cached(md_doc *d, md_doc_cache *cache, const char *src, size_t len,
                        size_t body_start, md_anchor_style style, int raw_html,
                        int headings_only)
{
	memset(d, 0, sizeof(*d));
	d->raw_html = raw_html;
	d->body_start = body_start;
	int rc = MDPOST_OK;
	TSParser *block = NULL, *inl = NULL;
	const char *body = src + body_start;
	size_t blen = len - body_start;
	TSTree *btree = NULL;
	if (cache && !headings_only && cache->raw_html != raw_html) {
		/* Raw HTML changes what inline ranges yield. */
		strset_free_values(&cache->used);
		strset_free_values(&cache->kept);
		cache->raw_html = raw_html;
	}
	if (cache && cache->block && blen <= UINT32_MAX && !nesting_too_deep(body, blen)) {
		TSTree *old = edit_kept_tree(cache, body, blen);
		btree = old && old == cache->tree && cache->body_len == blen &&
		        memcmp(cache->body, body, blen) == 0
		        ? old : ts_parser_parse_string(cache->block, old, body, (uint32_t)blen);
		if (!btree)
			rc = MDPOST_ENOMEM;
	} else {
		btree = parse_blocks(cache ? &cache->block : &block, src, len, body_start, &rc);
	}
	if (cache && btree)
		keep_tree(cache, btree, body, blen);
	else if (cache && cache->tree && !btree) {
		ts_tree_delete(cache->tree);
		cache->tree = NULL;
	}
	if (!btree && rc == MD_TOO_DEEP) {
		size_t line = nesting_too_deep(src + body_start, len - body_start);
		const char *p = src + body_start;
		for (size_t l = 1; l < line; l++) {
			const char *nl = memchr(p, '\n', (size_t)(src + len - p));
			p = nl ? nl + 1 : src + len;
		}
		d->limit_offset = (size_t)(p - src);
		d->limit = "block quotes or lists nest more than 100 deep here: the post's "
		           "headings and links are not checked";
		rc = MDPOST_OK;  /* reported by the caller; nothing else to find */
		goto out;
	}
	if (!btree)
		goto out;
	rc = headings_from_tree(&d->headings, btree, src, len, body_start, style);
	if (!rc && d->headings.truncated && !d->limit) {
		d->limit = "more than 20000 headings in one post: the rest get no id, and links "
		           "to them are not checked";
		d->limit_offset = d->headings.v[d->headings.n - 1].end;
	}
	if (rc || headings_only)
		goto out;
	TSParser **inlp = cache ? &cache->inl : &inl;
	if (!*inlp) {
		*inlp = ts_parser_new();
		if (!*inlp || !ts_parser_set_language(*inlp, tree_sitter_markdown_inline())) {
			rc = *inlp ? MDPOST_EINTERNAL : MDPOST_ENOMEM;
			goto out;
		}
	}
	lwalk w = {d, src, body_start, 0};
	ranges r = {0};
	visit_blocks(&w, ts_tree_root_node(btree), &r);
	/* Each inline range on its own: one parse over all of them (included
	 * ranges) is several times slower in tree-sitter's lexer. */
	for (size_t i = 0; i < r.n && !w.oom; i++) {
		uint32_t rs = r.v[i].start_byte, re = r.v[i].end_byte;
		/* Every link starts with [ (links, images, references) or <
		 * (autolinks, raw HTML): most paragraphs have neither. */
		if (!memchr(body + rs, '[', re - rs) && !memchr(body + rs, '<', re - rs))
			continue;
		lwalk sub = w;
		sub.base = body_start + rs;
		inline_range(&sub, *inlp, cache, body + rs, re - rs);
		w.oom = sub.oom;
	}
	free(r.v);
	if (cache) {
		/* Entries no range used this time are dropped: memory follows the post. */
		strset_free_values(&cache->kept);
		cache->kept = cache->used;
		memset(&cache->used, 0, sizeof(cache->used));
	}
	if (!w.oom)
		scan_shortcodes(&w, body_start, len);
	if (d->n_links > 1)
		qsort(d->links, d->n_links, sizeof(*d->links), link_cmp);
	/* Every id of the page, for #fragment checks. */
	for (size_t i = 0; !w.oom && i < d->headings.n; i++)
		if (md_strset_put(&d->ids, d->headings.v[i].id, strlen(d->headings.v[i].id), NULL))
			w.oom = 1;
	rc = w.oom ? MDPOST_ENOMEM : MDPOST_OK;
out:
	if (btree && !cache)
		ts_tree_delete(btree);
	if (block)
		ts_parser_delete(block);
	if (inl)
		ts_parser_delete(inl);
	if (rc)
		md_doc_free(d);
	return rc;
}

void md_doc_free(md_doc *d)
{
	md_headings_free(&d->headings);
	for (size_t i = 0; i < d->n_links; i++) {
		free(d->links[i].target);
		free(d->links[i].label);
	}
	free(d->links);
	md_strset_free(&d->ids);
	memset(d, 0, sizeof(*d));
}

void md_headings_free(md_headings *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].text);
		free(h->v[i].id);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}
