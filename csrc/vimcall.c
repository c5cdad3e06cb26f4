/*
 * Vim's way in: mdpost_vim(), called through libcall() by autoload/mdpost.vim
 * in Vim builds without Lua. A JSON request in, a JSON reply out, built on
 * the public entry points (their msgpack turned into JSON here): libcall()
 * passes and returns NUL-terminated strings only, so msgpack cannot cross.
 *
 * Two things here break the library's rule of no mutable global state, both
 * because libcall() leaves no other choice:
 * - the reply lives in a per-thread buffer until the next call: libcall()
 *   copies the returned string and never frees it;
 * - open sites and their indexes are cached by root (a few, least recently
 *   used evicted): each libcall() is a separate dlopen()/dlclose(), so state
 *   kept between calls would otherwise be lost, and reading a site's config
 *   and indexing it per keystroke is what the cache avoids. The library is
 *   linked with -z nodelete, so dlclose() never unmaps it (or the index
 *   threads still running in it).
 * A mutex serialises calls; Vim makes them from its main thread anyway.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>

#include "internal.h"

#define VC_MAX_SITES 8
#define VC_MAX_DEPTH 64
#define VC_PROTOCOL 1

/* ---- JSON -> msgpack_object (the request) ----------------------------- */

typedef struct vc_parser {
	const char *s, *end;
	msgpack_zone *zone;
	const char *error;
} vc_parser;

static void vc_skip_ws(vc_parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int vc_fail(vc_parser *p, const char *msg)
{
	if (!p->error)
		p->error = msg;
	return -1;
}

static int vc_hex4(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int vc_string(vc_parser *p, msgpack_object *o)
{
	const char *s = ++p->s;  /* past the quote */
	/* Escapes only shrink the text: the raw length bounds the decoded one. */
	const char *q = s;
	while (q < p->end && *q != '"') {
		if (*q == '\\' && q + 1 < p->end)
			q++;
		q++;
	}
	if (q >= p->end)
		return vc_fail(p, "unterminated string");
	char *out = msgpack_zone_malloc(p->zone, (size_t)(q - s) + 1);
	if (!out)
		return vc_fail(p, "out of memory");
	size_t n = 0;
	while (s < q) {
		unsigned char c = (unsigned char)*s++;
		if (c < 0x20)
			return vc_fail(p, "control character in a string");
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		char e = *s++;
		switch (e) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			if (q - s < 4 || vc_hex4(s, &cp))
				return vc_fail(p, "bad \\u escape");
			s += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && q - s >= 6 && s[0] == '\\' &&
			    s[1] == 'u' && !vc_hex4(s + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				s += 6;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD;  /* a lone surrogate */
			}
			if (cp == 0)
				return vc_fail(p, "NUL in a string");
			/* \uXXXX takes 6 bytes and encodes to at most 4: it fits. */
			n += md_utf8_encode(cp, out + n);
			break;
		}
		default:
			return vc_fail(p, "bad escape in a string");
		}
	}
	out[n] = '\0';
	p->s = q + 1;
	o->type = MSGPACK_OBJECT_STR;
	o->via.str.ptr = out;
	o->via.str.size = (uint32_t)n;
	return 0;
}

static int vc_number(vc_parser *p, msgpack_object *o)
{
	char tmp[64];
	size_t n = 0;
	int integral = 1;
	while (p->s + n < p->end && n < sizeof(tmp) - 1 && strchr("+-0123456789.eE", p->s[n])) {
		if (strchr(".eE", p->s[n]))
			integral = 0;
		n++;
	}
	if (n == 0 || n == sizeof(tmp) - 1)
		return vc_fail(p, "bad number");
	memcpy(tmp, p->s, n);
	tmp[n] = '\0';
	char *stop;
	errno = 0;
	if (integral && tmp[0] == '-') {
		long long v = strtoll(tmp, &stop, 10);
		o->type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
		o->via.i64 = v;
		if (v >= 0)
			o->type = MSGPACK_OBJECT_POSITIVE_INTEGER, o->via.u64 = (uint64_t)v;
	} else if (integral) {
		o->type = MSGPACK_OBJECT_POSITIVE_INTEGER;
		o->via.u64 = strtoull(tmp, &stop, 10);
	} else {
		o->type = MSGPACK_OBJECT_FLOAT64;
		o->via.f64 = strtod(tmp, &stop);
	}
	if (*stop || errno)
		return vc_fail(p, "bad number");
	p->s += n;
	return 0;
}

static int vc_value(vc_parser *p, msgpack_object *o, int depth);

/* Arrays and objects: items gathered in a heap array, then moved to the zone
 * (msgpack_object wants their count up front). */
static int vc_container(vc_parser *p, msgpack_object *o, int depth, int is_map)
{
	char close = is_map ? '}' : ']';
	size_t item = is_map ? sizeof(msgpack_object_kv) : sizeof(msgpack_object);
	char *items = NULL;
	size_t n = 0, cap = 0;
	p->s++;
	vc_skip_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		goto done;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			char *grown = realloc(items, cap * item);
			if (!grown) {
				free(items);
				return vc_fail(p, "out of memory");
			}
			items = grown;
		}
		if (is_map) {
			msgpack_object_kv *kv = (msgpack_object_kv *)(void *)items + n;
			vc_skip_ws(p);
			if (p->s >= p->end || *p->s != '"' || vc_string(p, &kv->key)) {
				free(items);
				return vc_fail(p, "object keys must be strings");
			}
			vc_skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(items);
				return vc_fail(p, "`:` expected after a key");
			}
			p->s++;
			if (vc_value(p, &kv->val, depth + 1)) {
				free(items);
				return -1;
			}
		} else if (vc_value(p, (msgpack_object *)(void *)items + n, depth + 1)) {
			free(items);
			return -1;
		}
		n++;
		vc_skip_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			break;
		}
		free(items);
		return vc_fail(p, is_map ? "`,` or `}` expected" : "`,` or `]` expected");
	}
done:;
	void *kept = NULL;
	if (n) {
		kept = msgpack_zone_malloc(p->zone, n * item);
		if (!kept) {
			free(items);
			return vc_fail(p, "out of memory");
		}
		memcpy(kept, items, n * item);
	}
	free(items);
	if (is_map) {
		o->type = MSGPACK_OBJECT_MAP;
		o->via.map.size = (uint32_t)n;
		o->via.map.ptr = kept;
	} else {
		o->type = MSGPACK_OBJECT_ARRAY;
		o->via.array.size = (uint32_t)n;
		o->via.array.ptr = kept;
	}
	return 0;
}

static int vc_word(vc_parser *p, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
		return 0;
	p->s += n;
	return 1;
}

static int vc_value(vc_parser *p, msgpack_object *o, int depth)
{
	if (depth > VC_MAX_DEPTH)
		return vc_fail(p, "nested too deeply");
	vc_skip_ws(p);
	if (p->s >= p->end)
		return vc_fail(p, "value expected");
	memset(o, 0, sizeof(*o));
	switch (*p->s) {
	case '"': return vc_string(p, o);
	case '{': return vc_container(p, o, depth, 1);
	case '[': return vc_container(p, o, depth, 0);
	}
	if (vc_word(p, "null")) {
		o->type = MSGPACK_OBJECT_NIL;
		return 0;
	}
	if (vc_word(p, "true") || vc_word(p, "false")) {
		o->type = MSGPACK_OBJECT_BOOLEAN;
		o->via.boolean = p->s[-1] == 'e' && p->s[-4] == 't';
		return 0;
	}
	/* Vim's json_encode writes v:none as null, NaN and infinities as
	 * words; none of them is a request value worth keeping. */
	return vc_number(p, o);
}

/* ---- msgpack_object -> JSON (the reply) -------------------------------- */

static void vc_json_str(md_buf *b, const char *s, size_t n)
{
	md_buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		md_buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': md_buf_puts(b, "\\\""); break;
		case '\\': md_buf_puts(b, "\\\\"); break;
		case '\n': md_buf_puts(b, "\\n"); break;
		case '\t': md_buf_puts(b, "\\t"); break;
		case '\r': md_buf_puts(b, "\\r"); break;
		/* NUL too: libcall()'s reply ends at the first NUL byte. */
		default: md_buf_printf(b, "\\u%04x", c); break;
		}
	}
	md_buf_put(b, s + run, n - run);
	md_buf_putc(b, '"');
}

static void vc_json(md_buf *b, const msgpack_object *o, int depth)
{
	if (depth > VC_MAX_DEPTH) {
		md_buf_puts(b, "null");
		return;
	}
	switch (o->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		md_buf_puts(b, o->via.boolean ? "true" : "false");
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		md_buf_printf(b, "%llu", (unsigned long long)o->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		md_buf_printf(b, "%lld", (long long)o->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		if (isfinite(o->via.f64))
			md_buf_printf(b, "%.17g", o->via.f64);
		else
			md_buf_puts(b, "null");
		break;
	case MSGPACK_OBJECT_STR:
		vc_json_str(b, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		vc_json_str(b, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		md_buf_putc(b, '[');
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				md_buf_putc(b, ',');
			vc_json(b, &o->via.array.ptr[i], depth + 1);
		}
		md_buf_putc(b, ']');
		break;
	case MSGPACK_OBJECT_MAP:
		md_buf_putc(b, '{');
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key;
			if (i)
				md_buf_putc(b, ',');
			if (k->type == MSGPACK_OBJECT_STR) {
				vc_json(b, k, depth + 1);
			} else {
				/* JSON keys are strings: other keys as their JSON text. */
				md_buf tmp = {0};
				vc_json(&tmp, k, depth + 1);
				vc_json_str(b, tmp.data ? tmp.data : "", tmp.len);
				b->oom |= tmp.oom;
				md_buf_free(&tmp);
			}
			md_buf_putc(b, ':');
			vc_json(b, &o->via.map.ptr[i].val, depth + 1);
		}
		md_buf_putc(b, '}');
		break;
	default:
		md_buf_puts(b, "null");
		break;
	}
}

/* ---- requests ----------------------------------------------------------- */

/* A string field (the zone keeps it NUL-terminated), or NULL. */
static const char *vc_str(const msgpack_object *req, const char *key, size_t *len)
{
	const msgpack_object *v = md_pack_get(req, key);
	if (!v || v->type != MSGPACK_OBJECT_STR)
		return NULL;
	if (len)
		*len = v->via.str.size;
	return v->via.str.ptr;
}

static long long vc_int(const msgpack_object *req, const char *key, long long dflt)
{
	const msgpack_object *v = md_pack_get(req, key);
	if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		return v->via.u64 > INT32_MAX ? INT32_MAX : (long long)v->via.u64;
	if (v && v->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
		return -1;
	return dflt;
}

/* ---- the site cache -------------------------------------------------- */

typedef struct vc_site {
	char *root;              /* "" for posts outside any site */
	mdpost_site *site;
	mdpost_index *index;     /* NULL without a site root */
	mdpost_index *next;      /* a fresh index being built after a write */
	unsigned long used;      /* for least-recently-used eviction */
} vc_site;

static pthread_mutex_t vc_lock = PTHREAD_MUTEX_INITIALIZER;
static vc_site vc_sites[VC_MAX_SITES];
static unsigned long vc_clock;
static _Thread_local md_buf vc_reply;

static void vc_site_drop(vc_site *s)
{
	mdpost_index_free(s->next);
	mdpost_index_free(s->index);
	mdpost_site_free(s->site);
	free(s->root);
	memset(s, 0, sizeof(*s));
}

/* A fresh index that finished replaces the one in use. */
static void vc_swap(vc_site *s)
{
	if (s->next && mdpost_index_ready(s->next)) {
		mdpost_index_free(s->index);
		s->index = s->next;
		s->next = NULL;
	}
}

static vc_site *vc_find_cached(const char *root)
{
	for (int i = 0; i < VC_MAX_SITES; i++)
		if (vc_sites[i].root && strcmp(vc_sites[i].root, root) == 0) {
			vc_sites[i].used = ++vc_clock;
			vc_swap(&vc_sites[i]);
			return &vc_sites[i];
		}
	return NULL;
}

/* The site at `root`, opened once; its index starts building on a thread
 * of its own. NULL with *err set on failure. */
static vc_site *vc_site_get(const char *root, const char **err, mdpost_result *res)
{
	vc_site *s = vc_find_cached(root);
	if (s)
		return s;
	s = &vc_sites[0];
	for (int i = 0; i < VC_MAX_SITES; i++) {
		if (!vc_sites[i].root) {
			s = &vc_sites[i];
			break;
		}
		if (vc_sites[i].used < s->used)
			s = &vc_sites[i];
	}
	vc_site_drop(s);
	s->root = strdup(root);
	if (!s->root) {
		*err = "out of memory";
		return NULL;
	}
	if (mdpost_site_open(&s->site, res, root, strlen(root))) {
		*err = res->error ? res->error : "cannot open the site";
		free(s->root);
		s->root = NULL;
		return NULL;
	}
	mdpost_result_free(res);
	if (root[0] && mdpost_index_new(&s->index, res, s->site, 1))
		s->index = NULL;  /* links into the site then stay unchecked */
	mdpost_result_free(res);
	s->used = ++vc_clock;
	return s;
}

/* Is the site's index ready, with no fresh one still being built? (Without
 * an index, no site root, there is nothing to wait for.) */
static int vc_indexed(vc_site *s)
{
	vc_swap(s);
	return !s->index || (!s->next && mdpost_index_ready(s->index));
}

/* ---- the documents being edited (incremental checks and folds) ------- */

#define VC_MAX_DOCS 64

typedef struct vc_doc {
	char key[64];            /* the caller's name for it ("" = free slot) */
	mdpost_doc *doc;
	unsigned long used;
} vc_doc;

static vc_doc vc_docs[VC_MAX_DOCS];

static void vc_doc_drop(vc_doc *d)
{
	mdpost_doc_free(d->doc);
	memset(d, 0, sizeof(*d));
}

/* The document named `key`, made on first use (least recently used one
 * dropped when all slots are taken); NULL: call without one. */
static mdpost_doc *vc_doc_get(const char *key, size_t n, mdpost_result *res)
{
	if (!key || n == 0 || n >= sizeof(vc_docs[0].key))
		return NULL;
	vc_doc *slot = &vc_docs[0];
	for (int i = 0; i < VC_MAX_DOCS; i++) {
		if (vc_docs[i].doc && strcmp(vc_docs[i].key, key) == 0) {
			vc_docs[i].used = ++vc_clock;
			return vc_docs[i].doc;
		}
		if (!vc_docs[i].doc ? slot->doc != NULL : (slot->doc && vc_docs[i].used < slot->used))
			slot = &vc_docs[i];
	}
	vc_doc_drop(slot);
	if (mdpost_doc_new(&slot->doc, res)) {
		mdpost_result_free(res);
		slot->doc = NULL;
		return NULL;
	}
	memcpy(slot->key, key, n + 1);
	slot->used = ++vc_clock;
	return slot->doc;
}

/* Waits up to wait_ms (< 0: as long as it takes) for the index. */
static int vc_wait(vc_site *s, long long wait_ms)
{
	if (wait_ms < 0) {
		mdpost_index_wait(s->next ? s->next : s->index);
		return vc_indexed(s);
	}
	struct timespec now, end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += wait_ms / 1000;
	end.tv_nsec += (wait_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L)
		end.tv_sec++, end.tv_nsec -= 1000000000L;
	while (!vc_indexed(s)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return 0;
		struct timespec nap = {0, 1000000L};
		nanosleep(&nap, NULL);
	}
	return 1;
}

/* The root of the request: given ("" = no site), or found from its path. */
static int vc_root(const msgpack_object *req, md_buf *root, const char **err,
                   mdpost_result *res)
{
	size_t n;
	const char *r = vc_str(req, "root", &n);
	if (r) {
		md_buf_put(root, r, n);
		md_buf_putc(root, '\0');
		root->len = n;
		return root->oom ? -1 : 0;
	}
	const char *path = vc_str(req, "path", &n);
	md_buf_putc(root, '\0');
	root->len = 0;
	/* A post not written yet: its directory (or the nearest existing
	 * ancestor) tells the site. */
	int found = 0, missing = 1;
	while (path && n && !found && missing) {
		if (mdpost_site_find(res, path, n)) {
			*err = res->error ? res->error : "cannot look for the site";
			return -1;
		}
		msgpack_unpacked u;
		msgpack_unpacked_init(&u);
		size_t off = 0;
		if (msgpack_unpack_next(&u, res->data, res->len, &off) == MSGPACK_UNPACK_SUCCESS) {
			const msgpack_object *v = md_pack_get(&u.data, "root");
			if (v && v->type == MSGPACK_OBJECT_STR) {
				md_buf_put(root, v->via.str.ptr, v->via.str.size);
				found = 1;
			}
		}
		msgpack_unpacked_destroy(&u);
		mdpost_result_free(res);
		char probe[4096];
		snprintf(probe, sizeof(probe), "%.*s", (int)n, path);
		missing = access(probe, F_OK) != 0;
		while (n > 0 && path[n - 1] != '/')
			n--;
		while (n > 1 && path[n - 1] == '/')
			n--;
	}
	return root->oom ? -1 : 0;
}

typedef int (*vc_text_fn)(mdpost_result *, const mdpost_site *, const char *, size_t,
                          const char *, size_t);
typedef int (*vc_index_fn)(mdpost_result *, const mdpost_site *, const mdpost_index *,
                           const char *, size_t, const char *, size_t);

static const struct {
	const char *name;
	vc_text_fn fn;
	vc_index_fn ifn;
	int html;    /* the payload is HTML, not msgpack */
} vc_post_cmds[] = {
	{ "check", NULL, mdpost_check, 0 },
	{ "links", NULL, mdpost_links, 0 },
	{ "render", NULL, mdpost_render, 1 },
	{ "frontmatter", mdpost_frontmatter, NULL, 0 },
	{ "headings", mdpost_headings, NULL, 0 },
	{ "folds", mdpost_folds, NULL, 0 },
};

/* The options map: `path` of the request, then the entries of its `opts`. */
static void vc_pack_opts(md_buf *b, const msgpack_object *req)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, b, md_pack_buf_write);
	size_t n;
	const char *path = vc_str(req, "path", &n);
	const msgpack_object *opts = md_pack_get(req, "opts");
	const msgpack_object *shadowed = path ? md_pack_get(opts, "path") : NULL;
	uint32_t n_opts = opts && opts->type == MSGPACK_OBJECT_MAP ? opts->via.map.size : 0;
	msgpack_pack_map(&pk, (path != NULL) + n_opts - (shadowed != NULL));
	if (path) {
		md_pack_cstr(&pk, "path");
		md_pack_str(&pk, path, n);
	}
	for (uint32_t i = 0; i < n_opts; i++) {
		if (&opts->via.map.ptr[i].val == shadowed)
			continue;
		msgpack_pack_object(&pk, opts->via.map.ptr[i].key);
		msgpack_pack_object(&pk, opts->via.map.ptr[i].val);
	}
}

static void vc_reply_site(md_buf *b, vc_site *s)
{
	md_buf_puts(b, ",\"root\":");
	vc_json_str(b, s->root, strlen(s->root));
	md_buf_printf(b, ",\"indexed\":%s", vc_indexed(s) ? "true" : "false");
}

/* Appends the payload of `res` as JSON. */
static int vc_put_payload(md_buf *b, const mdpost_result *res, int html, const char **err)
{
	if (html) {
		vc_json_str(b, res->data ? res->data : "", res->len);
		return 0;
	}
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	int rc = 0;
	if (msgpack_unpack_next(&u, res->data, res->len, &off) == MSGPACK_UNPACK_SUCCESS)
		vc_json(b, &u.data, 0);
	else
		*err = "malformed result from the library", rc = -1;
	msgpack_unpacked_destroy(&u);
	return rc;
}

/* Runs one request; writes {"result": ...} to b or returns the error. */
static const char *vc_run(md_buf *b, const msgpack_object *req, mdpost_result *res)
{
	const char *cmd = vc_str(req, "cmd", NULL);
	const char *err = NULL;
	if (!cmd)
		return "the request has no `cmd`";
	if (strcmp(cmd, "version") == 0) {
		md_buf_printf(b, "{\"result\":{\"abi\":%d,\"protocol\":%d,\"version\":",
		              mdpost_abi_version(), VC_PROTOCOL);
		vc_json_str(b, mdpost_version(), strlen(mdpost_version()));
		md_buf_puts(b, "}}");
		return NULL;
	}
	if (strcmp(cmd, "forget") == 0) {
		for (int i = 0; i < VC_MAX_SITES; i++)
			vc_site_drop(&vc_sites[i]);
		for (int i = 0; i < VC_MAX_DOCS; i++)
			vc_doc_drop(&vc_docs[i]);
		md_buf_puts(b, "{\"result\":true}");
		return NULL;
	}
	if (strcmp(cmd, "doc_free") == 0) {
		const char *key = vc_str(req, "doc", NULL);
		int found = 0;
		for (int i = 0; key && i < VC_MAX_DOCS; i++)
			if (vc_docs[i].doc && strcmp(vc_docs[i].key, key) == 0) {
				vc_doc_drop(&vc_docs[i]);
				found = 1;
			}
		md_buf_printf(b, "{\"result\":%s}", found ? "true" : "false");
		return NULL;
	}
	size_t pi = 0, n_post = sizeof(vc_post_cmds) / sizeof(vc_post_cmds[0]);
	while (pi < n_post && strcmp(cmd, vc_post_cmds[pi].name) != 0)
		pi++;
	int is_site_cmd = strcmp(cmd, "open") == 0 || strcmp(cmd, "ready") == 0 ||
	                  strcmp(cmd, "reindex") == 0;
	if (pi == n_post && !is_site_cmd)
		return "unknown `cmd`";

	md_buf root = {0};
	if (vc_root(req, &root, &err, res)) {
		md_buf_free(&root);
		return err ? err : "out of memory";
	}
	vc_site *s = vc_site_get(root.data, &err, res);
	md_buf_free(&root);
	if (!s)
		return err;
	long long wait_ms = vc_int(req, "wait_ms", 0);
	if (wait_ms)
		vc_wait(s, wait_ms);

	if (is_site_cmd) {
		if (strcmp(cmd, "reindex") == 0 && s->index) {
			mdpost_index_free(s->next);
			s->next = NULL;
			if (mdpost_index_new(&s->next, res, s->site, 1))
				s->next = NULL;
			mdpost_result_free(res);
		}
		md_buf_puts(b, "{\"result\":");
		if (strcmp(cmd, "open") == 0) {
			if (mdpost_site_info(res, s->site))
				return res->error ? res->error : "cannot describe the site";
			if (vc_put_payload(b, res, 0, &err))
				return err;
			mdpost_result_free(res);
		} else {
			md_buf_puts(b, "true");
		}
		vc_reply_site(b, s);
		md_buf_putc(b, '}');
		return NULL;
	}

	size_t len = 0;
	const char *text = vc_str(req, "text", &len);
	if (!text)
		return "the request has no `text`";
	md_buf opts = {0};
	vc_pack_opts(&opts, req);
	if (opts.oom) {
		md_buf_free(&opts);
		return "out of memory";
	}
	/* With `doc` (the caller's name for the buffer), checks and folds
	 * re-parse only what changed since the last call for it. */
	size_t key_len = 0;
	const char *key = vc_str(req, "doc", &key_len);
	mdpost_doc *doc = NULL;
	if (key && (strcmp(cmd, "check") == 0 || strcmp(cmd, "folds") == 0))
		doc = vc_doc_get(key, key_len, res);
	int rc;
	if (doc && strcmp(cmd, "check") == 0)
		rc = mdpost_doc_check(res, doc, s->site, s->index, text, len, opts.data, opts.len);
	else if (doc)
		rc = mdpost_doc_folds(res, doc, text, len, opts.data, opts.len);
	else if (vc_post_cmds[pi].fn)
		rc = vc_post_cmds[pi].fn(res, s->site, text, len, opts.data, opts.len);
	else
		rc = vc_post_cmds[pi].ifn(res, s->site, s->index, text, len, opts.data, opts.len);
	md_buf_free(&opts);
	if (rc)
		return res->error ? res->error : "failed";
	md_buf_puts(b, "{\"result\":");
	if (vc_put_payload(b, res, vc_post_cmds[pi].html, &err))
		return err;
	mdpost_result_free(res);
	vc_reply_site(b, s);
	md_buf_putc(b, '}');
	return NULL;
}

const char *mdpost_vim(const char *request)
{
	md_buf *b = &vc_reply;
	md_buf_free(b);
	mdpost_result res = {0};
	const char *err = NULL;
	msgpack_zone zone;
	if (!msgpack_zone_init(&zone, 4096))
		return "{\"error\":\"out of memory\"}";
	msgpack_object req;
	vc_parser p = { request, request ? request + strlen(request) : NULL, &zone, NULL };
	pthread_mutex_lock(&vc_lock);
	if (!request) {
		err = "no request";
	} else if (vc_value(&p, &req, 0) == 0 && (vc_skip_ws(&p), p.s == p.end)) {
		if (req.type != MSGPACK_OBJECT_MAP)
			err = "the request must be a JSON object";
		else
			err = vc_run(b, &req, &res);
	} else {
		md_buf_free(b);
		md_buf_printf(b, "the request is not JSON: %s at byte %zu",
		              p.error ? p.error : "trailing text", (size_t)(p.s - request));
		if (!b->oom) {
			md_buf msg = *b;
			memset(b, 0, sizeof(*b));
			md_buf_puts(b, "{\"error\":");
			vc_json_str(b, msg.data, msg.len);
			md_buf_putc(b, '}');
			md_buf_free(&msg);
		}
	}
	if (err) {
		md_buf_free(b);
		md_buf_puts(b, "{\"error\":");
		vc_json_str(b, err, strlen(err));
		md_buf_putc(b, '}');
	}
	mdpost_result_free(&res);
	pthread_mutex_unlock(&vc_lock);
	msgpack_zone_destroy(&zone);
	if (b->oom) {
		md_buf_free(b);
		return "{\"error\":\"out of memory\"}";
	}
	return b->data;
}
