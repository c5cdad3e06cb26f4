/*
 * The `mdpost` command. It calls the same public functions the editor
 * does and decodes their msgpack, so both always agree.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>

#include "internal.h"

static const char usage[] =
	"usage: mdpost <command> [options]\n"
	"\n"
	"  check [--site DIR] [--format text|jsonl|sarif|github] [--strict] [--progress]\n"
	"        [--external] [--rule CODE=error|warning|info|hint|off] [PATH...]\n"
	"                          check posts (files or directories; default: the\n"
	"                          site's content dir); exit 1 when errors are found;\n"
	"                          --external also fetches every external URL once\n"
	"  external [--site DIR] [--path PATH] FILE|-\n"
	"                          JSONL, one line per external URL of the post as its\n"
	"                          answer arrives (- reads the post from stdin)\n"
	"  render FILE [--standalone]  HTML of the body (front matter removed)\n"
	"  headings FILE           JSONL, one heading a line: line, level, text, id\n"
	"  frontmatter FILE        JSON: the front matter's format and fields\n"
	"  links FILE              JSONL, one link a line: line, col, kind, target, status\n"
	"  version                 versions of mdpost and its libraries\n"
	"\n"
	"Exit status: 0 no errors, 1 errors found, 2 usage or I/O failure.\n";

/* ---- JSON output ---------------------------------------------------------- */

static void json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7F)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

static void json_obj(FILE *f, const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL: fputs("null", f); break;
	case MSGPACK_OBJECT_BOOLEAN: fputs(o->via.boolean ? "true" : "false", f); break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER: fprintf(f, "%llu", (unsigned long long)o->via.u64); break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER: fprintf(f, "%lld", (long long)o->via.i64); break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: fprintf(f, "%.17g", o->via.f64); break;
	case MSGPACK_OBJECT_STR: json_str(f, o->via.str.ptr, o->via.str.size); break;
	case MSGPACK_OBJECT_ARRAY:
		fputc('[', f);
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			if (i)
				fputc(',', f);
			json_obj(f, &o->via.array.ptr[i]);
		}
		fputc(']', f);
		break;
	case MSGPACK_OBJECT_MAP:
		fputc('{', f);
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			if (i)
				fputc(',', f);
			json_obj(f, &o->via.map.ptr[i].key);
			fputc(':', f);
			json_obj(f, &o->via.map.ptr[i].val);
		}
		fputc('}', f);
		break;
	default: fputs("null", f);
	}
}

static long long get_int(const msgpack_object *map, const char *key)
{
	const msgpack_object *o = md_pack_get(map, key);
	if (!o)
		return 0;
	return o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER ? o->via.i64 : (long long)o->via.u64;
}

static const char *get_str(const msgpack_object *map, const char *key, int *len)
{
	const msgpack_object *o = md_pack_get(map, key);
	if (!o || o->type != MSGPACK_OBJECT_STR) {
		*len = 0;
		return "";
	}
	*len = (int)o->via.str.size;
	return o->via.str.ptr;
}

/* ---- reading files --------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	char err[512];
	char *text = md_read_file(path, len, err, sizeof(err));
	if (!text)
		fprintf(stderr, "mdpost: %s\n", err);
	return text;
}

typedef int (*api_fn)(mdpost_result *, const mdpost_site *, const char *, size_t,
                      const char *, size_t);
typedef int (*index_fn)(mdpost_result *, const mdpost_site *, const mdpost_index *,
                        const char *, size_t, const char *, size_t);

/* Opens the site around `path`; its config problems go to stderr once. */
static mdpost_site *open_site(const char *path)
{
	mdpost_site *site = NULL;
	mdpost_result res = {0};
	if (mdpost_site_open(&site, &res, path, strlen(path))) {
		fprintf(stderr, "mdpost: %s\n", res.error ? res.error : "cannot open the site");
		mdpost_result_free(&res);
		return NULL;
	}
	mdpost_result_free(&res);
	if (mdpost_site_info(&res, site) == 0) {
		msgpack_unpacked u;
		msgpack_unpacked_init(&u);
		size_t off = 0;
		if (msgpack_unpack_next(&u, res.data, res.len, &off) == MSGPACK_UNPACK_SUCCESS) {
			const msgpack_object *probs = NULL;
			for (uint32_t i = 0; u.data.type == MSGPACK_OBJECT_MAP && i < u.data.via.map.size; i++)
				if (u.data.via.map.ptr[i].key.via.str.size == 8 &&
				    memcmp(u.data.via.map.ptr[i].key.via.str.ptr, "problems", 8) == 0)
					probs = &u.data.via.map.ptr[i].val;
			for (uint32_t i = 0; probs && i < probs->via.array.size; i++)
				fprintf(stderr, "mdpost: warning: %.*s\n", (int)probs->via.array.ptr[i].via.str.size,
				        probs->via.array.ptr[i].via.str.ptr);
		}
		msgpack_unpacked_destroy(&u);
	}
	mdpost_result_free(&res);
	return site;
}

/* Runs an API call on a file and unpacks its msgpack result. One of `fn`
 * (no index) or `ifn` (with the site's index) is given. */
static int call_on_file_(api_fn fn, index_fn ifn, const mdpost_site *site,
                         const mdpost_index *index, const char *path,
                         const char *opts, size_t opts_len,
                         mdpost_result *res, msgpack_unpacked *u)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text)
		return 2;
	int rc = fn ? fn(res, site, text, len, opts, opts_len)
	            : ifn(res, site, index, text, len, opts, opts_len);
	free(text);
	if (rc) {
		fprintf(stderr, "mdpost: %s: %s\n", path, res->error ? res->error : "failed");
		return 2;
	}
	msgpack_unpacked_init(u);
	size_t off = 0;
	if (msgpack_unpack_next(u, res->data, res->len, &off) != MSGPACK_UNPACK_SUCCESS) {
		fprintf(stderr, "mdpost: %s: malformed result\n", path);
		msgpack_unpacked_destroy(u);
		return 2;
	}
	return 0;
}

#define call_on_file(fn, site, index, path, opts, len, res, u) \
	call_on_file_(NULL, fn, site, index, path, opts, len, res, u)
#define call_plain(fn, site, path, opts, len, res, u) \
	call_on_file_(fn, NULL, site, NULL, path, opts, len, res, u)

/* Options as a msgpack map: {path = ..., anchors = ...}, each optional. */
static void pack_opts(md_buf *b, const char *path, const char *anchors)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, b, md_pack_buf_write);
	msgpack_pack_map(&pk, (path != NULL) + (anchors != NULL));
	if (path) {
		md_pack_cstr(&pk, "path");
		md_pack_cstr(&pk, path);
	}
	if (anchors) {
		md_pack_cstr(&pk, "anchors");
		md_pack_cstr(&pk, anchors);
	}
}

/* ---- check ----------------------------------------------------------------- */

typedef struct rule_override {
	char code[64];
	int severity;  /* 0 = off */
} rule_override;

#define MAX_SITES 64

typedef struct check_ctx {
	mdpost_site *fixed;        /* --site: one site for every file */
	struct { char root[4096]; mdpost_site *site; mdpost_index *index; } sites[MAX_SITES];
	mdpost_index *fixed_index;
	mdpost_index *last_index;
	int n_sites;
	char last_dir[4096];       /* files of one directory share a site */
	mdpost_site *last_site;
	const char *format;
	int strict;
	int progress_lines;        /* --progress */
	rule_override rules[64];
	int n_rules;
	size_t files, errors, warnings, files_with_results;
	int io_failed;
	struct job *jobs;          /* every file to check, in output order */
	int external;              /* --external */
	md_http *http;             /* its answers, shared read-only by the workers */
	size_t n_jobs, cap_jobs;
} check_ctx;

/* One file's check: filled by a worker, printed by the main thread in
 * order, then freed, so memory holds only what is not printed yet. */
typedef struct job {
	char *path;
	mdpost_site *site;
	mdpost_index *index;
	md_buf out;                /* formatted lines (or SARIF results) */
	size_t errors, warnings;
	int failed;                /* I/O or library failure: exit 2 */
	int done;
	md_ext_urls urls;          /* --external: its URLs, where they are */
} job;

static int severity_from(const char *s, size_t n)
{
	const char *names[] = {"off", "error", "warning", "info", "hint"};
	for (int i = 0; i < 5; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -1;
}

/* The index of a site, built once (in the foreground: the CLI waits). */
static mdpost_index *index_of(mdpost_site *site)
{
	if (!site->found)
		return NULL;
	mdpost_index *x = NULL;
	mdpost_result err = {0};
	if (mdpost_index_new(&x, &err, site, 0)) {
		fprintf(stderr, "mdpost: warning: cannot index %s: %s\n", site->site.root,
		        err.error ? err.error : "failed");
		mdpost_result_free(&err);
		return NULL;
	}
	return x;
}

/* The site of a file: --site, or the one around it, each opened once. */
static mdpost_site *site_for(check_ctx *c, const char *path, mdpost_index **index)
{
	if (c->fixed) {
		*index = c->fixed_index;
		return c->fixed;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (c->last_site && strcmp(dir, c->last_dir) == 0) {
		*index = c->last_index;
		return c->last_site;
	}
	md_site found;
	const char *root = md_site_find(&found, path) ? found.root : "";
	int slot = -1;
	for (int i = 0; i < c->n_sites && slot < 0; i++)
		if (strcmp(c->sites[i].root, root) == 0)
			slot = i;
	if (slot < 0) {
		mdpost_site *site = open_site(root[0] ? root : path);
		if (!site)
			return NULL;
		if (c->n_sites == MAX_SITES) {  /* rare: forget the oldest */
			mdpost_index_free(c->sites[0].index);
			mdpost_site_free(c->sites[0].site);
			memmove(&c->sites[0], &c->sites[1], sizeof(c->sites[0]) * (MAX_SITES - 1));
			c->n_sites--;
		}
		slot = c->n_sites++;
		snprintf(c->sites[slot].root, sizeof(c->sites[0].root), "%s", root);
		c->sites[slot].site = site;
		c->sites[slot].index = index_of(site);
	}
	snprintf(c->last_dir, sizeof(c->last_dir), "%s", dir);
	c->last_site = c->sites[slot].site;
	c->last_index = c->sites[slot].index;
	*index = c->last_index;
	return c->last_site;
}

static void json_buf(md_buf *b, const char *s, size_t n)
{
	md_buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '"': md_buf_puts(b, "\\\""); break;
		case '\\': md_buf_puts(b, "\\\\"); break;
		case '\n': md_buf_puts(b, "\\n"); break;
		case '\r': md_buf_puts(b, "\\r"); break;
		case '\t': md_buf_puts(b, "\\t"); break;
		default:
			if (ch < 0x20 || ch == 0x7F)
				md_buf_printf(b, "\\u%04x", ch);
			else
				md_buf_putc(b, (char)ch);
		}
	}
	md_buf_putc(b, '"');
}

/* GitHub workflow commands escape %, CR, LF (and , : in properties). */
static void gh_escape(md_buf *b, const char *s, size_t n, int property)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '%')
			md_buf_puts(b, "%25");
		else if (ch == '\r')
			md_buf_puts(b, "%0D");
		else if (ch == '\n')
			md_buf_puts(b, "%0A");
		else if (property && ch == ':')
			md_buf_puts(b, "%3A");
		else if (property && ch == ',')
			md_buf_puts(b, "%2C");
		else
			md_buf_putc(b, ch);
	}
}

/* 1-based column in characters (SARIF, GitHub) from a 0-based byte column. */
static long long char_col(const char *text, size_t len, const md_lines *lines,
                          long long line0, long long byte_col)
{
	if (!text || line0 < 0 || (size_t)line0 >= lines->n)
		return byte_col + 1;
	size_t start = lines->starts[line0];
	size_t stop = start + (size_t)byte_col;
	if (stop > len)
		stop = len;
	return (long long)md_utf8_count(text + start, stop - start) + 1;
}

/* One diagnostic in the chosen format; `severity` before --rule. */
static void emit(const check_ctx *c, job *j, const char *text, size_t len, const md_lines *lines,
                 const char *code, int clen, int severity, const char *msg, int mlen,
                 long long l0, long long c0, long long le, long long ce)
{
	for (int r = 0; r < c->n_rules; r++)
		if ((int)strlen(c->rules[r].code) == clen &&
		    memcmp(c->rules[r].code, code, (size_t)clen) == 0)
			severity = c->rules[r].severity;
	if (severity <= 0)
		return;
	const char *sevname = md_severity_name(severity);
	j->errors += severity == MD_SEV_ERROR;
	j->warnings += severity == MD_SEV_WARNING;
	md_buf *o = &j->out;
	if (strcmp(c->format, "jsonl") == 0) {
		md_buf_puts(o, "{\"file\":");
		json_buf(o, j->path, strlen(j->path));
		md_buf_printf(o, ",\"line\":%lld,\"col\":%lld,\"end_line\":%lld,\"end_col\":%lld,"
		              "\"severity\":\"%s\",\"code\":", l0 + 1, c0 + 1, le + 1, ce + 1, sevname);
		json_buf(o, code, (size_t)clen);
		md_buf_puts(o, ",\"message\":");
		json_buf(o, msg, (size_t)mlen);
		md_buf_puts(o, "}\n");
	} else if (strcmp(c->format, "github") == 0) {
		const char *kind = severity == MD_SEV_ERROR ? "error"
		                 : severity == MD_SEV_WARNING ? "warning" : "notice";
		md_buf_printf(o, "::%s file=", kind);
		gh_escape(o, j->path, strlen(j->path), 1);
		md_buf_printf(o, ",line=%lld,endLine=%lld,col=%lld,endColumn=%lld,title=mdpost ",
		              l0 + 1, le + 1, char_col(text, len, lines, l0, c0),
		              char_col(text, len, lines, le, ce));
		gh_escape(o, code, (size_t)clen, 1);
		md_buf_puts(o, "::");
		gh_escape(o, msg, (size_t)mlen, 0);
		md_buf_putc(o, '\n');
	} else if (strcmp(c->format, "sarif") == 0) {
		const char *level = severity == MD_SEV_ERROR ? "error"
		                  : severity == MD_SEV_WARNING ? "warning" : "note";
		md_buf_printf(o, "%s{\"ruleId\":", o->len ? "," : "");
		json_buf(o, code, (size_t)clen);
		md_buf_printf(o, ",\"level\":\"%s\",\"message\":{\"text\":", level);
		json_buf(o, msg, (size_t)mlen);
		md_buf_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
		json_buf(o, j->path, strlen(j->path));
		md_buf_printf(o, "},\"region\":{\"startLine\":%lld,\"startColumn\":%lld,"
		              "\"endLine\":%lld,\"endColumn\":%lld}}}]}", l0 + 1,
		              char_col(text, len, lines, l0, c0), le + 1,
		              char_col(text, len, lines, le, ce));
	} else {
		md_buf_printf(o, "%s:%lld:%lld: %s: %.*s [%.*s]\n", j->path, l0 + 1, c0 + 1,
		              sevname, mlen, msg, clen, code);
	}
}

/* --external: the answers for this post's URLs, at each occurrence. */
typedef struct ext_diag {
	size_t start, end;
	const md_http_result *r;
	int severity;
} ext_diag;

static int ext_diag_cmp(const void *a, const void *b)
{
	const ext_diag *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

static ext_diag *external_diags(const check_ctx *c, job *j, size_t *n)
{
	*n = 0;
	md_ext_urls urls = j->urls;
	memset(&j->urls, 0, sizeof(j->urls));
	if (!c->http)
		return NULL;
	ext_diag *v = urls.n ? calloc(urls.n, sizeof(*v)) : NULL;
	for (size_t i = 0; v && i < urls.n; i++) {
		const md_http_result *r = md_http_get(c->http, urls.v[i].url, urls.v[i].len);
		if (!r || !r->code)
			continue;
		int sev = md_site_rule_severity(j->site, r->code, r->severity);
		v[*n] = (ext_diag){urls.v[i].start, urls.v[i].end, r, sev};
		(*n)++;
	}
	md_ext_urls_free(&urls);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), ext_diag_cmp);
	return v;
}

static void emit_external(const check_ctx *c, job *j, const char *text, size_t len,
                          const md_lines *lines, const ext_diag *e)
{
	size_t l0, c0, le, ce;
	md_lines_pos(lines, e->start, &l0, &c0);
	md_lines_pos(lines, e->end, &le, &ce);
	emit(c, j, text, len, lines, e->r->code, (int)strlen(e->r->code), e->severity,
	     e->r->message, (int)strlen(e->r->message), (long long)l0, (long long)c0,
	     (long long)le, (long long)ce);
}

static void check_job(const check_ctx *c, job *j)
{
	mdpost_result res = {0};
	md_buf opts = {0};
	pack_opts(&opts, j->path, NULL);
	size_t len = 0;
	char *text = slurp(j->path, &len);
	int rc = text ? md_check_file(&res, j->site, j->index, text, len, opts.data, opts.len) : -1;
	md_buf_free(&opts);
	if (rc) {
		if (text)
			fprintf(stderr, "mdpost: %s: %s\n", j->path, res.error ? res.error : "failed");
		j->failed = 1;
		free(text);
		mdpost_result_free(&res);
		return;
	}
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	md_lines lines = {0};
	size_t n_ext = 0, next_ext = 0;
	ext_diag *ext = NULL;
	if (msgpack_unpack_next(&u, res.data, res.len, &off) != MSGPACK_UNPACK_SUCCESS ||
	    md_lines_init(&lines, text, len)) {
		j->failed = 1;
		goto done;
	}
	ext = external_diags(c, j, &n_ext);
	const msgpack_object *diags = md_pack_get(&u.data, "diagnostics");
	for (uint32_t i = 0; diags && diags->type == MSGPACK_OBJECT_ARRAY && i < diags->via.array.size; i++) {
		const msgpack_object *d = &diags->via.array.ptr[i];
		int clen, slen, mlen;
		const char *code = get_str(d, "code", &clen);
		const char *sev = get_str(d, "severity", &slen);
		const char *msg = get_str(d, "message", &mlen);
		long long l0 = get_int(d, "lnum"), c0 = get_int(d, "col");
		long long le = get_int(d, "end_lnum"), ce = get_int(d, "end_col");
		/* External answers merge in by position. */
		size_t at = (size_t)l0 < lines.n ? lines.starts[l0] + (size_t)c0 : len;
		while (next_ext < n_ext && ext[next_ext].start < at)
			emit_external(c, j, text, len, &lines, &ext[next_ext++]);
		emit(c, j, text, len, &lines, code, clen, severity_from(sev, (size_t)slen), msg, mlen,
		     l0, c0, le, ce);
	}
	while (next_ext < n_ext)
		emit_external(c, j, text, len, &lines, &ext[next_ext++]);
	if (j->out.oom)
		j->failed = 1;
done:
	free(ext);
	md_lines_free(&lines);
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&res);
	free(text);
}

static void check_file(check_ctx *c, const char *path)
{
	if (c->n_jobs == c->cap_jobs) {
		size_t cap = c->cap_jobs ? c->cap_jobs * 2 : 256;
		job *v = realloc(c->jobs, cap * sizeof(*v));
		if (!v) {
			c->io_failed = 1;
			return;
		}
		c->jobs = v;
		c->cap_jobs = cap;
	}
	job *j = &c->jobs[c->n_jobs];
	memset(j, 0, sizeof(*j));
	j->site = site_for(c, path, &j->index);
	j->path = strdup(path);
	if (!j->site || !j->path) {
		free(j->path);
		c->io_failed = 1;
		return;
	}
	c->n_jobs++;
}

/* ---- running the jobs on every core, printing them in order --------------- */

/* Workers take the jobs in order, each the next one free. */
typedef struct pool {
	check_ctx *c;
	void (*run)(const check_ctx *c, job *j);
	int mark_done;             /* set each job's `done` (run_jobs waits on it) */
	size_t next;               /* the next job to take */
	pthread_mutex_t lock;
	pthread_cond_t finished;
} pool;

static void *worker(void *arg)
{
	pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->c->n_jobs)
			return NULL;
		p->run(p->c, &p->c->jobs[i]);
		if (!p->mark_done)
			continue;
		pthread_mutex_lock(&p->lock);
		p->c->jobs[i].done = 1;
		pthread_cond_broadcast(&p->finished);
		pthread_mutex_unlock(&p->lock);
	}
}

/* A worker a core (MDPOST_JOBS overrides), no more than there are jobs;
 * how many started. None started: the jobs were all run here. */
static int start_workers(pool *p, pthread_t threads[64])
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	const char *env = getenv("MDPOST_JOBS");
	int n = env && atoi(env) > 0 ? atoi(env) : cores > 0 ? (int)cores : 1;
	if (n > 64)
		n = 64;
	if ((size_t)n > p->c->n_jobs)
		n = p->c->n_jobs ? (int)p->c->n_jobs : 1;
	int started = 0;
	for (int i = 0; i < n; i++)
		started += pthread_create(&threads[started], NULL, worker, p) == 0;
	if (!started)
		worker(p);  /* no threads to be had: do it here */
	return started;
}

static void progress(size_t done, size_t total)
{
	int width = 30, filled = total ? (int)(done * (size_t)width / total) : width;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "##############################",
	        width - filled, "", done, total);
}

static void run_jobs(check_ctx *c, FILE *out)
{
	/* A bar only for people: a terminal, and not a CI log. */
	int bar = isatty(2) && !getenv("CI") && c->n_jobs >= 200;
	pool p = {c, check_job, 1, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
	pthread_t threads[64];
	int started = start_workers(&p, threads);
	for (size_t i = 0; i < c->n_jobs; i++) {
		pthread_mutex_lock(&p.lock);
		while (!c->jobs[i].done)
			pthread_cond_wait(&p.finished, &p.lock);
		pthread_mutex_unlock(&p.lock);
		job *j = &c->jobs[i];
		if (bar && (i % 50 == 0 || i + 1 == c->n_jobs))
			progress(i + 1, c->n_jobs);
		/* --progress: plain lines for programs (the editor) to read. */
		if (c->progress_lines && (i % 100 == 0 || i + 1 == c->n_jobs)) {
			fprintf(stderr, "progress %zu/%zu\n", i + 1, c->n_jobs);
			fflush(stderr);
		}
		if (j->out.len) {
			if (bar)
				fputs("\r\033[K", stderr);
			if (strcmp(c->format, "sarif") == 0 && c->files_with_results++)
				fputc(',', out);
			fwrite(j->out.data, 1, j->out.len, out);
		}
		c->files++;
		c->errors += j->errors;
		c->warnings += j->warnings;
		c->io_failed |= j->failed;
		md_buf_free(&j->out);
		md_ext_urls_free(&j->urls);
		free(j->path);
	}
	if (bar)
		fputs("\r\033[K", stderr);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(c->jobs);
	c->jobs = NULL;
	c->n_jobs = 0;
}

static const struct {
	const char *code, *text;
} rule_docs[] = {
	{"fm-syntax", "front matter cannot be parsed"},
	{"fm-unclosed", "front matter has no closing delimiter"},
	{"fm-duplicate-key", "a front matter key is given twice"},
	{"fm-unknown-key", "a front matter key the schema does not know"},
	{"fm-type", "a front matter value of the wrong type"},
	{"fm-required", "a required front matter key is missing or empty"},
	{"fm-date", "a date the generator will not parse"},
	{"fm-enum", "a value outside the allowed set"},
	{"fm-url", "a malformed URL in a URL field"},
	{"fm-length", "text longer (or shorter) than the configured limit"},
	{"fm-pattern", "a value that does not match the schema's pattern"},
	{"link-file", "a link or image whose target is not published on the site"},
	{"link-anchor", "a #fragment no heading of the target page produces"},
	{"link-ref", "a ref/relref target that is missing or ambiguous"},
	{"link-malformed", "a link that cannot be a valid URL or path"},
	{"link-undefined", "a reference link with no definition"},
	{"link-unused", "a link definition nothing uses"},
	{"link-external", "an external URL that is dead"},
	{"link-redirect", "an external URL that moved permanently"},
};

static void sarif_head(FILE *out)
{
	fprintf(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
	             "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"mdpost\","
	             "\"version\":\"%s\",\"informationUri\":\"https://github.com/mdpost/mdpost\","
	             "\"rules\":[", mdpost_version());
	for (size_t i = 0; i < sizeof(rule_docs) / sizeof(rule_docs[0]); i++)
		fprintf(out, "%s{\"id\":\"%s\",\"shortDescription\":{\"text\":\"%s\"},"
		             "\"helpUri\":\"https://github.com/mdpost/mdpost/blob/main/doc/mdpost.txt\"}",
		        i ? "," : "", rule_docs[i].code, rule_docs[i].text);
	fputs("]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[", out);
}

static int is_markdown(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* .mdpost.yaml `ignore`: globs relative to the site root; `*` spans `/`. */
static int ignored(check_ctx *c, const char *path)
{
	mdpost_index *index;
	const mdpost_site *site = site_for(c, path, &index);
	if (!site || !site->found || !site->n_ignore)
		return 0;
	char abs[PATH_MAX];
	if (!realpath(path, abs))
		return 0;
	const char *root = site->site.root;
	size_t rl = strlen(root);
	if (strncmp(abs, root, rl) != 0 || abs[rl] != '/')
		return 0;
	for (int i = 0; i < site->n_ignore; i++)
		if (fnmatch(site->ignore[i], abs + rl + 1, 0) == 0)
			return 1;
	return 0;
}

/* Walks a directory in sorted order, so output is stable. */
static void check_path(check_ctx *c, const char *path, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "mdpost: %s: %s\n", path, strerror(errno));
		c->io_failed = 1;
		return;
	}
	if (ignored(c, path))
		return;
	if (!S_ISDIR(st.st_mode)) {
		check_file(c, path);
		return;
	}
	if (depth > 64) {
		fprintf(stderr, "mdpost: %s: directories nested too deeply\n", path);
		return;
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "mdpost: %s: %s\n", path, strerror(errno));
		c->io_failed = 1;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		size_t need = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(need);
		if (!names[n])
			break;
		snprintf(names[n], need, "%s%s%s", path,
		         path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat s2;
		if (lstat(names[i], &s2) == 0 && S_ISLNK(s2.st_mode) && stat(names[i], &s2) != 0) {
			if (is_markdown(names[i]))
				fprintf(stderr, "mdpost: warning: %s: broken symbolic link, skipped\n", names[i]);
		} else if (lstat(names[i], &s2) == 0 && S_ISLNK(s2.st_mode) &&
		           stat(names[i], &s2) == 0 && S_ISDIR(s2.st_mode)) {
			/* Directory links are skipped: they can loop. */
		} else if (stat(names[i], &s2) == 0 &&
		           (S_ISDIR(s2.st_mode) || is_markdown(names[i]))) {
			check_path(c, names[i], depth + 1);
		}
		free(names[i]);
	}
	free(names);
}

/* `to` relative to the directory `from` (both absolute), e.g. "../content". */
static void relative_path(char *out, size_t cap, const char *from, const char *to)
{
	size_t common = 0, i = 0;
	for (; from[i] && to[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i;
	if (!from[i] && (to[i] == '/' || !to[i]))
		common = i;
	else if (!to[i] && from[i] == '/')
		common = i;
	md_buf b = {0};
	for (const char *p = from + common; *p; p++)
		if (*p == '/' && p[1])
			md_buf_puts(&b, b.len ? "/.." : "..");
	const char *rest = to + common;
	while (*rest == '/')
		rest++;
	if (*rest)
		md_buf_printf(&b, "%s%s", b.len ? "/" : "", rest);
	snprintf(out, cap, "%s", b.len ? b.data : ".");
	if (b.oom)
		snprintf(out, cap, "%s", to);
	md_buf_free(&b);
}

/* ---- external URLs ---------------------------------------------------------- */

static volatile int cancelled;

static void on_signal(int sig)
{
	MD_UNUSED(sig);
	cancelled = 1;
}

typedef struct ext_progress {
	size_t done, total;
	int lines;                 /* --progress */
} ext_progress;

static void check_progress(void *data, const md_http_result *r)
{
	ext_progress *p = data;
	MD_UNUSED(r);
	p->done++;
	if (p->lines && (p->done % 10 == 0 || p->done == p->total)) {
		fprintf(stderr, "external %zu/%zu\n", p->done, p->total);
		fflush(stderr);
	}
}

/* One post's external URLs (--external, before the checks). */
static void collect_job(const check_ctx *c, job *j)
{
	MD_UNUSED(c);
	size_t len;
	char err[512];
	char *text = md_read_file(j->path, &len, err, sizeof(err));
	if (text && md_external_urls(&j->urls, text, len, j->site))
		memset(&j->urls, 0, sizeof(j->urls));  /* the check says why */
	free(text);
}

/* --external: every unique URL of every post, fetched once before the
 * posts are checked (the workers then only look answers up). */
static int external_phase(check_ctx *c)
{
	if (!c->n_jobs)
		return 0;
	const mdpost_site *site = c->fixed ? c->fixed : c->jobs[0].site;
	if (md_http_new(&c->http, &site->external, site->found ? site->site.root : NULL)) {
		fprintf(stderr, "mdpost: cannot start the external URL checker (libcurl)\n");
		return 2;
	}
	/* Each post's URLs, found on every core; the checker takes them in
	 * order, so the first occurrence decides nothing but the order. */
	pool cp = {c, collect_job, 0, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
	pthread_t threads[64];
	int started = start_workers(&cp, threads);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (size_t i = 0; i < c->n_jobs; i++)
		for (size_t k = 0; k < c->jobs[i].urls.n; k++)
			md_http_add(c->http, c->jobs[i].urls.v[k].url, c->jobs[i].urls.v[k].len);
	ext_progress p = {0, md_http_count(c->http), c->progress_lines};
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	md_http_run(c->http, check_progress, &p, &cancelled);
	if (cancelled)
		return 2;
	if (md_http_offline(c->http))
		fprintf(stderr, "mdpost: external URLs not checked (offline: no host could be reached)\n");
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check_ctx c = {0};
	c.format = "text";
	const char *site_dir = NULL;
	char **paths = calloc((size_t)argc + 1, sizeof(char *));
	int n_paths = 0;
	if (!paths)
		return 2;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--format") == 0 || strcmp(a, "--site") == 0 ||
		     strcmp(a, "--rule") == 0) && i + 1 >= argc) {
			fprintf(stderr, "mdpost: %s needs a value\n%s", a, usage);
			free(paths);
			return 2;
		}
		if (strcmp(a, "--format") == 0) {
			c.format = argv[++i];
			if (strcmp(c.format, "text") && strcmp(c.format, "jsonl") &&
			    strcmp(c.format, "sarif") && strcmp(c.format, "github")) {
				fprintf(stderr, "mdpost: unknown format `%s` (text, jsonl, sarif, github)\n", c.format);
				free(paths);
				return 2;
			}
		} else if (strcmp(a, "--site") == 0) {
			site_dir = argv[++i];
		} else if (strcmp(a, "--strict") == 0) {
			c.strict = 1;
		} else if (strcmp(a, "--progress") == 0) {
			c.progress_lines = 1;
		} else if (strcmp(a, "--external") == 0) {
			c.external = 1;
		} else if (strcmp(a, "--rule") == 0) {
			const char *spec = argv[++i];
			const char *eq = strchr(spec, '=');
			int sev = eq ? severity_from(eq + 1, strlen(eq + 1)) : -1;
			if (!eq || sev < 0 || eq - spec >= 64 || c.n_rules >= 64) {
				fprintf(stderr, "mdpost: --rule wants CODE=error|warning|info|hint|off, not `%s`\n", spec);
				free(paths);
				return 2;
			}
			memcpy(c.rules[c.n_rules].code, spec, (size_t)(eq - spec));
			c.rules[c.n_rules].code[eq - spec] = '\0';
			c.rules[c.n_rules++].severity = sev;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mdpost: unknown option `%s`\n%s", a, usage);
			free(paths);
			return 2;
		} else {
			paths[n_paths++] = argv[i];
		}
	}
	mdpost_site *site = NULL;
	if (site_dir || n_paths == 0) {
		site = open_site(site_dir ? site_dir : ".");
		if (!site) {
			free(paths);
			return 2;
		}
		c.fixed = site;
		c.fixed_index = index_of(site);
	}
	char content[4200];
	if (n_paths == 0) {
		if (!site->found) {
			fprintf(stderr, "mdpost: no site found here (no hugo.toml, config.toml, "
			                "_config.yml or .mdpost.yaml in this directory or above); "
			                "name files or use --site DIR\n");
			free(paths);
			mdpost_site_free(site);
			return 2;
		}
		/* Reported paths stay relative to the working directory. */
		char abs_content[4200], cwd[4096];
		snprintf(abs_content, sizeof(abs_content), "%s", site->content_dir);
		if (getcwd(cwd, sizeof(cwd)) && cwd[0] == '/')
			relative_path(content, sizeof(content), cwd, abs_content);
		else
			snprintf(content, sizeof(content), "%s", abs_content);
		paths[n_paths++] = content;
	}
	struct timespec t1;
	for (int i = 0; i < n_paths; i++)
		check_path(&c, paths[i], 0);
	free(paths);
	int sarif = strcmp(c.format, "sarif") == 0;
	if (c.external && external_phase(&c))
		c.io_failed = 1;
	if (sarif)
		sarif_head(stdout);
	run_jobs(&c, stdout);
	md_http_free(c.http);
	if (sarif)
		fputs("]}]}\n", stdout);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	mdpost_index_free(c.fixed_index);
	mdpost_site_free(site);
	for (int i = 0; i < c.n_sites; i++) {
		mdpost_index_free(c.sites[i].index);
		mdpost_site_free(c.sites[i].site);
	}
	fprintf(stderr, "mdpost: %zu file%s, %zu error%s, %zu warning%s in %.2f s\n",
	        c.files, c.files == 1 ? "" : "s", c.errors, c.errors == 1 ? "" : "s",
	        c.warnings, c.warnings == 1 ? "" : "s",
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (c.io_failed)
		return 2;
	return (c.errors || (c.strict && c.warnings)) ? 1 : 0;
}

/* `mdpost external`: one post's external URLs, one JSON line per answer as
 * it arrives (the editor reads them while the check runs). */
typedef struct ext_stream {
	const mdpost_site *site;
	size_t done, total, cached, dead, requests;
} ext_stream;

static void stream_result(void *data, const md_http_result *r)
{
	ext_stream *st = data;
	st->done++;
	st->cached += r->cached;
	st->requests += (size_t)r->requests;
	int sev = r->code ? md_site_rule_severity(st->site, r->code, r->severity) : 0;
	st->dead += strcmp(r->verdict, "dead") == 0;
	fputs("{\"type\":\"url\",\"url\":", stdout);
	json_str(stdout, r->url, strlen(r->url));
	printf(",\"verdict\":\"%s\",\"status\":%d,\"code\":", r->verdict, r->status);
	if (r->code && sev > 0)
		printf("\"%s\",\"severity\":\"%s\"", r->code, md_severity_name(sev));
	else
		fputs("null,\"severity\":null", stdout);
	fputs(",\"message\":", stdout);
	json_str(stdout, r->message, strlen(r->message));
	if (r->redirect) {
		fputs(",\"redirect\":", stdout);
		json_str(stdout, r->redirect, strlen(r->redirect));
	}
	printf(",\"cached\":%s,\"requests\":%d,\"done\":%zu,\"total\":%zu}\n",
	       r->cached ? "true" : "false", r->requests, st->done, st->total);
	fflush(stdout);
}

static int cmd_external(int argc, char **argv)
{
	const char *site_dir = NULL, *post_path = NULL, *file = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--site") == 0 || strcmp(a, "--path") == 0) && i + 1 >= argc) {
			fprintf(stderr, "mdpost external: %s needs a value\n", a);
			return 2;
		}
		if (strcmp(a, "--site") == 0) {
			site_dir = argv[++i];
		} else if (strcmp(a, "--path") == 0) {
			post_path = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mdpost external: unknown option `%s`\n%s", a, usage);
			return 2;
		} else if (file) {
			fprintf(stderr, "mdpost external: one FILE only\n");
			return 2;
		} else {
			file = a;
		}
	}
	if (!file) {
		fprintf(stderr, "mdpost external: FILE (or - for standard input) is required\n%s", usage);
		return 2;
	}
	size_t len = 0;
	char *text;
	if (strcmp(file, "-") == 0) {
		md_buf b = {0};
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0 && b.len <= MD_MAX_INPUT)
			md_buf_put(&b, chunk, n);
		if (b.oom || b.len > MD_MAX_INPUT) {
			fprintf(stderr, "mdpost external: standard input is too large or unreadable\n");
			md_buf_free(&b);
			return 2;
		}
		text = b.data ? b.data : calloc(1, 1);
		len = b.len;
	} else {
		text = slurp(file, &len);
	}
	if (!text)
		return 2;
	const char *where = site_dir ? site_dir : post_path ? post_path : strcmp(file, "-") ? file : ".";
	mdpost_site *site = open_site(where);
	md_http *http = NULL;
	md_ext_urls urls = {0};
	int rc = 2;
	if (!site)
		goto out;
	if (md_external_urls(&urls, text, len, site) ||
	    md_http_new(&http, &site->external, site->found ? site->site.root : NULL)) {
		fprintf(stderr, "mdpost external: cannot start the checker\n");
		goto out;
	}
	for (size_t k = 0; k < urls.n; k++)
		md_http_add(http, urls.v[k].url, urls.v[k].len);
	ext_stream st = {site, 0, md_http_count(http), 0, 0, 0};
	printf("{\"type\":\"start\",\"total\":%zu,\"cache\":", st.total);
	json_str(stdout, md_http_cache_path(http), strlen(md_http_cache_path(http)));
	/* Where each URL is in the text read, 0-based: the editor marks these
	 * places instead of parsing the post again on its main loop. */
	md_lines lines;
	if (md_lines_init(&lines, text, len) == 0) {
		fputs(",\"occurrences\":[", stdout);
		for (size_t k = 0; k < urls.n; k++) {
			size_t l0, c0, l1, c1;
			md_lines_pos(&lines, urls.v[k].start, &l0, &c0);
			md_lines_pos(&lines, urls.v[k].end, &l1, &c1);
			fputs(k ? ",[" : "[", stdout);
			json_str(stdout, urls.v[k].url, md_http_fetchable(urls.v[k].url, urls.v[k].len));
			printf(",%zu,%zu,%zu,%zu]", l0, c0, l1, c1);
		}
		fputc(']', stdout);
		md_lines_free(&lines);
	}
	fputs("}\n", stdout);
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	md_http_run(http, stream_result, &st, &cancelled);
	printf("{\"type\":\"done\",\"total\":%zu,\"done\":%zu,\"cached\":%zu,\"dead\":%zu,"
	       "\"requests\":%zu,\"offline\":%s,\"cancelled\":%s}\n", st.total, st.done, st.cached,
	       st.dead, st.requests, md_http_offline(http) ? "true" : "false",
	       cancelled ? "true" : "false");
	fflush(stdout);
	rc = cancelled ? 2 : 0;
out:
	md_http_free(http);
	md_ext_urls_free(&urls);
	mdpost_site_free(site);
	free(text);
	return rc;
}

/* ---- the other commands ---------------------------------------------------- */

static int one_file_cmd(const char *name, int argc, char **argv, const char **file)
{
	*file = NULL;
	for (int i = 0; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] &&
		    !(strcmp(name, "render") == 0 && strcmp(argv[i], "--standalone") == 0)) {
			fprintf(stderr, "mdpost %s: unknown option `%s`\n", name, argv[i]);
			return 2;
		}
		if (argv[i][0] != '-' || !argv[i][1]) {
			if (*file) {
				fprintf(stderr, "mdpost %s: one FILE only\n", name);
				return 2;
			}
			*file = argv[i];
		}
	}
	if (!*file) {
		fprintf(stderr, "mdpost %s: FILE is required\n%s", name, usage);
		return 2;
	}
	return 0;
}

static int cmd_frontmatter(int argc, char **argv)
{
	const char *file;
	if (one_file_cmd("frontmatter", argc, argv, &file))
		return 2;
	mdpost_result res = {0};
	msgpack_unpacked u;
	mdpost_site *site = open_site(file);
	int rc = site ? call_plain(mdpost_frontmatter, site, file, NULL, 0, &res, &u) : 2;
	mdpost_site_free(site);
	if (rc) {
		mdpost_result_free(&res);
		return 2;
	}
	const msgpack_object *fields = md_pack_get(&u.data, "fields");
	int flen;
	const char *format = get_str(&u.data, "format", &flen);
	printf("{\"format\":\"%.*s\",\"fields\":", flen, format);
	if (fields && fields->type != MSGPACK_OBJECT_NIL)
		json_obj(stdout, fields);
	else
		fputs(strncmp(format, "none", 4) == 0 ? "{}" : "null", stdout);
	fputs("}\n", stdout);
	const msgpack_object *diags = md_pack_get(&u.data, "diagnostics");
	int bad = strncmp(format, "none", 4) != 0 && (!fields || fields->type == MSGPACK_OBJECT_NIL) &&
	          diags && diags->type == MSGPACK_OBJECT_ARRAY && diags->via.array.size > 0;
	if (bad) {
		const msgpack_object *d = &diags->via.array.ptr[0];
		int mlen;
		const char *msg = get_str(d, "message", &mlen);
		fprintf(stderr, "mdpost: %s:%lld:%lld: %.*s\n", file, get_int(d, "lnum") + 1,
		        get_int(d, "col") + 1, mlen, msg);
	}
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&res);
	return bad ? 1 : 0;
}

static int cmd_headings(int argc, char **argv)
{
	const char *file;
	if (one_file_cmd("headings", argc, argv, &file))
		return 2;
	mdpost_result res = {0};
	msgpack_unpacked u;
	md_buf opts = {0};
	pack_opts(&opts, file, NULL);
	mdpost_site *site = open_site(file);
	int rc = site ? call_plain(mdpost_headings, site, file, opts.data, opts.len, &res, &u) : 2;
	mdpost_site_free(site);
	md_buf_free(&opts);
	if (rc) {
		mdpost_result_free(&res);
		return 2;
	}
	for (uint32_t i = 0; u.data.type == MSGPACK_OBJECT_ARRAY && i < u.data.via.array.size; i++) {
		const msgpack_object *h = &u.data.via.array.ptr[i];
		int tl, il;
		const char *text = get_str(h, "text", &tl);
		const char *id = get_str(h, "id", &il);
		printf("{\"line\":%lld,\"level\":%lld,\"text\":", get_int(h, "line") + 1,
		       get_int(h, "level"));
		json_str(stdout, text, (size_t)tl);
		fputs(",\"id\":", stdout);
		json_str(stdout, id, (size_t)il);
		fputs("}\n", stdout);
	}
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&res);
	return 0;
}

static int cmd_links(int argc, char **argv)
{
	const char *file;
	if (one_file_cmd("links", argc, argv, &file))
		return 2;
	mdpost_site *site = open_site(file);
	if (!site)
		return 2;
	mdpost_index *index = index_of(site);
	mdpost_result res = {0};
	msgpack_unpacked u;
	md_buf opts = {0};
	pack_opts(&opts, file, NULL);
	int rc = call_on_file(mdpost_links, site, index, file, opts.data, opts.len, &res, &u);
	md_buf_free(&opts);
	mdpost_index_free(index);
	mdpost_site_free(site);
	if (rc) {
		mdpost_result_free(&res);
		return 2;
	}
	int broken = 0;
	for (uint32_t i = 0; u.data.type == MSGPACK_OBJECT_ARRAY && i < u.data.via.array.size; i++) {
		const msgpack_object *l = &u.data.via.array.ptr[i];
		int kl, tl, sl, cl, ml;
		const char *kind = get_str(l, "kind", &kl);
		const char *target = get_str(l, "target", &tl);
		const char *status = get_str(l, "status", &sl);
		const char *code = get_str(l, "code", &cl);
		const char *msg = get_str(l, "message", &ml);
		printf("{\"line\":%lld,\"col\":%lld,\"kind\":\"%.*s\",\"target\":",
		       get_int(l, "lnum") + 1, get_int(l, "col") + 1, kl, kind);
		json_str(stdout, target, (size_t)tl);
		printf(",\"status\":\"%.*s\"", sl, status);
		if (cl) {
			broken = 1;
			printf(",\"code\":\"%.*s\",\"message\":", cl, code);
			json_str(stdout, msg, (size_t)ml);
		}
		fputs("}\n", stdout);
	}
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&res);
	return broken ? 1 : 0;
}

static int cmd_render(int argc, char **argv)
{
	const char *file;
	if (one_file_cmd("render", argc, argv, &file))
		return 2;
	int standalone = 0;
	for (int i = 0; i < argc; i++)
		standalone |= strcmp(argv[i], "--standalone") == 0;
	size_t len;
	char *text = slurp(file, &len);
	if (!text)
		return 2;
	mdpost_result res = {0};
	mdpost_site *site = open_site(file);
	/* ref/relref shortcodes render as the URL of their page: the index
	 * is built only for a post that has some. */
	int refs = memmem(text, len, "{{", 2) && memmem(text, len, "ref", 3);
	mdpost_index *index = site && refs ? index_of(site) : NULL;
	md_buf opts = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &opts, md_pack_buf_write);
	msgpack_pack_map(&pk, 2);
	md_pack_cstr(&pk, "path");
	md_pack_cstr(&pk, file);
	md_pack_cstr(&pk, "standalone");
	if (standalone)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	int rc = site ? mdpost_render(&res, site, index, text, len, opts.data, opts.len)
	              : MDPOST_EINVAL;
	md_buf_free(&opts);
	mdpost_index_free(index);
	mdpost_site_free(site);
	free(text);
	if (rc) {
		fprintf(stderr, "mdpost: %s: %s\n", file, res.error ? res.error : "failed");
		mdpost_result_free(&res);
		return 2;
	}
	fwrite(res.data, 1, res.len, stdout);
	mdpost_result_free(&res);
	return 0;
}

static int cmd_version(void)
{
	mdpost_result res = {0};
	if (mdpost_versions(&res)) {
		fprintf(stderr, "mdpost: %s\n", res.error ? res.error : "failed");
		return 2;
	}
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	if (msgpack_unpack_next(&u, res.data, res.len, &off) == MSGPACK_UNPACK_SUCCESS &&
	    u.data.type == MSGPACK_OBJECT_MAP) {
		for (uint32_t i = 0; i < u.data.via.map.size; i++) {
			const msgpack_object *k = &u.data.via.map.ptr[i].key;
			const msgpack_object *v = &u.data.via.map.ptr[i].val;
			printf("%.*s %.*s\n", (int)k->via.str.size, k->via.str.ptr,
			       (int)v->via.str.size, v->via.str.ptr);
		}
	}
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&res);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(cmd, "render") == 0)
		return cmd_render(argc - 2, argv + 2);
	if (strcmp(cmd, "headings") == 0)
		return cmd_headings(argc - 2, argv + 2);
	if (strcmp(cmd, "frontmatter") == 0)
		return cmd_frontmatter(argc - 2, argv + 2);
	if (strcmp(cmd, "links") == 0)
		return cmd_links(argc - 2, argv + 2);
	if (strcmp(cmd, "external") == 0)
		return cmd_external(argc - 2, argv + 2);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
		return cmd_version();
	fprintf(stderr, "mdpost: unknown command `%s`\n%s", cmd, usage);
	return 2;
}
