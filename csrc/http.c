/*
 * External URLs: an asynchronous, cached, polite checker on libcurl's multi
 * interface, run on one thread by its caller (the CLI, or the `mdpost
 * external` child the editor starts). HEAD first, GET when a server refuses
 * HEAD; redirects followed by hand (a permanent one is a hint with the new
 * URL); retries with backoff for network errors and 5xx; 429 honours
 * Retry-After and counts as alive; global and per-host limits. Verdicts are
 * kept in a msgpack file shared by every run, written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <msgpack.h>

#include "internal.h"

#define MAX_HOPS 10
#define MAX_RETRY_AFTER_S 10    /* a longer Retry-After is not waited for */
#define USER_AGENT "mdpost/" "0.1 (link checker; +https://github.com/mdpost/mdpost)"
#define CACHE_VERSION 1

void md_http_config_default(md_http_config *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = 10000;
	c->connect_timeout_ms = 5000;
	c->concurrency = 8;
	c->per_host = 2;
	c->retries = 2;
	c->retry_delay_ms = 500;
	c->cache_ttl_s = 86400;
	c->cache_dead_ttl_s = 3600;
}

/* curl_global_init is not thread-safe: once per process, on first use. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- which URLs are fetched --------------------------------------------------- */

size_t md_http_fetchable(const char *url, size_t n)
{
	size_t skip;
	if (n >= 7 && strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else if (n >= 8 && strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else
		return 0;
	const char *hash = memchr(url, '#', n);
	size_t len = hash ? (size_t)(hash - url) : n;
	if (len <= skip || url[skip] == '/' || url[skip] == '?' || url[skip] == ':')
		return 0;  /* no host: link-malformed / fm-url say so */
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= 0x20 || ch == 0x7F || ch == '"' || ch == '<' || ch == '>' || ch == '\\')
			return 0;
	}
	return len;
}

/* ---- the checker's state ---------------------------------------------------- */

enum { QUEUED, ACTIVE, DEFERRED, DONE };

typedef struct host {
	int active;
	double not_before;         /* a 429 asked every request to wait */
} host;

typedef struct entry {
	md_http_result r;
	char *url;                 /* the key: as given, fragment dropped */
	char *cur;                 /* being fetched (after redirects) */
	char *moved_to;            /* the last target of permanent redirects */
	host *host;
	int state;
	int get;                   /* HEAD was refused: GET now */
	int hops, attempts;
	int permanent;             /* every redirect so far was 301/308 */
	int aborted;               /* GET: the body was cut off on purpose */
	int offline_sign;          /* failed as without a network */
	char host_key[300];
	double not_before;
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
} entry;

struct md_http {
	md_http_config cfg;
	regex_t *exclude;
	int n_exclude;
	char cache_path[4200];
	md_strset index;           /* url -> entry */
	entry **v;
	size_t n, cap;
	md_strset hosts;           /* host:port -> host */
	CURLM *multi;
	int active;
	int offline;
	int answered;              /* requests that got an HTTP answer */
};

static double now_mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_unix(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The default cache file: $MDPOST_CACHE_DIR, else $XDG_CACHE_HOME/mdpost,
 * else ~/.cache/mdpost. */
static void cache_default(char *out, size_t cap)
{
	const char *dir = getenv("MDPOST_CACHE_DIR");
	if (dir && dir[0]) {
		snprintf(out, cap, "%s/external.mpk", dir);
		return;
	}
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(out, cap, "%s/mdpost/external.mpk", xdg);
	else if (home && home[0])
		snprintf(out, cap, "%s/.cache/mdpost/external.mpk", home);
	else
		out[0] = '\0';
}

int md_http_new(md_http **out, const md_http_config *cfg, const char *site_root)
{
	*out = NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return MDPOST_EINTERNAL;
	md_http *h = calloc(1, sizeof(*h));
	if (!h)
		return MDPOST_ENOMEM;
	if (cfg)
		h->cfg = *cfg;
	else
		md_http_config_default(&h->cfg);
	if (h->cfg.concurrency < 1)
		h->cfg.concurrency = 1;
	if (h->cfg.per_host < 1)
		h->cfg.per_host = 1;
	if (h->cfg.cache[0] == '/' || !h->cfg.cache[0] || !site_root || !site_root[0])
		snprintf(h->cache_path, sizeof(h->cache_path), "%s", h->cfg.cache);
	else
		snprintf(h->cache_path, sizeof(h->cache_path), "%s/%s", site_root, h->cfg.cache);
	if (!h->cache_path[0])
		cache_default(h->cache_path, sizeof(h->cache_path));
	if (h->cfg.n_exclude) {
		h->exclude = calloc((size_t)h->cfg.n_exclude, sizeof(regex_t));
		if (!h->exclude) {
			free(h);
			return MDPOST_ENOMEM;
		}
		/* site.c reported patterns that do not compile; they are left out. */
		for (int i = 0; i < h->cfg.n_exclude; i++)
			if (md_regcomp(&h->exclude[h->n_exclude], h->cfg.exclude[i]) == 0)
				h->n_exclude++;
	}
	h->multi = curl_multi_init();
	if (!h->multi) {
		md_http_free(h);
		return MDPOST_EINTERNAL;
	}
	*out = h;
	return MDPOST_OK;
}

static void entry_free(entry *e)
{
	free(e->url);
	free(e->cur);
	free(e->moved_to);
	free(e);
}

void md_http_free(md_http *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		entry *e = h->v[i];
		if (e->easy) {
			curl_multi_remove_handle(h->multi, e->easy);
			curl_easy_cleanup(e->easy);
		}
		curl_slist_free_all(e->headers);
		entry_free(e);
	}
	free(h->v);
	for (size_t i = 0; i < h->hosts.cap; i++)
		if (h->hosts.slots[i].key)
			free(h->hosts.slots[i].value);
	md_strset_free(&h->hosts);
	md_strset_free(&h->index);
	for (int i = 0; i < h->n_exclude; i++)
		regfree(&h->exclude[i]);
	free(h->exclude);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h);
}

size_t md_http_count(const md_http *h) { return h->n; }

int md_http_offline(const md_http *h) { return h->offline; }

const char *md_http_cache_path(const md_http *h) { return h->cache_path; }

const md_http_result *md_http_get(const md_http *h, const char *url, size_t n)
{
	size_t len = md_http_fetchable(url, n);
	if (!len)
		return NULL;
	int found;
	entry *e = md_strset_get(&h->index, url, len, &found);
	return found && e->state == DONE ? &e->r : NULL;
}

/* host:port of a URL, lower-cased ("" when curl cannot parse it). */
static void host_of(const char *url, char *out, size_t cap, char *name, size_t name_cap)
{
	out[0] = name[0] = '\0';
	CURLU *u = curl_url();
	if (!u)
		return;
	char *hn = NULL, *port = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &hn, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		for (char *p = hn; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 32;
		snprintf(out, cap, "%s:%s", hn, port);
		snprintf(name, name_cap, "%s", hn);
	}
	curl_free(hn);
	curl_free(port);
	curl_url_cleanup(u);
}

int md_http_add(md_http *h, const char *url, size_t n)
{
	size_t len = md_http_fetchable(url, n);
	if (!len || md_strset_has(&h->index, url, len))
		return 0;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		entry **v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return MDPOST_ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	entry *e = calloc(1, sizeof(*e));
	if (!e || !(e->url = strndup(url, len)) || !(e->cur = strndup(url, len))) {
		if (e)
			entry_free(e);
		return MDPOST_ENOMEM;
	}
	e->r.url = e->url;
	e->permanent = 1;
	if (md_strset_put(&h->index, e->url, len, e)) {
		entry_free(e);
		return MDPOST_ENOMEM;
	}
	h->v[h->n++] = e;
	return 1;
}

/* ---- verdicts ----------------------------------------------------------------- */

static const char *reason(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

static int accepted(const md_http *h, long status)
{
	if (!h->cfg.n_accept)
		return (status >= 200 && status < 300) || status == 429;
	for (int i = 0; i < h->cfg.n_accept; i++)
		if (h->cfg.accept[i] == status)
			return 1;
	return 0;
}

static void set_ok(md_http *h, entry *e, long status)
{
	e->r.status = (int)status;
	if (e->hops && e->permanent && e->moved_to) {
		e->r.verdict = "moved";
		e->r.code = "link-redirect";
		e->r.severity = MD_SEV_INFO;
		e->r.redirect = e->moved_to;
		snprintf(e->r.message, sizeof(e->r.message),
		         "%s has moved permanently to %s: link to the new address", e->url, e->moved_to);
	} else {
		e->r.verdict = "ok";
	}
	MD_UNUSED(h);
}

static void set_dead(entry *e, long status, const char *why)
{
	e->r.verdict = "dead";
	e->r.code = "link-external";
	e->r.severity = MD_SEV_WARNING;
	e->r.status = (int)status;
	if (status) {
		const char *rs = reason(status);
		snprintf(e->r.message, sizeof(e->r.message), "%s is dead: HTTP %ld%s%s%s%s", e->url, status,
		         rs[0] ? " " : "", rs, e->hops ? " after redirects to " : "", e->hops ? e->cur : "");
	} else {
		snprintf(e->r.message, sizeof(e->r.message), "%s did not answer: %s%s", e->url, why,
		         e->attempts > 1 ? " (tried again, same)" : "");
	}
}

/* ---- the cache -------------------------------------------------------------- */

typedef struct cached {
	double at;
	char verdict[16];
	int status;
	char *message;
	char *redirect;
} cached;

static int obj_is(const msgpack_object *o, const char *s)
{
	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == strlen(s) &&
	       memcmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

static const msgpack_object *obj_get(const msgpack_object *m, const char *key)
{
	if (m->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++)
		if (obj_is(&m->via.map.ptr[i].key, key))
			return &m->via.map.ptr[i].val;
	return NULL;
}

/* Calls fn(url, entry object) for each cache entry of the file. */
static void cache_each(const char *path, void (*fn)(void *, const char *, size_t,
                                                    const msgpack_object *), void *data)
{
	size_t len;
	char err[512];
	char *text = path[0] ? md_read_file(path, &len, err, sizeof(err)) : NULL;
	if (!text)
		return;
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	if (msgpack_unpack_next(&u, text, len, &off) == MSGPACK_UNPACK_SUCCESS) {
		const msgpack_object *ver = obj_get(&u.data, "version");
		const msgpack_object *ents = obj_get(&u.data, "entries");
		if (ver && ver->type == MSGPACK_OBJECT_POSITIVE_INTEGER && ver->via.u64 == CACHE_VERSION &&
		    ents && ents->type == MSGPACK_OBJECT_MAP)
			for (uint32_t i = 0; i < ents->via.map.size; i++) {
				const msgpack_object *k = &ents->via.map.ptr[i].key;
				if (k->type == MSGPACK_OBJECT_STR && ents->via.map.ptr[i].val.type == MSGPACK_OBJECT_MAP)
					fn(data, k->via.str.ptr, k->via.str.size, &ents->via.map.ptr[i].val);
			}
	}
	msgpack_unpacked_destroy(&u);
	free(text);
}

static double obj_num(const msgpack_object *o)
{
	if (!o)
		return 0;
	switch (o->type) {
	case MSGPACK_OBJECT_POSITIVE_INTEGER: return (double)o->via.u64;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: return (double)o->via.i64;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: return o->via.f64;
	default: return 0;
	}
}

static char *obj_strdup(const msgpack_object *o)
{
	if (!o || o->type != MSGPACK_OBJECT_STR)
		return NULL;
	return strndup(o->via.str.ptr, o->via.str.size);
}

static long ttl_for(const md_http *h, const char *verdict)
{
	long ttl = h->cfg.cache_ttl_s;
	if (strcmp(verdict, "dead") == 0 && h->cfg.cache_dead_ttl_s < ttl)
		ttl = h->cfg.cache_dead_ttl_s;
	return ttl;
}

/* A fresh cache entry answers a URL of this run without a request. */
static void cache_apply(void *data, const char *url, size_t n, const msgpack_object *o)
{
	md_http *h = data;
	int found;
	entry *e = md_strset_get(&h->index, url, n, &found);
	if (!found || e->state == DONE)
		return;
	const msgpack_object *v = obj_get(o, "verdict");
	const char *verdict = v && obj_is(v, "ok") ? "ok" : v && obj_is(v, "dead") ? "dead"
	                    : v && obj_is(v, "moved") ? "moved" : NULL;
	double at = obj_num(obj_get(o, "at"));
	if (!verdict || at + (double)ttl_for(h, verdict) < now_unix())
		return;
	e->r.verdict = verdict;
	e->r.status = (int)obj_num(obj_get(o, "status"));
	e->r.cached = 1;
	char *msg = obj_strdup(obj_get(o, "message"));
	snprintf(e->r.message, sizeof(e->r.message), "%s", msg ? msg : "");
	free(msg);
	if (strcmp(verdict, "dead") == 0) {
		e->r.code = "link-external";
		e->r.severity = MD_SEV_WARNING;
	} else if (strcmp(verdict, "moved") == 0) {
		free(e->moved_to);
		e->moved_to = obj_strdup(obj_get(o, "redirect"));
		e->r.redirect = e->moved_to;
		e->r.code = "link-redirect";
		e->r.severity = MD_SEV_INFO;
	}
	e->state = DONE;
}

/* Entries kept from the file when it is written back: fresh ones for URLs
 * this run did not judge (other posts, other sites). */
typedef struct merge {
	md_http *h;
	msgpack_packer *pk;
	size_t count;
	int counting;
} merge;

static int judged_now(const entry *e)
{
	return e->state == DONE && !e->r.cached &&
	       (strcmp(e->r.verdict, "ok") == 0 || strcmp(e->r.verdict, "dead") == 0 ||
	        strcmp(e->r.verdict, "moved") == 0);
}

static void cache_keep(void *data, const char *url, size_t n, const msgpack_object *o)
{
	merge *m = data;
	int found;
	entry *e = md_strset_get(&m->h->index, url, n, &found);
	if (found && judged_now(e))
		return;  /* this run's answer replaces it */
	const msgpack_object *v = obj_get(o, "verdict");
	if (!v || v->type != MSGPACK_OBJECT_STR)
		return;
	char verdict[16];
	snprintf(verdict, sizeof(verdict), "%.*s", (int)v->via.str.size, v->via.str.ptr);
	if (obj_num(obj_get(o, "at")) + (double)ttl_for(m->h, verdict) < now_unix())
		return;  /* expired: dropped, so the file does not grow forever */
	m->count++;
	if (m->counting)
		return;
	md_pack_str(m->pk, url, n);
	msgpack_pack_object(m->pk, *o);
}

static int mkdirs(const char *path)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

/* Writes this run's answers plus the file's other fresh entries: a temp
 * file renamed over the old one, so readers never see half a cache. */
static void cache_save(md_http *h)
{
	if (!h->cache_path[0] || h->cfg.cache_ttl_s <= 0)
		return;
	size_t mine = 0;
	for (size_t i = 0; i < h->n; i++)
		mine += judged_now(h->v[i]);
	if (!mine)
		return;
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	merge m = {h, &pk, 0, 1};
	cache_each(h->cache_path, cache_keep, &m);  /* count first: maps are sized */
	size_t kept = m.count;
	msgpack_pack_map(&pk, 2);
	md_pack_cstr(&pk, "version");
	msgpack_pack_uint64(&pk, CACHE_VERSION);
	md_pack_cstr(&pk, "entries");
	msgpack_pack_map(&pk, kept + mine);
	m.counting = 0;
	m.count = 0;
	cache_each(h->cache_path, cache_keep, &m);
	double at = now_unix();
	for (size_t i = 0; i < h->n; i++) {
		entry *e = h->v[i];
		if (!judged_now(e))
			continue;
		md_pack_cstr(&pk, e->url);
		msgpack_pack_map(&pk, e->moved_to ? 5 : 4);
		md_pack_cstr(&pk, "at");
		msgpack_pack_double(&pk, at);
		md_pack_cstr(&pk, "verdict");
		md_pack_cstr(&pk, e->r.verdict);
		md_pack_cstr(&pk, "status");
		msgpack_pack_int(&pk, e->r.status);
		md_pack_cstr(&pk, "message");
		md_pack_cstr(&pk, e->r.message);
		if (e->moved_to) {
			md_pack_cstr(&pk, "redirect");
			md_pack_cstr(&pk, e->moved_to);
		}
	}
	/* The file changed between the two reads: skip rather than write a
	 * map whose size is wrong. The next run writes it. */
	if (b.oom || m.count != kept || mkdirs(h->cache_path)) {
		md_buf_free(&b);
		return;
	}
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", h->cache_path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = write(fd, b.data + off, b.len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		int closed = close(fd) == 0;
		if (off != b.len || !closed || rename(tmp, h->cache_path) != 0)
			unlink(tmp);
	}
	md_buf_free(&b);
}

/* ---- requests ---------------------------------------------------------------- */

static size_t discard_body(char *ptr, size_t size, size_t n, void *data)
{
	entry *e = data;
	MD_UNUSED(ptr);
	/* The status is known: the body is not needed. */
	if (size > 0 && n > 0) {
		e->aborted = 1;
		return 0;
	}
	return 0;
}

static host *host_get(md_http *h, const char *key)
{
	int found;
	host *x = md_strset_get(&h->hosts, key, strlen(key), &found);
	if (found)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x || md_strset_put(&h->hosts, key, strlen(key), x)) {
		free(x);
		return NULL;
	}
	return x;
}

static int host_matches(const char *pattern, const char *name)
{
	if (strcmp(pattern, "*") == 0 || strcasecmp(pattern, name) == 0)
		return 1;
	size_t pl = strlen(pattern), nl = strlen(name);
	/* example.com covers www.example.com */
	return nl > pl && name[nl - pl - 1] == '.' && strcasecmp(name + nl - pl, pattern) == 0;
}

static int start(md_http *h, entry *e, const char *hostname)
{
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	e->easy = c;
	e->aborted = 0;
	e->errbuf[0] = '\0';
	e->attempts++;
	e->r.requests++;
	curl_easy_setopt(c, CURLOPT_URL, e->cur);
	curl_easy_setopt(c, CURLOPT_PRIVATE, e);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->cfg.timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	                 h->cfg.connect_timeout_ms < h->cfg.timeout_ms ? h->cfg.connect_timeout_ms
	                                                               : h->cfg.timeout_ms);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (e->get) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
	} else {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	curl_slist_free_all(e->headers);
	e->headers = NULL;
	for (int i = 0; i < h->cfg.n_headers; i++) {
		if (!host_matches(h->cfg.headers[i].host, hostname))
			continue;
		char line[600];
		snprintf(line, sizeof(line), "%s: %s", h->cfg.headers[i].name, h->cfg.headers[i].value);
		struct curl_slist *l = curl_slist_append(e->headers, line);
		if (l)
			e->headers = l;
	}
	if (e->headers)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, e->headers);
	if (curl_multi_add_handle(h->multi, c) != CURLM_OK) {
		curl_easy_cleanup(c);
		e->easy = NULL;
		return -1;
	}
	e->state = ACTIVE;
	e->host->active++;
	h->active++;
	return 0;
}

/* Without a network, every request fails before any server is reached:
 * no name resolves (or resolving times out), no route. */
static int offline_sign(CURLcode rc, long os_errno, curl_off_t lookup_us)
{
	return rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
	       (rc == CURLE_OPERATION_TIMEDOUT && lookup_us == 0) ||
	       (rc == CURLE_COULDNT_CONNECT && (os_errno == ENETUNREACH || os_errno == EHOSTUNREACH ||
	                                        os_errno == ENETDOWN));
}

static void retry_later(md_http *h, entry *e, double delay_s)
{
	e->state = QUEUED;
	e->not_before = now_mono() + delay_s;
	MD_UNUSED(h);
}

static double backoff(const md_http *h, const entry *e)
{
	double d = (double)h->cfg.retry_delay_ms / 1000.0;
	for (int i = 1; i < e->attempts && i < 10; i++)
		d *= 2;
	return d;
}

/* One transfer ended: decide, retry, fall back to GET, or follow. Returns
 * 1 when the entry has its verdict. */
static int finish(md_http *h, entry *e, CURLcode rc)
{
	CURL *c = e->easy;
	long status = 0, os_errno = 0;
	curl_off_t retry_after = 0, lookup_us = 0;
	char *location = NULL;
	curl_off_t connect_us = 0;
	curl_easy_getinfo(c, CURLINFO_NAMELOOKUP_TIME_T, &lookup_us);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (connect_us > 0)
		lookup_us = 1;  /* connected: the network is there */
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after);
	curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
	char *next = location ? strdup(location) : NULL;
	char why[CURL_ERROR_SIZE + 64];
	snprintf(why, sizeof(why), "%s", e->errbuf[0] ? e->errbuf : curl_easy_strerror(rc));
	curl_multi_remove_handle(h->multi, c);
	curl_easy_cleanup(c);
	e->easy = NULL;
	e->host->active--;
	h->active--;
	if (rc == CURLE_WRITE_ERROR && e->aborted)
		rc = CURLE_OK;
	int done = 1;
	if (rc != CURLE_OK || status == 0) {
		if (rc == CURLE_OK)
			snprintf(why, sizeof(why), "no HTTP status in the answer");
		if (e->attempts <= h->cfg.retries) {
			retry_later(h, e, backoff(h, e));
			done = 0;
		} else {
			e->offline_sign = offline_sign(rc, os_errno, lookup_us);
			set_dead(e, 0, why);
		}
		free(next);
		return done;
	}
	h->answered++;
	if (status == 429) {
		/* Honour Retry-After for this host, within reason. */
		if (e->attempts <= h->cfg.retries && retry_after <= MAX_RETRY_AFTER_S) {
			double wait = retry_after > 0 ? (double)retry_after : backoff(h, e);
			e->host->not_before = now_mono() + wait;
			retry_later(h, e, wait);
			done = 0;
		} else if (accepted(h, status)) {
			set_ok(h, e, status);
		} else {
			set_dead(e, status, NULL);
		}
	} else if (status >= 300 && status < 400 && status != 304 && next) {
		if (e->hops >= MAX_HOPS) {
			set_dead(e, 0, "too many redirects");
		} else {
			if (status == 301 || status == 308) {
				if (e->permanent) {
					free(e->moved_to);
					e->moved_to = strdup(next);
				}
			} else {
				e->permanent = 0;
			}
			free(e->cur);
			e->cur = next;
			next = NULL;
			e->hops++;
			e->attempts = 0;
			e->get = 0;
			char name[256];
			host_of(e->cur, e->host_key, sizeof(e->host_key), name, sizeof(name));
			host *x = e->host_key[0] ? host_get(h, e->host_key) : NULL;
			/* A target this run already judged (another link of the post
			 * names it) is not fetched again. */
			int found = 0;
			size_t tl = md_http_fetchable(e->cur, strlen(e->cur));
			const entry *t = tl ? md_strset_get(&h->index, e->cur, tl, &found) : NULL;
			if (found && t->state == DONE && !t->r.cached && !t->hops &&
			    (strcmp(t->r.verdict, "ok") == 0 || strcmp(t->r.verdict, "dead") == 0) &&
			    t->r.status) {
				if (strcmp(t->r.verdict, "ok") == 0)
					set_ok(h, e, t->r.status);
				else
					set_dead(e, t->r.status, NULL);
			} else if (!x) {
				set_dead(e, 0, "a redirect to a URL that cannot be fetched");
			} else {
				e->host = x;
				retry_later(h, e, 0);
				done = 0;
			}
		}
	} else if (!e->get && (status == 400 || status == 403 || status == 405 || status == 406 ||
	                       status == 501)) {
		/* Servers that refuse HEAD: ask again with GET. */
		e->get = 1;
		e->attempts = 0;
		retry_later(h, e, 0);
		done = 0;
	} else if (status >= 500 && e->attempts <= h->cfg.retries) {
		retry_later(h, e, backoff(h, e));
		done = 0;
	} else if (accepted(h, status)) {
		set_ok(h, e, status);
	} else {
		set_dead(e, status, NULL);
	}
	free(next);
	return done;
}

static int excluded(const md_http *h, const char *url)
{
	for (int i = 0; i < h->n_exclude; i++)
		if (regexec(&h->exclude[i], url, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int md_http_run(md_http *h, md_http_cb cb, void *data, volatile int *cancel)
{
	if (h->cfg.cache_ttl_s > 0)
		cache_each(h->cache_path, cache_apply, h);
	size_t left = 0;
	for (size_t i = 0; i < h->n; i++) {
		entry *e = h->v[i];
		if (e->state == DONE) {
			if (cb)
				cb(data, &e->r);
			continue;
		}
		char name[256];
		if (excluded(h, e->url)) {
			e->r.verdict = "excluded";
			e->state = DONE;
		} else {
			host_of(e->url, e->host_key, sizeof(e->host_key), name, sizeof(name));
			e->host = e->host_key[0] ? host_get(h, e->host_key) : NULL;
			if (!e->host) {
				set_dead(e, 0, "not a URL curl can fetch");
				e->state = DONE;
			}
		}
		if (e->state == DONE) {
			if (cb)
				cb(data, &e->r);
			continue;
		}
		left++;
	}
	size_t deferred = 0;
	while (left > deferred && !(cancel && *cancel)) {
		double now = now_mono(), next_at = now + 0.1;
		for (size_t i = 0; i < h->n && h->active < h->cfg.concurrency; i++) {
			entry *e = h->v[i];
			if (e->state != QUEUED)
				continue;
			double at = e->not_before > e->host->not_before ? e->not_before : e->host->not_before;
			if (at > now) {
				if (at < next_at)
					next_at = at;
				continue;
			}
			if (e->host->active >= h->cfg.per_host)
				continue;
			char hk[300], name[256];
			host_of(e->cur, hk, sizeof(hk), name, sizeof(name));
			if (start(h, e, name)) {
				set_dead(e, 0, "could not start the request");
				e->state = DONE;
				left--;
				if (cb)
					cb(data, &e->r);
			}
		}
		int running = 0;
		curl_multi_perform(h->multi, &running);
		CURLMsg *msg;
		int queued;
		int finished = 0;
		while ((msg = curl_multi_info_read(h->multi, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			entry *e = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&e);
			CURLcode rc = msg->data.result;
			finished = 1;
			if (!finish(h, e, rc))
				continue;
			if (e->offline_sign && !h->answered) {
				/* Held back: when every request fails like this, the
				 * machine is offline, and that is said once. */
				e->state = DEFERRED;
				deferred++;
				continue;
			}
			e->state = DONE;
			left--;
			if (cb)
				cb(data, &e->r);
		}
		/* A server answered: the network is there, and what was held
		 * back is dead after all. */
		for (size_t i = 0; h->answered && deferred && i < h->n; i++) {
			entry *e = h->v[i];
			if (e->state != DEFERRED)
				continue;
			e->state = DONE;
			deferred--;
			left--;
			if (cb)
				cb(data, &e->r);
		}
		if (finished)
			continue;
		now = now_mono();
		int wait = (int)((next_at - now) * 1000);
		if (wait < 1)
			wait = 1;
		if (wait > 100)
			wait = 100;
		curl_multi_poll(h->multi, NULL, 0, wait, NULL);
	}
	/* Offline: nothing answered and the failures came from two hosts or
	 * more (one dead domain alone is a dead link). */
	md_strset failed_hosts = {0};
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i]->state == DEFERRED)
			md_strset_put(&failed_hosts, h->v[i]->host_key, strlen(h->v[i]->host_key), NULL);
	h->offline = deferred && !h->answered && failed_hosts.n >= 2 && left == deferred;
	md_strset_free(&failed_hosts);
	for (size_t i = 0; i < h->n; i++) {
		entry *e = h->v[i];
		if (e->state != DEFERRED)
			continue;
		if (h->offline) {
			e->r.verdict = "offline";
			e->r.code = NULL;
			e->r.severity = 0;
			snprintf(e->r.message, sizeof(e->r.message), "%s was not checked (offline)", e->url);
		}
		e->state = DONE;
		if (cb)
			cb(data, &e->r);
	}
	cache_save(h);
	return cancel && *cancel ? MDPOST_EINVAL : MDPOST_OK;
}

/* ---- where the URLs of a post are ---------------------------------------------- */

static int ext_push(md_ext_urls *u, const char *url, size_t n, size_t start, size_t end)
{
	if (!md_http_fetchable(url, n))
		return 0;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 32;
		md_ext_url *v = realloc(u->v, cap * sizeof(*v));
		if (!v)
			return MDPOST_ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	char *copy = strndup(url, n);
	if (!copy)
		return MDPOST_ENOMEM;
	u->v[u->n++] = (md_ext_url){copy, n, start, end};
	return 0;
}

/* Front matter strings that are URLs: thumbnail, image, cover, … */
static int ext_walk(md_ext_urls *u, const md_value *v, int depth)
{
	if (!v || depth > MD_MAX_DEPTH)
		return 0;
	int rc = 0;
	if (v->kind == MD_V_STRING)
		rc = ext_push(u, v->str, v->str_len, v->start, v->end);
	for (size_t i = 0; !rc && v->kind == MD_V_ARRAY && i < v->n_items; i++)
		rc = ext_walk(u, v->items[i], depth + 1);
	for (size_t i = 0; !rc && v->kind == MD_V_MAP && i < v->n_entries; i++)
		rc = ext_walk(u, v->entries[i].value, depth + 1);
	return rc;
}

int md_external_urls(md_ext_urls *out, const char *src, size_t len, const mdpost_site *site)
{
	memset(out, 0, sizeof(*out));
	md_frontmatter fm;
	md_diags scratch = {0};
	int rc = md_frontmatter_parse(&fm, src, len, &scratch);
	md_diags_free(&scratch);
	if (rc) {
		md_frontmatter_free(&fm);
		return rc;
	}
	rc = ext_walk(out, fm.root, 0);
	md_doc doc;
	if (!rc)
		rc = md_doc_parse(&doc, src, len, fm.body_start, site ? site->anchors : MD_ANCHOR_GITHUB,
		                  site && site->unsafe_html);
	if (!rc) {
		for (size_t i = 0; !rc && i < doc.n_links; i++) {
			const md_link *l = &doc.links[i];
			if (l->kind == MD_LINK_REFERENCE || l->kind == MD_LINK_SHORTCUT ||
			    l->kind == MD_LINK_REF || l->kind == MD_LINK_RELREF)
				continue;  /* labels and site paths, not URLs */
			rc = ext_push(out, l->target, l->target_len, l->start, l->end);
		}
	}
	if (fm.body_start <= len)
		md_doc_free(&doc);
	md_frontmatter_free(&fm);
	if (rc)
		md_ext_urls_free(out);
	return rc;
}

void md_ext_urls_free(md_ext_urls *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].url);
	free(u->v);
	memset(u, 0, sizeof(*u));
}
