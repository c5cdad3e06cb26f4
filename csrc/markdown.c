/*
 * A post's structure: headings with their sections (folds, `mdpost
 * headings`, anchor tables) and links. cmark-gfm gives the blocks; a
 * scanner that finds what tree-sitter-markdown's inline grammar finds
 * (the grammar was most of a cold check; MDPOST_INLINE=tree-sitter runs
 * it) gives each inline range's links with their exact bytes. Positions
 * are byte offsets into the whole source; only the body (after the front
 * matter) is parsed.
 */
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>
#include <cmark-gfm.h>

#include "anchors.h"
#include "internal.h"
#include "tsutil.h"

#define MD_MAX_LINKS 100000    /* links, images and shortcodes of one post */
#define MD_MAX_HEADINGS 20000  /* headings of one post */
#define MD_INLINE_TREE_SITTER 0  /* inline ranges: tree-sitter's grammar (0: the scanner) */

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

/* Each heading's section runs to the line before the next heading of the
 * same or a higher level (or the end of the file). */
static void close_sections(md_headings *h, const char *src, size_t len)
{
	size_t last = 0;
	for (const char *p = src, *e = src + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		last++;
	if (last && src[len - 1] == '\n')
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

/* Inline ranges to parse. */
typedef struct span {
	size_t start, end;  /* in the body */
} span;

typedef struct ranges {
	span *v;
	size_t n, cap;
} ranges;

/* Adds body[s..e) for the inline parse. */
static void push_span(lwalk *w, ranges *r, size_t s, size_t e)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		span *v = realloc(r->v, cap * sizeof(*v));
		if (!v) {
			w->oom = 1;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (span){s, e};
}

/* ---- the inline link scanner -------------------------------------------- */

/*
 * One left-to-right pass over an inline range, CommonMark's way (openers
 * on a stack, a link formed at its ]), yielding what tree-sitter's inline
 * grammar yields for visit_inline: a shortcut [label] is a link whether
 * or not it is defined, code spans and $...$ spans hide what they hold,
 * a raw HTML tag is only a tag when each attribute has a value.
 */
static int sc_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int sc_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}
/* Where a search for a closer already failed: from there on, every
 * search fails too (it keeps the scan linear on unclosed <!-- or "). */
typedef struct sc_memo {
	size_t dashes, pi, cdata, gt, dq, sq;  /* SIZE_MAX: not known */
} sc_memo;

/* The first c at or after j, or n; memo: where it is known there is none. */
static size_t sc_find(const char *t, size_t n, size_t j, char c, size_t *memo)
{
	if (j >= *memo)
		return n;
	const char *p = j < n ? memchr(t + j, c, n - j) : NULL;
	if (!p) {
		*memo = j;
		return n;
	}
	return (size_t)(p - t);
}

/* The same for a string. */
static size_t sc_findstr(const char *t, size_t n, size_t j, const char *pat, size_t *memo)
{
	size_t pl = strlen(pat);
	if (j >= *memo)
		return n;
	const char *p = j < n ? memmem(t + j, n - j, pat, pl) : NULL;
	if (!p) {
		*memo = j;
		return n;
	}
	return (size_t)(p - t);
}

static int sc_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int sc_digit(char c) { return c >= '0' && c <= '9'; }
static int sc_alnum(char c) { return sc_alpha(c) || sc_digit(c); }

/* A run of c at i: its end, and where a run of the same length closes it
 * (0 when none; none[len] remembers a length with no closer left). */
static size_t sc_leaf(const char *t, size_t n, size_t i, char c, unsigned char *none,
                      size_t *run_end)
{
	size_t j = i;
	while (j < n && t[j] == c)
		j++;
	*run_end = j;
	size_t len = j - i;
	if (len < 256 && none[len])
		return 0;
	for (size_t k = j; k < n;) {
		if (t[k] != c) {
			k++;
			continue;
		}
		size_t r = k;
		while (r < n && t[r] == c)
			r++;
		if (r - k == len)
			return r;
		k = r;
	}
	if (len < 256)
		none[len] = 1;
	return 0;
}

/* <scheme:...> with a scheme of two or more characters: its end. */
static size_t sc_autolink(const char *t, size_t n, size_t i)
{
	size_t j = i + 1;
	if (j >= n || !sc_alpha(t[j]))
		return 0;
	j++;
	size_t s = j;
	while (j < n && (sc_alnum(t[j]) || t[j] == '+' || t[j] == '.' || t[j] == '-'))
		j++;
	if (j == s || j >= n || t[j] != ':')
		return 0;
	for (j++; j < n; j++) {
		if (t[j] == '>')
			return j + 1;
		if (t[j] == '<' || sc_ws(t[j]))
			return 0;
	}
	return 0;
}

static int sc_email_char(char c)
{
	return sc_alnum(c) || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

/* <user@host>: its end (no link pushed, but nothing inside is one). */
static size_t sc_email(const char *t, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && sc_email_char(t[j]))
		j++;
	if (j == i + 1 || j >= n || t[j] != '@')
		return 0;
	j++;
	for (;;) {
		size_t s = j;
		while (j < n && (sc_alnum(t[j]) || t[j] == '-'))
			j++;
		if (j == s || j - s > 63 || t[s] == '-' || t[j - 1] == '-')
			return 0;
		if (j < n && t[j] == '.') {
			j++;
			continue;
		}
		return j < n && t[j] == '>' ? j + 1 : 0;
	}
}

static size_t sc_tag_name(const char *t, size_t n, size_t j)
{
	unsigned char c = j < n ? (unsigned char)t[j] : 0;
	if (!c || sc_punct(c) || sc_ws(c) || sc_digit(c))
		return 0;
	while (j < n) {
		c = (unsigned char)t[j];
		if (c == '-' || sc_digit(c) || !(sc_punct(c) || sc_ws(c))) {
			j++;
		} else if (c == '_' && j + 1 < n && !sc_punct((unsigned char)t[j + 1]) &&
		           !sc_ws(t[j + 1]) && !sc_digit(t[j + 1])) {
			j++;
		} else {
			break;
		}
	}
	return j;
}

/* Raw HTML at < (tags, comments, processing instructions, declarations,
 * CDATA): its end. */
static size_t sc_html(const char *t, size_t n, size_t i, sc_memo *m)
{
	size_t j = i + 1;
	if (j >= n)
		return 0;
	if (t[j] == '/') {
		j = sc_tag_name(t, n, j + 1);
		if (!j)
			return 0;
		while (j < n && sc_ws(t[j]))
			j++;
		return j < n && t[j] == '>' ? j + 1 : 0;
	}
	if (t[j] == '?') {
		j = sc_findstr(t, n, j + 1, "?>", &m->pi);
		return j < n ? j + 2 : 0;
	}
	if (t[j] == '!') {
		if (n - j >= 3 && t[j + 1] == '-' && t[j + 2] == '-') {
			j += 3;
			if (j < n && t[j] == '>')
				return 0;
			if (j + 1 < n && t[j] == '-' && t[j + 1] == '>')
				return 0;
			j = sc_findstr(t, n, j, "--", &m->dashes);
			return j + 2 < n && t[j + 2] == '>' ? j + 3 : 0;
		}
		if (n - j >= 8 && memcmp(t + j, "![CDATA[", 8) == 0) {
			j = sc_findstr(t, n, j + 8, "]]>", &m->cdata);
			return j < n ? j + 3 : 0;
		}
		j++;
		size_t s = j;
		while (j < n && t[j] >= 'A' && t[j] <= 'Z')
			j++;
		if (j == s || j >= n || !sc_ws(t[j]))
			return 0;
		j = sc_find(t, n, j, '>', &m->gt);
		return j < n ? j + 1 : 0;
	}
	j = sc_tag_name(t, n, j);
	if (!j)
		return 0;
	for (;;) {
		size_t k = j;
		while (k < n && sc_ws(t[k]))
			k++;
		if (k == j || k >= n || !(sc_alpha(t[k]) || t[k] == '_' || t[k] == ':'))
			break;
		size_t a = k;
		while (a < n && (sc_alnum(t[a]) || strchr("_.:-", t[a])))
			a++;
		while (a < n && sc_ws(t[a]))
			a++;
		if (a >= n || t[a] != '=')
			break;
		a++;
		while (a < n && sc_ws(t[a]))
			a++;
		if (a >= n)
			return 0;
		if (t[a] == '"' || t[a] == '\'') {
			a = sc_find(t, n, a + 1, t[a], t[a] == '"' ? &m->dq : &m->sq);
			if (a >= n)
				return 0;
			a++;
		} else {
			size_t v = a;
			while (a < n && !sc_ws(t[a]) && !strchr("\"'=<>`", t[a]))
				a++;
			if (a == v)
				return 0;
		}
		j = a;
	}
	while (j < n && sc_ws(t[j]))
		j++;
	if (j < n && t[j] == '/')
		j++;
	return j < n && t[j] == '>' ? j + 1 : 0;
}

/* (dest "title"): the destination's span (without < >) and the end past ),
 * 0 when it is not one; *empty for (). */
static size_t sc_inline_tail(const char *t, size_t n, size_t i, size_t *ds, size_t *de,
                             int *empty, int *dest, sc_memo *mm)
{
	size_t j = i + 1;  /* past ( */
	*empty = 0;
	*dest = 1;
	while (j < n && sc_ws(t[j]))
		j++;
	if (j >= n)
		return 0;
	if (t[j] == ')') {
		*empty = j == i + 1;
		*dest = 0;
		*ds = *de = j;
		return j + 1;
	}
	if (t[j] == '<') {
		size_t k = j + 1;
		while (k < n && t[k] != '>' && t[k] != '<' && t[k] != '\n' && t[k] != '\r') {
			if (t[k] == '\\' && k + 1 < n && sc_punct((unsigned char)t[k + 1]))
				k++;
			k++;
		}
		if (k >= n || t[k] != '>')
			return 0;
		*ds = j + 1;
		*de = k;
		j = k + 1;
	} else {
		size_t k = j;
		int depth = 0;
		while (k < n && !sc_ws(t[k]) && (unsigned char)t[k] >= 0x20) {
			if (t[k] == '\\' && k + 1 < n && sc_punct((unsigned char)t[k + 1])) {
				k += 2;
				continue;
			}
			if (t[k] == '(') {
				/* Past 100 deep, not a destination (the grammar has no
				 * limit): a search from each ]( stays short. */
				if (++depth > 100)
					return 0;
			} else if (t[k] == ')') {
				if (!depth)
					break;
				depth--;
			}
			k++;
		}
		if (k == j || depth)
			return 0;
		*ds = j;
		*de = k;
		j = k;
	}
	size_t k = j;
	while (k < n && sc_ws(t[k]))
		k++;
	if (k > j && k < n && (t[k] == '"' || t[k] == '\'' || t[k] == '(')) {
		char q = t[k] == '(' ? ')' : t[k];
		size_t m = k + 1;
		if (q != ')' && sc_find(t, n, m, q, q == '"' ? &mm->dq : &mm->sq) >= n)
			return 0;
		while (m < n && t[m] != q) {
			if (q == ')' && t[m] == '(')
				return 0;
			if (t[m] == '\\' && m + 1 < n && sc_punct((unsigned char)t[m + 1]))
				m++;
			m++;
		}
		if (m >= n)
			return 0;
		k = m + 1;
		while (k < n && sc_ws(t[k]))
			k++;
	}
	return k < n && t[k] == ')' ? k + 1 : 0;
}

/* [label] at i: the end past ], 0 when it is not one. */
static size_t sc_label(const char *t, size_t n, size_t i, sc_memo *m)
{
	size_t j = i + 1;
	while (j < n && t[j] != ']') {
		if (t[j] == '[' || (t[j] == '<' && sc_html(t, n, j, m)))
			return 0;
		if (t[j] == '\\' && j + 1 < n && sc_punct((unsigned char)t[j + 1]))
			j++;
		j++;
	}
	return j < n && j > i + 1 ? j + 1 : 0;
}

/*
 * Whether the text [..] ending at i (empty or not) pairs with the [label]
 * or [] right after it. The grammar's dynamic precedences decide: a full
 * reference weighs 30, a collapsed one 20, an inline link 20, a shortcut
 * 10, a lone [] 0, and the heaviest reading of the run of adjacent
 * brackets wins (on a tie, the first pairing, but an inline link keeps
 * its text): [a][][b] is [a] and [][b]. Weights doubled here.
 */
static int sc_pairs(const char *t, size_t n, size_t i, int empty, sc_memo *m)
{
	enum { MAXG = 16 };
	int label[MAXG + 1], one[MAXG + 1], g = 1, best[MAXG + 3];
	one[0] = empty ? 0 : 20;
	label[0] = 0;
	for (size_t p = i + 1; g <= MAXG && p < n && t[p] == '[';) {
		size_t e, ds, de;
		int em, dest;
		if (p + 1 < n && t[p + 1] == ']') {
			label[g] = one[g] = 0;
			e = p + 2;
		} else if ((e = sc_label(t, n, p, m))) {
			label[g] = 1;
			one[g] = 20;
		} else {
			break;
		}
		p = e;
		g++;
		if (p < n && t[p] == '(' && sc_inline_tail(t, n, p, &ds, &de, &em, &dest, m) &&
		    !(dest && t[ds - 1] == '<' && sc_html(t, n, ds - 1, m))) {
			one[g - 1] = 41;  /* an inline link; it wins a tie */
			break;
		}
	}
	if (g < 2)
		return 0;
	best[g] = best[g + 1] = 0;
	int pair0 = 0;
	for (int k = g - 1; k >= 0; k--) {
		int single = one[k] + best[k + 1];
		int pair = k + 1 < g && one[k + 1] != 41 ? (label[k + 1] ? 60 : 40) + best[k + 2] : -1;
		best[k] = pair >= single ? pair : single;
		if (k == 0)
			pair0 = pair >= single;
	}
	return pair0;
}

/* The links pushed (since `first`) inside a reference's or shortcut's
 * text: visit_inline reads no further into those. */
static void sc_unpush(md_doc *d, size_t first, size_t after)
{
	while (d->n_links > first && d->links[d->n_links - 1].start > after) {
		md_link *l = &d->links[--d->n_links];
		free(l->target);
		free(l->label);
	}
}

typedef struct sc_opener {
	size_t pos;       /* of [ */
	size_t seq;
	int image;
} sc_opener;

static void scan_inline(lwalk *w, const char *t, size_t n)
{
	sc_opener *st = NULL;
	size_t ns = 0, cap = 0, seq = 0, killed = 0;
	unsigned char none_tick[256] = {0}, none_dollar[256] = {0};
	size_t b = w->base, first = w->d->n_links;
	sc_memo memo = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX}, *m = &memo;
	for (size_t i = 0; i < n && !w->oom;) {
		char c = t[i];
		if (c == '\\') {
			i += (i + 1 < n && sc_punct((unsigned char)t[i + 1])) ? 2 : 1;
			continue;
		}
		if (c == '`' || c == '$') {
			size_t run_end, close = sc_leaf(t, n, i, c, c == '`' ? none_tick : none_dollar,
			                                &run_end);
			i = close ? close : run_end;
			continue;
		}
		if (c == '<') {
			size_t e = sc_autolink(t, n, i);
			if (e) {
				if (e - 1 > i + 1 && push_link(w->d, MD_LINK_AUTOLINK, b + i + 1, b + e - 1,
				                               t + i + 1, e - i - 2, NULL, 0, 0))
					w->oom = 1;
				i = e;
				continue;
			}
			if ((e = sc_email(t, n, i))) {
				i = e;
				continue;
			}
			if ((e = sc_html(t, n, i, m))) {
				if (w->d->raw_html)
					html_links(w, b + i, b + e);
				i = e;
				continue;
			}
			i++;
			continue;
		}
		if (c == '[' || (c == '!' && i + 1 < n && t[i + 1] == '[')) {
			if (ns == cap) {
				size_t nc = cap ? cap * 2 : 16;
				sc_opener *v = realloc(st, nc * sizeof(*v));
				if (!v) {
					w->oom = 1;
					break;
				}
				st = v;
				cap = nc;
			}
			int image = c == '!';
			st[ns++] = (sc_opener){image ? i + 1 : i, ++seq, image};
			i += image ? 2 : 1;
			continue;
		}
		if (c != ']' || !ns) {
			i++;
			continue;
		}
		sc_opener o = st[--ns];
		if (!o.image && o.seq <= killed) {
			i++;
			continue;
		}
		size_t ts = o.pos + 1, te = i;  /* the text inside [ ] */
		size_t ds, de, e;
		int empty, dest, formed = 1;
		if (i + 1 < n && t[i + 1] == '(' &&
		    (e = sc_inline_tail(t, n, i + 1, &ds, &de, &empty, &dest, m)) &&
		    !(dest && t[ds - 1] == '<' && sc_html(t, n, ds - 1, m))) {
			if (dest) {
				if (push_link(w->d, o.image ? MD_LINK_IMAGE : MD_LINK_INLINE, b + ds,
				                         b + de, t + ds, de - ds, NULL, 0, o.image))
					w->oom = 1;
			} else if (empty && !o.image && push_link(w->d, MD_LINK_INLINE, b + ds, b + ds, "", 0, NULL, 0, 0)) {
				w->oom = 1;
			}
			i = e;
		} else if (i + 1 < n && t[i + 1] == '[' && !o.image && !sc_pairs(t, n, i, te == ts, m)) {
			/* not paired: [a] a shortcut, [] nothing */
			if (te > ts && t[ts] != '[') {
				sc_unpush(w->d, first, b + o.pos);
				if (push_link(w->d, MD_LINK_SHORTCUT, b + ts, b + te, "", 0, t + ts, te - ts, 0))
					w->oom = 1;
			} else {
				formed = 0;
			}
			i++;
		} else if (i + 2 < n && t[i + 1] == '[' && t[i + 2] == ']') {
			if (!o.image)
				sc_unpush(w->d, first, b + o.pos);
			if (!o.image && te > ts) {
				size_t s2 = ts, e2 = te;
				if (t[s2] == '[')
					s2++;
				if (e2 > s2 && t[e2 - 1] == ']')
					e2--;
				if (push_link(w->d, MD_LINK_REFERENCE, b + s2, b + e2, "", 0, t + s2, e2 - s2, 0))
					w->oom = 1;
			}
			i += 3;
		} else if (i + 1 < n && t[i + 1] == '[' && (e = sc_label(t, n, i + 1, m))) {
			if (!o.image)
				sc_unpush(w->d, first, b + o.pos);
			if (push_link(w->d, MD_LINK_REFERENCE, b + i + 2, b + e - 1, "", 0, t + i + 2,
			              e - i - 3, o.image))
				w->oom = 1;
			i = e;
		} else if (te > ts && t[ts] != '[') {
			/* (a text that starts with a [ that opened nothing is none) */
			if (!o.image) {
				sc_unpush(w->d, first, b + o.pos);
				if (push_link(w->d, MD_LINK_SHORTCUT, b + ts, b + te, "", 0, t + ts, te - ts, 0))
					w->oom = 1;
			}
			i++;
		} else {
			formed = 0;
			i++;
		}
		if (formed && !o.image)
			killed = seq;
	}
	free(st);
}

/* ---- a post kept between checks ---------------------------------------- */

/* The links one inline range yields, offsets relative to the range. */
typedef struct inline_links {
	md_link *v;
	size_t n;
} inline_links;

struct md_doc_cache {
	TSParser *inl;
	int raw_html;          /* what the inline entries were made with */
	int ts_inline;         /* ... and by which (MDPOST_INLINE) */
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
	if (c->inl)
		ts_parser_delete(c->inl);
	strset_free_values(&c->used);
	strset_free_values(&c->kept);
	free(c);
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
	size_t first = d->n_links;
	if (inl) {
		TSTree *itree = ts_parser_parse_string(inl, NULL, text, n);
		if (!itree) {
			w->oom = 1;
			return;
		}
		visit_inline(w, ts_tree_root_node(itree));
		ts_tree_delete(itree);
	} else {
		scan_inline(w, text, n);
	}
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

/* ---- the block structure from cmark-gfm ------------------------------------ */

/*
 * cmark-gfm gives the blocks with their source positions (line and byte
 * column, 1-based): paragraphs, headings and table cells hold the inline
 * content the inline grammar reads; code blocks hold none; HTML blocks
 * hold raw HTML. It consumes link reference definitions without a trace:
 * they are read here from the raw lines cmark says they must be on.
 */
typedef struct bwalk {
	lwalk *w;
	ranges *r;
	const char *body;
	size_t blen;
	size_t *ls;               /* start of each body line (cmark's: \n, \r\n or \r) */
	size_t nl;
	unsigned char *covered;   /* per line: a block cmark made is on it */
	md_headings *out;
	const char *src;          /* the whole source, for line numbers */
	size_t line_off, line_no; /* the last offset counted, its 0-based line */
	md_line_cursor lc;
	md_anchor_style style;
	md_idset ids;
	int links;                /* 0: headings only */
	cmark_node *own_header;   /* a table whose header row's cells are read here */
} bwalk;

static int is_punct(char c) { return c && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c); }

/* The end of the line holding `i`, before its line ending. */
static size_t line_end(const char *s, size_t i, size_t lim)
{
	while (i < lim && s[i] != '\n' && s[i] != '\r')
		i++;
	return i;
}

/* After the line ending at `i` (which must be one). */
static size_t past_eol(const char *s, size_t i, size_t lim)
{
	if (i < lim && s[i] == '\r')
		return i + 1 < lim && s[i + 1] == '\n' ? i + 2 : i + 1;
	return i < lim && s[i] == '\n' ? i + 1 : i;
}

/* A continuation line's container prefix: block quote markers, indentation. */
static size_t skip_prefix(const char *s, size_t i, size_t lim)
{
	while (i < lim && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
		i++;
	return i;
}

static size_t skip_spaces(const char *s, size_t i, size_t lim)
{
	while (i < lim && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* Spaces, at most one line ending (and the next line's prefix), spaces. */
static size_t spnl(const char *s, size_t i, size_t lim)
{
	i = skip_spaces(s, i, lim);
	if (i < lim && (s[i] == '\n' || s[i] == '\r'))
		i = skip_prefix(s, past_eol(s, i, lim), lim);
	return i;
}

static int at_eol(const char *s, size_t i, size_t lim)
{
	return i >= lim || s[i] == '\n' || s[i] == '\r';
}

/*
 * One link reference definition at s[i] (a `[`), as CommonMark reads it
 * (cmark's parse_reference_inline): [label]: destination "title", the
 * label not blank (of any length, as goldmark takes it: cmark stops at
 * 999 characters), the destination <...> or
 * without spaces and with balanced parentheses, the title "...", '...'
 * or (...), each part on the same or the next line, nothing after but
 * spaces. Returns the offset after it (and its line ending), or 0.
 */
static size_t refdef_at(const char *s, size_t i, size_t lim, size_t *label_s, size_t *label_e,
                        size_t *dest_s, size_t *dest_e)
{
	size_t j = i + 1;
	int blank = 1;
	while (j < lim && s[j] != '[' && s[j] != ']') {
		if (s[j] == '\\' && j + 1 < lim && is_punct(s[j + 1]))
			j++;
		if (!(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
			blank = 0;
		j++;
	}
	if (j >= lim || s[j] != ']' || blank || j + 1 >= lim || s[j + 1] != ':')
		return 0;
	*label_s = i + 1;
	*label_e = j;
	j = spnl(s, j + 2, lim);
	size_t ds = j;
	if (j < lim && s[j] == '<') {
		for (j++; j < lim && s[j] != '>' && s[j] != '<' && s[j] != '\n' && s[j] != '\r'; j++)
			if (s[j] == '\\' && j + 1 < lim && is_punct(s[j + 1]))
				j++;
		if (j >= lim || s[j] != '>')
			return 0;
		*dest_s = ds + 1;
		*dest_e = j++;
	} else {
		int depth = 0;
		while (j < lim && (unsigned char)s[j] > ' ' && s[j] != 0x7f) {
			if (s[j] == '\\' && j + 1 < lim && is_punct(s[j + 1])) {
				j += 2;
				continue;
			}
			if (s[j] == '(' && ++depth > 32)
				return 0;
			if (s[j] == ')' && depth-- == 0)
				break;
			j++;
		}
		if (j == ds)
			return 0;
		*dest_s = ds;
		*dest_e = j;
	}
	/* The title, when it is followed by the end of its line. */
	size_t t = spnl(s, j, lim);
	if (t > j && t < lim && (s[t] == '"' || s[t] == '\'' || s[t] == '(')) {
		char open = s[t], close = open == '(' ? ')' : open;
		size_t k = t + 1;
		while (k < lim && s[k] != close && !(open == '(' && s[k] == '(')) {
			if (s[k] == '\\' && k + 1 < lim && is_punct(s[k + 1]))
				k++;
			k++;
		}
		if (k < lim && s[k] == close) {
			size_t e = skip_spaces(s, k + 1, lim);
			if (at_eol(s, e, lim))
				return past_eol(s, e, lim);
		}
	}
	j = skip_spaces(s, j, lim);
	return at_eol(s, j, lim) ? past_eol(s, j, lim) : 0;
}

/* The definitions at the start of body[i..lim): each pushed; returns where
 * the rest starts. */
static size_t refdefs(bwalk *b, size_t i, size_t lim)
{
	const char *s = b->body;
	while (i + 1 < lim && s[i] == '[' && s[i + 1] != '^') {
		size_t ls, le, ds, de;
		size_t e = refdef_at(s, i, lim, &ls, &le, &ds, &de);
		if (!e)
			break;
		if (b->links) {
			size_t base = b->w->base;
			if (push_link(b->w->d, MD_LINK_DEFINITION, base + ds, base + de, s + ds, de - ds,
			              s + ls, le - ls, 0))
				b->w->oom = 1;
		}
		i = skip_prefix(s, e, lim);
	}
	return i;
}

/* Byte offset of cmark's (line, column), both 1-based; column 0 is the
 * line's start. */
static size_t pos_at(const bwalk *b, int line, int col)
{
	if (line < 1)
		return 0;
	if ((size_t)line > b->nl)
		return b->blen;
	size_t o = b->ls[line - 1] + (col > 0 ? (size_t)col - 1 : 0);
	size_t e = line_end(b->body, b->ls[line - 1], b->blen);
	return o < e ? o : e;
}

/* Past the last byte of cmark's inclusive end (line, column). */
static size_t end_at(const bwalk *b, int line, int col)
{
	if (line < 1)
		return 0;
	if ((size_t)line > b->nl)
		return b->blen;
	size_t o = b->ls[line - 1] + (col > 0 ? (size_t)col : 0);
	size_t e = line_end(b->body, b->ls[line - 1], b->blen);
	return o < e ? o : e;
}

static void cover(bwalk *b, cmark_node *n)
{
	int s = cmark_node_get_start_line(n), e = cmark_node_get_end_line(n);
	for (int k = s < 1 ? 1 : s; k <= e && (size_t)k <= b->nl; k++)
		b->covered[k] = 1;
}

static int all_of(const char *s, size_t i, size_t e, char c)
{
	size_t k = i;
	while (k < e && s[k] == c)
		k++;
	return k > i && skip_spaces(s, k, e) == e;
}

static void cm_heading(bwalk *b, cmark_node *n)
{
	lwalk *w = b->w;
	const char *s = b->body;
	if (b->out->n >= MD_MAX_HEADINGS) {
		b->out->truncated = 1;  /* a post with 20000 headings is not a post */
		return;
	}
	int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
	md_heading x = {0};
	x.level = cmark_node_get_heading_level(n);
	size_t cs = pos_at(b, sl, cmark_node_get_start_column(n)), ce;
	cs = skip_spaces(s, cs, b->blen);
	if (cs < b->blen && s[cs] == '#') {
		/* ATX: the text between the #s and an optional closing sequence. */
		size_t le = line_end(s, cs, b->blen);
		x.start = cs;
		x.end = le;
		while (cs < le && s[cs] == '#')
			cs++;
		cs = skip_spaces(s, cs, le);
		ce = le;
		while (ce > cs && (s[ce - 1] == ' ' || s[ce - 1] == '\t'))
			ce--;
		size_t h = ce;
		while (h > cs && s[h - 1] == '#')
			h--;
		if (h < ce && (h == cs || s[h - 1] == ' ' || s[h - 1] == '\t')) {
			ce = h;
			while (ce > cs && (s[ce - 1] == ' ' || s[ce - 1] == '\t'))
				ce--;
		}
	} else {
		/* Setext: the lines above the underline (the last line of only
		 * = or -), definitions at the start not included. */
		int ul = el;
		for (; ul > sl; ul--) {
			size_t u = skip_prefix(s, b->ls[ul - 1], b->blen);
			size_t ue = line_end(s, u, b->blen);
			if (all_of(s, u, ue, '=') || all_of(s, u, ue, '-'))
				break;
		}
		ce = ul > sl ? line_end(s, b->ls[ul - 2], b->blen) : line_end(s, cs, b->blen);
		cs = refdefs(b, cs, ce);
		x.start = cs;
		x.end = ul > sl ? line_end(s, b->ls[ul - 1], b->blen) : ce;
		while (ce > cs && (s[ce - 1] == ' ' || s[ce - 1] == '\t'))
			ce--;
	}
	if (b->links && ce > cs)
		push_span(w, b->r, cs, ce);
	md_anchor_src as;
	const char *p;
	int atx;
	int rc = md_cmark_heading_source(n, &b->lc, &as, &p, &atx);
	if (rc > 0)
		return;
	md_buf id = {0};
	if (rc == 0) {
		x.text = heading_text(as.text, as.text_len);
		rc = md_anchor_id(&b->ids, &as, b->style, &id);
		md_anchor_source_free(&as);
	}
	x.id = id.data ? id.data : calloc(1, 1);
	x.start += w->base;
	x.end += w->base;
	/* Headings come in order (footnotes last): one pass counts lines. */
	if (x.start < b->line_off)
		b->line_off = b->line_no = 0;
	for (const char *q = b->src + b->line_off, *qe = b->src + x.start;
	     (q = memchr(q, '\n', (size_t)(qe - q))); q++)
		b->line_no++;
	b->line_off = x.start;
	x.line = b->line_no;
	if (rc || !x.text || !x.id || id.oom || push_heading(b->out, &x)) {
		free(x.text);
		free(x.id);
		w->oom = 1;
	}
}

/* A table's delimiter row: pipes, colons, dashes and spaces, a dash. */
static int delimiter_row(const char *s, size_t i, size_t e)
{
	int dash = 0;
	for (; i < e; i++) {
		if (s[i] == '-')
			dash = 1;
		else if (!strchr("|: \t", s[i]))
			return 0;
	}
	return dash;
}

/* The line of a table's header row: before its delimiter row. */
static int table_header_line(const bwalk *b, cmark_node *t)
{
	int sl = cmark_node_get_start_line(t), el = cmark_node_get_end_line(t);
	for (int k = sl < 1 ? 1 : sl; k <= el && (size_t)k <= b->nl; k++) {
		size_t i = skip_prefix(b->body, b->ls[k - 1], b->blen);
		if (k > sl && delimiter_row(b->body, i, line_end(b->body, i, b->blen)))
			return k - 1;
	}
	return sl;
}

/*
 * cmark-gfm takes a table's header row out of the paragraph above it
 * (no blank line between): that paragraph loses its position (0:0) and
 * the header's cells get columns counted from the paragraph's start. Both
 * are read here from the lines: the paragraph runs from the table's
 * start to the header row; the header's cells lie between unescaped pipes.
 */
static void cm_table_start(bwalk *b, cmark_node *t)
{
	int hl = table_header_line(b, t);
	if (hl == cmark_node_get_start_line(t) || !b->links)
		return;
	const char *s = b->body;
	b->own_header = t;
	size_t ps = pos_at(b, cmark_node_get_start_line(t), cmark_node_get_start_column(t));
	size_t pe = line_end(s, b->ls[hl - 2], b->blen);
	ps = refdefs(b, ps, pe);
	if (pe > ps)
		push_span(b->w, b->r, ps, pe);
	size_t i = skip_prefix(s, b->ls[hl - 1], b->blen), e = line_end(s, i, b->blen);
	if (i < e && s[i] == '|')
		i++;
	size_t cs = i;
	for (; i <= e; i++) {
		if (i < e && s[i] == '\\' && i + 1 < e) {
			i++;
			continue;
		}
		if (i == e || s[i] == '|') {
			if (i > cs)
				push_span(b->w, b->r, cs, i);
			cs = i + 1;
		}
	}
}

static void cm_block(bwalk *b, cmark_node *n, cmark_node_type t)
{
	lwalk *w = b->w;
	int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
	switch (t) {
	case CMARK_NODE_PARAGRAPH: {
		if (sl < 1)
			break;  /* above a table: see cm_table_start */
		size_t s = pos_at(b, sl, cmark_node_get_start_column(n));
		size_t e = end_at(b, el, cmark_node_get_end_column(n));
		s = refdefs(b, s, e);
		if (b->links && e > s)
			push_span(w, b->r, s, e);
		break;
	}
	case CMARK_NODE_HEADING:
		cm_heading(b, n);
		break;
	case CMARK_NODE_HTML_BLOCK:
		if (b->links && w->d->raw_html)
			html_links(w, w->base + pos_at(b, sl, cmark_node_get_start_column(n)),
			           w->base + end_at(b, el, cmark_node_get_end_column(n)));
		break;
	default:
		if (b->links && strcmp(cmark_node_get_type_string(n), "table_cell") == 0) {
			size_t s = pos_at(b, sl, cmark_node_get_start_column(n));
			size_t e = end_at(b, el, cmark_node_get_end_column(n));
			if (e > s)
				push_span(w, b->r, s, e);
		}
	}
}

/* Definitions on lines no block covers: paragraphs cmark dropped because
 * they held only definitions (unused footnotes, `[^1]: ...`, are dropped
 * too: goldmark does not render them either). */
static void cm_gaps(bwalk *b)
{
	const char *s = b->body;
	size_t last = 0;
	for (size_t k = 1; k <= b->nl && !b->w->oom; k++) {
		if (b->covered[k])
			continue;
		size_t i = skip_prefix(s, b->ls[k - 1], b->blen);
		/* A list item's marker: the definition may be its first block. */
		for (;;) {
			size_t m = i;
			if (m < b->blen && (s[m] == '-' || s[m] == '+' || s[m] == '*')) {
				m++;
			} else {
				while (m < b->blen && m - i < 9 && s[m] >= '0' && s[m] <= '9')
					m++;
				if (m == i || m >= b->blen || (s[m] != '.' && s[m] != ')'))
					break;
				m++;
			}
			if (m < b->blen && (s[m] == ' ' || s[m] == '\t'))
				i = skip_prefix(s, m, b->blen);
			else
				break;
		}
		if (i >= b->blen || s[i] != '[')
			continue;
		/* The run of uncovered, non-blank lines from here (found once a
		 * run: the lines after a failed definition are looked at again). */
		if (k > last) {
			last = k;
			while (last < b->nl && !b->covered[last + 1]) {
				size_t q = skip_prefix(s, b->ls[last], b->blen);
				if (at_eol(s, q, b->blen))
					break;
				last++;
			}
		}
		size_t lim = line_end(s, b->ls[last - 1], b->blen);
		if (i + 1 < b->blen && s[i + 1] == '^') {
			/* A footnote nothing refers to: its text's lines too (an
			 * empty first line leaves the next to a block of its own). */
			const char *c = memchr(s + i, ']', lim - i);
			size_t t = c && c + 1 < s + lim && c[1] == ':' ? (size_t)(c - s) + 2 : lim;
			t = skip_spaces(s, t, lim);
			if (!at_eol(s, t, lim))
				k = last;
			continue;
		}
		size_t rest = refdefs(b, i, lim);
		if (rest >= lim) {
			k = last;
			continue;
		}
		/* The line after the definitions is looked at again. */
		size_t from = k;
		while (k < last && b->ls[k] <= rest)
			k++;
		if (rest > i && k > from)
			k--;
	}
}

/* Headings (and with `links`, inline ranges, definitions and raw HTML
 * links) of the body, from cmark-gfm's block structure. */
static int cm_walk(lwalk *w, ranges *r, md_headings *h, const char *src, const char *body,
                   size_t blen, md_anchor_style style, int links)
{
	bwalk b = {0};
	b.w = w;
	b.r = r;
	b.body = body;
	b.blen = blen;
	b.out = h;
	b.src = src;
	b.style = style;
	b.links = links;
	b.lc = (md_line_cursor){body, blen, 1, 0};
	md_idset_init(&b.ids);
	b.ls = md_cmark_line_starts(body, blen, &b.nl);
	b.covered = b.ls ? calloc(b.nl + 1, 1) : NULL;
	if (!b.ls || !b.covered) {
		free(b.ls);
		free(b.covered);
		return MDPOST_ENOMEM;
	}
	int options = CMARK_OPT_SOURCEPOS;
	if (md_find_pair(body, blen, '[', '^'))
		options |= CMARK_OPT_FOOTNOTES;
	cmark_parser *parser = NULL;
	md_cmark_release();
	cmark_node *doc = md_cmark_parse(body, blen, options, MD_CMARK_BLOCKS, &parser);
	if (!doc)
		w->oom = 1;
	cmark_node *x = doc ? cmark_node_first_child(doc) : NULL;
	while (x && !w->oom) {
		cmark_node_type t = cmark_node_get_type(x);
		cmark_node *down = NULL;
		switch (t) {
		case CMARK_NODE_BLOCK_QUOTE:
		case CMARK_NODE_LIST:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_FOOTNOTE_DEFINITION:
			down = cmark_node_first_child(x);
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_THEMATIC_BREAK:
			cover(&b, x);
			cm_block(&b, x, t);
			break;
		default: {
			const char *ts = cmark_node_get_type_string(x);
			if (strcmp(ts, "table") == 0) {
				cover(&b, x);
				b.own_header = NULL;
				cm_table_start(&b, x);
			}
			if (strcmp(ts, "table_header") == 0 && b.own_header)
				break;
			if (strncmp(ts, "table", 5) == 0 && strcmp(ts, "table_cell") != 0)
				down = cmark_node_first_child(x);
			else
				cm_block(&b, x, t);
		}
		}
		x = md_cmark_next(x, doc, down != NULL);
	}
	if (links && !w->oom)
		cm_gaps(&b);
	md_cmark_release();
	md_idset_free(&b.ids);
	free(b.ls);
	free(b.covered);
	return w->oom ? MDPOST_ENOMEM : MDPOST_OK;
}

static int heading_cmp(const void *a, const void *b)
{
	const md_heading *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * cmark-gfm's time grows with the square of the list items opened on one
 * line (`- - - - x`: 80 KB of them take 80 ms, a megabyte seconds). No
 * post nests lists a hundred deep on one line: such a post gets no
 * structure check. Block quotes cost cmark no time, but each `>` and each
 * list marker can open a block of ~270 bytes: a 64 MB line of `>` would
 * take 17 GB. Past a million markers (~270 MB), the same.
 */
#define MD_MAX_LIST_NESTING 100
#define MD_MAX_CONTAINER_MARKERS 1000000

/*
 * cmark-gfm 0.29 looks for the closer of every `<?`, `<![CDATA[` and `<!X`
 * it meets inside a paragraph, to the end of the paragraph (comments it
 * handles in linear time):
 * thousands never closed take seconds (`a <?x <?x ...`, 200 KB: 4 s).
 * The cost is the sum, over the openers nothing closes, of the rest of
 * their paragraph; past 50 million bytes (about 50 ms) the post gets no
 * structure check and no preview. Returns the 1-based line of the opener
 * that crosses it, or 0.
 */
#define MD_MAX_UNCLOSED_HTML_COST 50000000ULL

size_t md_html_too_open(const char *s, size_t len)
{
	long long gt = -1, pi = -1, cdata = -1;
	for (const char *p = s; (p = memchr(p, '>', (size_t)(s + len - p))); p++) {
		long long i = p - s;
		gt = i;
		if (i >= 1 && p[-1] == '?')
			pi = i;
		if (i >= 2 && p[-1] == ']' && p[-2] == ']')
			cdata = i;
	}
	unsigned long long cost = 0;
	const char *para_end = s;  /* the blank line that ends p's paragraph */
	for (const char *p = s; (p = memchr(p, '<', (size_t)(s + len - p))); p++) {
		long long i = p - s;
		size_t rest = len - (size_t)i;
		int unclosed = 0;
		if (rest > 1 && p[1] == '?')
			unclosed = i > pi;
		else if (rest > 8 && memcmp(p, "<![CDATA[", 9) == 0)
			unclosed = i > cdata;
		else if (rest > 2 && p[1] == '!' && ((p[2] >= 'A' && p[2] <= 'Z') || (p[2] >= 'a' && p[2] <= 'z')))
			unclosed = i > gt;
		if (!unclosed)
			continue;
		if (para_end <= p) {
			para_end = md_find_pair(p, rest, '\n', '\n');
			if (!para_end)
				para_end = s + len;
		}
		cost += (unsigned long long)(para_end - p);
		if (cost > MD_MAX_UNCLOSED_HTML_COST) {
			size_t line = 1;
			for (const char *q = s; (q = memchr(q, '\n', (size_t)(p - q))); q++)
				line++;
			return line;
		}
	}
	return 0;
}

size_t md_nesting_limit(const char *s, size_t len, const char **why)
{
	size_t line = 0, markers = 0;
	for (size_t i = 0; i < len;) {
		size_t depth = 0;
		line++;
		for (;;) {
			for (; i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'); i++)
				markers += s[i] == '>';
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
		if (depth > MD_MAX_LIST_NESTING) {
			*why = "lists nest more than 100 deep on one line here";
			return line;
		}
		markers += depth;
		if (markers > MD_MAX_CONTAINER_MARKERS) {
			*why = "more than a million block quote and list markers up to here";
			return line;
		}
		const char *nl = memchr(s + i, '\n', len - i);
		i = nl ? (size_t)(nl - s) + 1 : len;
	}
	*why = NULL;
	return 0;
}

/* Headings of the body; with `links`, its links too (for md_doc). */
static int cm_parse(md_doc *d, ranges *r, lwalk *w, const char *src, size_t len,
                    size_t body_start, md_anchor_style style, int links)
{
	int rc = cm_walk(w, r, &d->headings, src, src + body_start, len - body_start, style, links);
	if (!rc) {
		/* cmark puts footnotes last: headings in them too. */
		for (size_t i = 1; i < d->headings.n; i++)
			if (d->headings.v[i].start < d->headings.v[i - 1].start) {
				qsort(d->headings.v, d->headings.n, sizeof(*d->headings.v), heading_cmp);
				break;
			}
		close_sections(&d->headings, src, len);
	}
	return rc;
}

int md_doc_parse(md_doc *d, const char *src, size_t len, size_t body_start,
                 md_anchor_style style, int raw_html)
{
	return md_doc_parse_cached(d, NULL, src, len, body_start, style, raw_html, 0);
}

/*
 * The part of an inline range the inline grammar must read: from the
 * first byte that can open a link, image, autolink, raw HTML or a code
 * span hiding them ([ ! < ` $, and the backslashes before it) to the last
 * that can close one (] ) > ` $). Text around it holds no link and
 * changes none (links bind tighter than emphasis): tree-sitter's inline
 * grammar costs about 1,000 instructions a byte, and a paragraph's links
 * are usually in its middle.
 */
static void trim_inline(const char *s, size_t *rs, size_t *re)
{
	size_t i = *rs, e = *re;
	while (i < e && !strchr("[!<`$", s[i]))
		i++;
	while (i > *rs && s[i - 1] == '\\')
		i--;
	while (e > i && !strchr("])>`$", s[e - 1]))
		e--;
	*rs = i;
	*re = e;
}

int md_doc_parse_cached(md_doc *d, md_doc_cache *cache, const char *src, size_t len,
                        size_t body_start, md_anchor_style style, int raw_html,
                        int headings_only)
{
	memset(d, 0, sizeof(*d));
	d->raw_html = raw_html;
	d->body_start = body_start;
	const char *body = src + body_start;
	TSParser *inl = NULL;
	/* MDPOST_INLINE=tree-sitter or =scanner picks which reads inline
	 * ranges, to compare them. */
	const char *ie = getenv("MDPOST_INLINE");
	int use_ts = ie ? strcmp(ie, "tree-sitter") == 0 : MD_INLINE_TREE_SITTER;
	if (cache && !headings_only && (cache->raw_html != raw_html || cache->ts_inline != use_ts)) {
		/* Raw HTML changes what inline ranges yield. */
		strset_free_values(&cache->used);
		strset_free_values(&cache->kept);
		cache->raw_html = raw_html;
		cache->ts_inline = use_ts;
	}
	lwalk w = {d, src, body_start, 0};
	ranges r = {0};
	int rc = MDPOST_OK;
	const char *nesting;
	size_t deep = md_nesting_limit(body, len - body_start, &nesting);
	size_t open = deep ? 0 : md_html_too_open(body, len - body_start);
	if (open || deep) {
		/* The parse stops before cmark-gfm; the warning goes on the line. */
		const char *p = body;
		for (size_t l = 1; l < (open ? open : deep); l++) {
			const char *nl = memchr(p, '\n', (size_t)(src + len - p));
			p = nl ? nl + 1 : src + len;
		}
		d->limit_offset = (size_t)(p - src);
		d->limit = open ? "too many `<?`, `<!` or `<![CDATA[` that nothing closes: the "
		                  "post's headings and links are not checked"
		      : nesting[0] == 'l' ? "lists nest more than 100 deep on one line here: the post's "
		                            "headings and links are not checked"
		                          : "more than a million block quote and list markers up to here: "
		                            "the post's headings and links are not checked";
		goto out;
	}
	rc = cm_parse(d, &r, &w, src, len, body_start, style, !headings_only);
	if (!rc && d->headings.truncated && !d->limit) {
		d->limit = "more than 20000 headings in one post: the rest get no id, and links "
		           "to them are not checked";
		d->limit_offset = d->headings.v[d->headings.n - 1].end;
	}
	if (rc || headings_only)
		goto out;
	TSParser *none = NULL;
	TSParser **inlp = !use_ts ? &none : cache ? &cache->inl : &inl;
	if (use_ts && !*inlp) {
		*inlp = ts_parser_new();
		if (!*inlp || !ts_parser_set_language(*inlp, tree_sitter_markdown_inline())) {
			rc = *inlp ? MDPOST_EINTERNAL : MDPOST_ENOMEM;
			goto out;
		}
	}
	/* Each inline range on its own: one parse over all of them (included
	 * ranges) is several times slower in tree-sitter's lexer. */
	for (size_t i = 0; i < r.n && !w.oom; i++) {
		size_t rs = r.v[i].start, re = r.v[i].end;
		/* Every link starts with [ (links, images, references) or <
		 * (autolinks, raw HTML): most paragraphs have neither. */
		if (!memchr(body + rs, '[', re - rs) && !memchr(body + rs, '<', re - rs))
			continue;
		trim_inline(body, &rs, &re);
		if (re - rs > UINT32_MAX)
			continue;
		lwalk sub = w;
		sub.base = body_start + rs;
		inline_range(&sub, *inlp, cache, body + rs, (uint32_t)(re - rs));
		w.oom = sub.oom;
	}
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
	free(r.v);
	if (inl)
		ts_parser_delete(inl);
	if (rc)
		md_doc_free(d);
	return rc;
}

int md_headings_collect(md_headings *h, const char *src, size_t len,
                        size_t body_start, const char *anchor_style)
{
	memset(h, 0, sizeof(*h));
	md_anchor_style style = MD_ANCHOR_GITHUB;
	if (anchor_style && *anchor_style && md_anchor_style_parse(anchor_style, &style))
		return MDPOST_EINVAL;
	md_doc d;
	int rc = md_doc_parse_cached(&d, NULL, src, len, body_start, style, 0, 1);
	if (!rc) {
		*h = d.headings;
		memset(&d.headings, 0, sizeof(d.headings));
		md_doc_free(&d);
	}
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
