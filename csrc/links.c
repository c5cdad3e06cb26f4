/*
 * Link checks: every link, image, reference and ref/relref/figure shortcode
 * of a post, resolved the way the published site will resolve it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *md_link_kind_name(md_link_kind k)
{
	static const char *const names[] = {"link", "image", "reference", "shortcut",
		"definition", "autolink", "html", "ref", "relref", "figure"};
	return names[k];
}

static int starts(const char *s, size_t n, const char *lit)
{
	size_t l = strlen(lit);
	return n >= l && strncasecmp(s, lit, l) == 0;
}

static int hexv(char c)
{
	return (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
	     : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* %XX decoded into `out`. */
static void percent_decode(md_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			md_buf_putc(out, (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2])));
			i += 2;
		} else {
			md_buf_putc(out, s[i]);
		}
	}
}

/* Resolves `rel` against the directory URL `base` (ending in /) and
 * removes . and .. segments, as a browser does. */
static void resolve_url(md_buf *out, const char *base, const char *rel, size_t n)
{
	md_buf joined = {0};
	if (n && rel[0] == '/')
		md_buf_put(&joined, rel, n);
	else {
		md_buf_puts(&joined, base);
		md_buf_put(&joined, rel, n);
	}
	const char *p = joined.data ? joined.data : "/";
	/* Segment stack in `out`. */
	md_buf_putc(out, '/');
	while (*p) {
		while (*p == '/')
			p++;
		const char *seg = p;
		while (*p && *p != '/')
			p++;
		size_t sl = (size_t)(p - seg);
		int trailing = *p == '/';
		if (sl == 1 && seg[0] == '.') {
			continue;
		} else if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			if (out->len > 1) {
				out->len--;  /* drop the trailing slash, then the segment */
				while (out->len > 1 && out->data[out->len - 1] != '/')
					out->len--;
				out->data[out->len] = '\0';
			}
			continue;
		} else if (sl) {
			md_buf_put(out, seg, sl);
			if (trailing)
				md_buf_putc(out, '/');
		}
	}
	md_buf_free(&joined);
}

typedef struct lctx {
	const md_doc *doc;
	const char *src;
	size_t len;                  /* of src */
	const mdpost_site *site;
	const mdpost_index *idx;     /* NULL or not ready: same-page checks only */
	const char *page_path;       /* content-relative path of this post, or NULL */
	const char *page_url;        /* its URL, or NULL */
	md_diags *diags;
	md_strset defs;              /* labels of [label]: definitions */
	md_strset used;              /* labels some reference uses */
} lctx;

/* A verdict on one link. */
typedef struct verdict {
	const char *status;    /* ok, external, unchecked, broken */
	const char *code;      /* when broken */
	size_t start, end;     /* the part at fault */
	char message[600];
} verdict;

static void broken(verdict *v, const char *code, size_t s, size_t e, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void broken(verdict *v, const char *code, size_t s, size_t e, const char *fmt, ...)
{
	v->status = "broken";
	v->code = code;
	v->start = s;
	v->end = e;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

static int is_footnote_id(const char *f, size_t n)
{
	return starts(f, n, "fn:") || starts(f, n, "fnref:") || (n == 15 && memcmp(f, "TableOfContents", 15) == 0);
}

/* `#frag` against a set of ids; the verdict points at the fragment. */
static void check_fragment(verdict *v, const md_strset *ids, const char *frag, size_t n,
                           size_t at, const char *where)
{
	md_buf dec = {0};
	percent_decode(&dec, frag, n);
	const char *f = dec.data ? dec.data : "";
	if (n && !is_footnote_id(f, dec.len) && !md_strset_has(ids, f, dec.len)) {
		/* The nearest id, for a typo or a case slip. */
		const char *best = NULL;
		size_t best_d = 3;
		for (size_t i = 0; i < ids->cap; i++) {
			const md_strset_slot *s = &ids->slots[i];
			if (!s->key)
				continue;
			size_t d = md_edit_distance(s->key, s->len, f, dec.len);
			if (d < best_d)
				best_d = d, best = s->key;
		}
		if (best)
			broken(v, "link-anchor", at - 1, at + n, "no heading in %s has the id `%s` — did you mean #%s?",
			       where, f, best);
		else
			broken(v, "link-anchor", at - 1, at + n, "no heading in %s has the id `%s`", where, f);
	}
	md_buf_free(&dec);
}

static void check_url(lctx *c, const md_link *l, verdict *v)
{
	const char *t = l->target;
	size_t n = l->target_len;
	/* The target's bytes in the source start at l->start when no escape
	 * was decoded; offsets past an escape are approximate. */
	size_t s0 = l->start;
	if (n == 0) {
		broken(v, "link-malformed", l->start, l->end, "the link has no target");
		return;
	}
	size_t i = 0;
	if ((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))
		while (i < n && ((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		                 (t[i] >= '0' && t[i] <= '9') || t[i] == '+' || t[i] == '-' || t[i] == '.'))
			i++;
	if (i > 0 && i < n && t[i] == ':') {
		if (starts(t, n, "http:") || starts(t, n, "https:")) {
			if (n < i + 3 || t[i + 1] != '/' || t[i + 2] != '/' || i + 3 >= n || t[i + 3] == '/')
				broken(v, "link-malformed", l->start, l->end,
				       "`%.*s` is not a valid URL: write %.*s://host/path", (int)n, t, (int)i, t);
			else
				v->status = "external";
			return;
		}
		static const char *const ok[] = {"mailto:", "tel:", "ftp:", "ftps:", "data:", "sms:",
			"irc:", "magnet:", "xmpp:", "geo:", "news:", "javascript:", NULL};
		for (int k = 0; ok[k]; k++)
			if (starts(t, n, ok[k])) {
				v->status = "external";
				return;
			}
		if (i == 1)
			broken(v, "link-malformed", l->start, l->end,
			       "`%.*s` is a path on your computer, not on the site", (int)n, t);
		else if (starts(t, n, "htp") || starts(t, n, "htps") || starts(t, n, "htt") || starts(t, n, "http"))
			broken(v, "link-malformed", l->start, l->end, "`%.*s` has a misspelt scheme (http: or https:)",
			       (int)n, t);
		else
			v->status = "external";  /* another scheme: not ours to judge */
		return;
	}
	if (starts(t, n, "//")) {
		v->status = "external";
		return;
	}
	if (starts(t, n, "http//") || starts(t, n, "https//")) {
		broken(v, "link-malformed", l->start, l->end, "`%.*s` lacks the `:` after http", (int)n, t);
		return;
	}
	const char *hash = memchr(t, '#', n);
	size_t plen = hash ? (size_t)(hash - t) : n;
	const char *q = memchr(t, '?', plen);
	size_t path_len = q ? (size_t)(q - t) : plen;
	const char *frag = hash ? hash + 1 : NULL;
	size_t flen = hash ? n - plen - 1 : 0;
	size_t frag_at = s0 + plen + 1;
	if (path_len == 0) {
		if (frag)
			check_fragment(v, &c->doc->ids, frag, flen, frag_at, "this post");
		return;
	}
	if (!c->idx || !mdpost_index_ready(c->idx)) {
		v->status = "unchecked";
		return;
	}
	md_buf path = {0};
	percent_decode(&path, t, path_len);
	const char *p = path.data ? path.data : "";
	size_t pl = path.len;
	const char *dot = strrchr(p, '.');
	int to_content = dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0);
	if (to_content && p[0] != '/') {
		/* A link to a content file: only a render-link hook turns it into
		 * the page's URL; Hugo 0.111 itself publishes it as written. */
		char key[4096] = "";
		if (c->page_path) {
			char dir[4096];
			snprintf(dir, sizeof(dir), "/%s", c->page_path);
			char *slash = strrchr(dir, '/');
			*(slash + 1) = '\0';
			md_buf r = {0};
			resolve_url(&r, dir, p, pl);
			snprintf(key, sizeof(key), "%s", r.data ? r.data + 1 : "");
			md_buf_free(&r);
		}
		for (char *k = key; *k; k++)
			if (*k >= 'A' && *k <= 'Z')
				*k += 32;
		int amb;
		const md_page *target = key[0] ? md_index_path(c->idx, key, strlen(key), &amb) : NULL;
		if (!c->page_path)
			v->status = "unchecked";
		else if (!target)
			broken(v, "link-file", s0, s0 + path_len, "no content file `%s` next to this post", p);
		else if (!md_index_render_hook(c->idx))
			broken(v, "link-file", s0, s0 + path_len,
			       "Hugo publishes links to .md files as written, so this one 404s on the "
			       "site: link to %s or use {{< relref \"%s\" >}}", target->url, p);
		else if (frag)
			check_fragment(v, md_index_ids(c->idx, target), frag, flen, frag_at, target->path);
		md_buf_free(&path);
		return;
	}
	if (strstr(p, "//")) {
		/* Static servers and Hugo's own map /a//b to a file only when they
		 * merge slashes: the file is at the path without the empty part. */
		broken(v, "link-file", s0, s0 + path_len,
		       "`%s` has an empty path segment (//): nothing is published there", p);
		md_buf_free(&path);
		return;
	}
	if (p[0] != '/' && !c->page_url) {
		v->status = "unchecked";  /* relative, and this post's URL is unknown */
		md_buf_free(&path);
		return;
	}
	md_buf url = {0};
	resolve_url(&url, c->page_url ? c->page_url : "/", p, pl);
	/* Published URLs are case-sensitive: Hugo lower-cases page URLs, and
	 * files keep their names, so /posts/Foo/ and Cover.png 404. */
	char *u = url.data ? url.data : "/";
	size_t ul = strlen(u);
	const md_page *page = md_index_url(c->idx, u, ul);
	if (!page && ul && u[ul - 1] != '/') {
		md_buf_putc(&url, '/');  /* /posts/x redirects to /posts/x/ */
		u = url.data;
		page = md_index_url(c->idx, u, ul + 1);
		if (!page)
			url.data[--url.len] = '\0';
	}
	if (!page && ul > 10 && strcmp(u + ul - 10, "index.html") == 0)
		page = md_index_url(c->idx, u, ul - 10);
	if (page) {
		if (frag)
			check_fragment(v, md_index_ids(c->idx, page), frag, flen, frag_at, page->path);
	} else if (md_index_file(c->idx, u, strlen(u)) || md_index_dir(c->idx, u, strlen(u))) {
		/* a static file, a bundle resource, a section or taxonomy list */
	} else {
		const md_page *near = md_index_nearest(c->idx, u, strlen(u));
		if (near)
			broken(v, "link-file", s0, s0 + path_len, "nothing is published at %s — did you mean %s?",
			       u, near->url);
		else if (l->image)
			broken(v, "link-file", s0, s0 + path_len, "no image is published at %s (not in static/ nor "
			       "in this post's bundle)", u);
		else
			broken(v, "link-file", s0, s0 + path_len, "nothing is published at %s", u);
	}
	md_buf_free(&url);
	md_buf_free(&path);
}

/* The page a ref/relref path names, as Hugo looks it up: lower-cased,
 * from the content root when it starts with /, else relative to the
 * post's directory first, then to the content root. */
const md_page *md_ref_lookup(const mdpost_index *idx, const char *page_path,
                             const char *t, size_t pl, int *ambiguous)
{
	char path[4096];
	size_t k = 0;
	*ambiguous = 0;
	for (size_t i = 0; i < pl && k < sizeof(path) - 1; i++)
		path[k++] = (t[i] >= 'A' && t[i] <= 'Z') ? t[i] + 32 : t[i];
	path[k] = '\0';
	while (k > 1 && path[k - 1] == '/')
		path[--k] = '\0';
	const md_page *page = NULL;
	if (path[0] == '/')
		return md_index_path(idx, path + 1, strlen(path + 1), ambiguous);
	if (page_path) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "/%s", page_path);
		char *slash = strrchr(dir, '/');
		*(slash + 1) = '\0';
		md_buf r = {0};
		resolve_url(&r, dir, path, strlen(path));
		if (r.data && r.len > 1)
			page = md_index_path(idx, r.data + 1, r.len - 1, ambiguous);
		md_buf_free(&r);
	}
	const char *p = path;
	while (strncmp(p, "./", 2) == 0)
		p += 2;
	if (!page)
		page = md_index_path(idx, p, strlen(p), ambiguous);
	return page;
}

static void check_ref(lctx *c, const md_link *l, verdict *v)
{
	const char *t = l->target;
	size_t n = l->target_len;
	const char *hash = memchr(t, '#', n);
	size_t pl = hash ? (size_t)(hash - t) : n;
	const char *frag = hash ? hash + 1 : NULL;
	size_t flen = hash ? n - pl - 1 : 0;
	size_t frag_at = l->start + pl + 1;
	const char *name = l->kind == MD_LINK_REF ? "ref" : "relref";
	if (pl == 0) {
		if (frag)
			check_fragment(v, &c->doc->ids, frag, flen, frag_at, "this post");
		return;
	}
	if (!c->idx || !mdpost_index_ready(c->idx)) {
		v->status = "unchecked";
		return;
	}
	int amb = 0;
	const md_page *page = md_ref_lookup(c->idx, c->page_path, t, pl, &amb);
	if (amb)
		broken(v, "link-ref", l->start, l->start + pl,
		       "%s \"%.*s\" is ambiguous: several pages have that name — give its path, e.g. /posts/%.*s",
		       name, (int)pl, t, (int)pl, t);
	else if (!page)
		broken(v, "link-ref", l->start, l->start + pl,
		       "%s \"%.*s\": no such page — Hugo fails the build (REF_NOT_FOUND)", name, (int)pl, t);
	else if (frag)
		check_fragment(v, md_index_ids(c->idx, page), frag, flen, frag_at, page->path);
}

static void judge(lctx *c, const md_link *l, verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->status = "ok";
	switch (l->kind) {
	case MD_LINK_REF:
	case MD_LINK_RELREF:
		check_ref(c, l, v);
		break;
	case MD_LINK_REFERENCE:
	case MD_LINK_SHORTCUT: {
		if (l->label && l->label[0] == '^') {
			v->status = "footnote";  /* [^1]: goldmark's footnotes */
			break;
		}
		if (l->end + 1 < c->len && c->src[l->end] == ']' && c->src[l->end + 1] == '(') {
			/* [text]({{< ref "x" >}}): Markdown sees no link (the shortcode
			 * has spaces) but Hugo runs the shortcode first; it is checked
			 * on its own. */
			v->status = "shortcode";
			break;
		}
		/* Resolved through its definition, which is checked on its own. */
		int defined = md_strset_has(&c->defs, l->label, strlen(l->label));
		if (!defined && l->kind == MD_LINK_REFERENCE)
			broken(v, "link-undefined", l->start, l->end,
			       "no definition `[%s]: …` for this reference, so it shows as plain text", l->label);
		else if (!defined)
			v->status = "text";  /* [x] without a definition is just text */
		break;
	}
	default:
		check_url(c, l, v);
	}
}

/*
 * Checks every link of `doc`: problems go to `diags`; with `list`, each
 * link's verdict is packed too (for `mdpost links`). `page_path` is the
 * post's path in the content dir and `page_url` its URL (both may be NULL
 * for a post outside the site: then only what needs no base is checked).
 */
int md_links_run(const md_doc *doc, const char *src, size_t len, const mdpost_site *site,
                 const mdpost_index *idx, const char *page_path, const char *page_url,
                 md_diags *diags, struct msgpack_packer *list, const md_lines *lines)
{
	lctx c = {doc, src, len, site, idx, page_path, page_url, diags, {0}, {0}};
	int oom = 0;
	for (size_t i = 0; i < doc->n_links; i++) {
		const md_link *l = &doc->links[i];
		if (l->kind == MD_LINK_DEFINITION)
			oom |= md_strset_put(&c.defs, l->label, strlen(l->label), NULL);
		else if ((l->kind == MD_LINK_REFERENCE || l->kind == MD_LINK_SHORTCUT) && l->label)
			oom |= md_strset_put(&c.used, l->label, strlen(l->label), NULL);
	}
	if (list)
		msgpack_pack_array(list, doc->n_links);
	for (size_t i = 0; i < doc->n_links; i++) {
		const md_link *l = &doc->links[i];
		verdict v;
		judge(&c, l, &v);
		if (l->kind == MD_LINK_DEFINITION && strcmp(v.status, "broken") != 0) {
			/* A definition nothing uses is dead text in the post. */
			if (!md_strset_has(&c.used, l->label, strlen(l->label))) {
				v.status = "unused";
				md_diags_add(diags, l->start, l->end, MD_SEV_INFO, "link-unused",
				             "the definition [%s] is never used", l->label);
			}
		}
		if (v.code)
			md_diags_add(diags, v.start, v.end, MD_SEV_ERROR, v.code, "%s", v.message);
		if (!list)
			continue;
		size_t l1, c1, l2, c2;
		md_lines_pos(lines, l->start, &l1, &c1);
		md_lines_pos(lines, l->end, &l2, &c2);
		msgpack_pack_map(list, v.code ? 9 : 8);
		md_pack_cstr(list, "lnum"); msgpack_pack_uint64(list, l1);
		md_pack_cstr(list, "col"); msgpack_pack_uint64(list, c1);
		md_pack_cstr(list, "end_lnum"); msgpack_pack_uint64(list, l2);
		md_pack_cstr(list, "end_col"); msgpack_pack_uint64(list, c2);
		md_pack_cstr(list, "kind"); md_pack_cstr(list, md_link_kind_name(l->kind));
		md_pack_cstr(list, "target");
		if (l->label && l->kind != MD_LINK_DEFINITION)
			md_pack_cstr(list, l->label);
		else
			md_pack_str(list, l->target, l->target_len);
		md_pack_cstr(list, "status"); md_pack_cstr(list, v.status);
		md_pack_cstr(list, "message"); md_pack_cstr(list, v.code ? v.message : "");
		if (v.code) {
			md_pack_cstr(list, "code");
			md_pack_cstr(list, v.code);
		}
	}
	md_strset_free(&c.defs);
	md_strset_free(&c.used);
	return (oom || diags->oom) ? MDPOST_ENOMEM : MDPOST_OK;
}
