/*
 * The site index: every page of the content dir with its URL, aliases and
 * heading ids, every static file and bundle resource by the URL it is
 * published at. Built once, on a thread of its own, then read-only; link
 * checks resolve against it.
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dates.h"
#include "internal.h"

#define AMBIGUOUS ((void *)1)

static uint64_t url_signature(const char *s, size_t n, uint64_t *pairs);
struct grams;
static void grams_free(struct grams *g);

struct mdpost_index {
	const mdpost_site *site;
	md_page **pages;
	size_t n_pages, cap_pages;
	md_strset by_url;     /* URL path -> page */
	md_strset by_path;    /* content path, with and without extension -> page */
	md_strset by_base;    /* base name -> page, or AMBIGUOUS */
	md_strset files;      /* URL paths of static files and bundle resources */
	md_strset dirs;       /* URL paths that list something (sections, taxonomies) */
	int render_hook;      /* the site rewrites links (render-link.html) */
	pthread_mutex_t ids_lock; /* pages' ids are filled in on demand */
	md_strset nearest;    /* broken URL -> its "did you mean" page (under ids_lock) */
	struct grams *grams;  /* pages by the 3-grams of their URLs (under ids_lock) */
	pthread_t thread;
	int started;
	atomic_int done;
	atomic_int cancel;
	int rc;
	char error[256];
};

/* ---- URLs ----------------------------------------------------------------- */

static void lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 32;
}

/* Hugo's URLize for :title and slugs from titles: lower case, spaces to
 * dashes, most punctuation dropped. */
static void urlize(md_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t')
			md_buf_putc(b, '-');
		else if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		         c == '-' || c == '_' || c == '.')
			md_buf_putc(b, (char)c);
		else if (c >= 'A' && c <= 'Z')
			md_buf_putc(b, (char)(c + 32));
	}
}

static const char *str_field(const md_value *root, const char *key, size_t *n)
{
	const md_entry *e = md_value_find(root, key, strlen(key));
	if (!e || e->value->kind != MD_V_STRING || e->value->str_len == 0)
		return NULL;
	*n = e->value->str_len;
	return e->value->str;
}

/* Expands a [permalinks] pattern such as /:year/:month/:slug/. */
static void expand_permalink(md_buf *out, const char *pattern, const md_value *fm,
                             const char *section, const char *filename, const char *zone)
{
	md_time t = {0};
	int have_date = 0;
	const md_entry *d = md_value_find(fm, "date", 4);
	if (d && d->value->kind == MD_V_STRING)
		have_date = md_date_parse(d->value->str, d->value->str_len, zone, &t) == 1;
	else if (d && d->value->kind == MD_V_DATETIME)
		have_date = md_date_parse_toml(d->value->str, d->value->str_len, zone, &t) == 1;
	char when[48] = "0001-01-01T00:00:00Z";
	if (have_date)
		md_date_format_rfc3339(&t, when);
	for (const char *p = pattern; *p;) {
		if (*p != ':') {
			md_buf_putc(out, *p++);
			continue;
		}
		const char *w = ++p;
		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		size_t wl = (size_t)(p - w), n;
		const char *v;
#define IS(lit) (wl == sizeof(lit) - 1 && memcmp(w, lit, wl) == 0)
		if (IS("year"))
			md_buf_put(out, when, 4);
		else if (IS("month"))
			md_buf_put(out, when + 5, 2);
		else if (IS("day"))
			md_buf_put(out, when + 8, 2);
		else if (IS("section"))
			md_buf_puts(out, section);
		else if (IS("filename") || IS("contentbasename"))
			md_buf_puts(out, filename);
		else if (IS("slug") && (v = str_field(fm, "slug", &n)))
			md_buf_put(out, v, n);
		else if ((IS("slug") || IS("title")) && (v = str_field(fm, "title", &n)))
			urlize(out, v, n);
		else if (IS("slug") || IS("title"))
			md_buf_puts(out, filename);
#undef IS
	}
}

/*
 * The URL Hugo publishes a page at, from its content path and front matter:
 * `url` wins; else the [permalinks] pattern of its section; else the path,
 * with `slug` replacing the last part. Lower-cased, as Hugo does by default.
 */
char *md_page_url(const mdpost_site *site, const char *path, const md_value *fm)
{
	md_buf b = {0};
	size_t n;
	const char *v = str_field(fm, "url", &n);
	if (v) {
		if (v[0] != '/')
			md_buf_putc(&b, '/');
		md_buf_put(&b, v, n);
		if (b.data && b.data[b.len - 1] != '/' && !strchr(strrchr(b.data, '/'), '.'))
			md_buf_putc(&b, '/');
		if (b.data)
			lower_ascii(b.data);
		return b.oom ? (md_buf_free(&b), NULL) : b.data;
	}
	char dir[PATH_MAX], file[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	snprintf(file, sizeof(file), "%s", slash ? slash + 1 : dir);
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	char *dot = strrchr(file, '.');
	if (dot)
		*dot = '\0';
	int leaf = strcmp(file, "index") == 0, branch = strcmp(file, "_index") == 0;
	if (branch) {
		md_buf_printf(&b, "/%s%s", dir, dir[0] ? "/" : "");
	} else {
		/* A bundle is named by its directory. */
		char parent[PATH_MAX], name[PATH_MAX];
		snprintf(parent, sizeof(parent), "%s", leaf ? dir : dir);
		if (leaf) {
			char *ps = strrchr(parent, '/');
			snprintf(name, sizeof(name), "%s", ps ? ps + 1 : parent);
			if (ps)
				*ps = '\0';
			else
				parent[0] = '\0';
		} else {
			snprintf(name, sizeof(name), "%s", file);
		}
		char section[PATH_MAX];
		snprintf(section, sizeof(section), "%s", path);
		char *s1 = strchr(section, '/');
		if (s1)
			*s1 = '\0';
		else
			section[0] = '\0';
		const char *pattern = NULL;
		for (int i = 0; site && i < site->n_permalinks; i++)
			if (strcmp(site->permalinks[i].section, section) == 0)
				pattern = site->permalinks[i].pattern;
		if (pattern) {
			expand_permalink(&b, pattern, fm, section, name, site->timezone[0] ? site->timezone : NULL);
		} else {
			v = str_field(fm, "slug", &n);
			md_buf_printf(&b, "/%s%s", parent, parent[0] ? "/" : "");
			if (v)
				md_buf_put(&b, v, n);
			else
				md_buf_puts(&b, name);
			md_buf_putc(&b, '/');
		}
	}
	if (b.oom) {
		md_buf_free(&b);
		return NULL;
	}
	lower_ascii(b.data);
	return b.data;
}

/* ---- building --------------------------------------------------------------- */

/* A page read and parsed, not yet in the index: workers make these. */
typedef struct prepared {
	md_page *page;
	char **aliases;    /* URL paths */
	size_t n_aliases;
	int failed;
} prepared;

static void prepared_free(prepared *pp)
{
	for (size_t i = 0; i < pp->n_aliases; i++)
		free(pp->aliases[i]);
	free(pp->aliases);
	if (pp->page) {
		free(pp->page->path);
		free(pp->page->url);
		md_strset_free(&pp->page->ids);
		free(pp->page);
	}
	memset(pp, 0, sizeof(*pp));
}

/* Parses one page: its URL, aliases and heading ids. Touches nothing
 * shared, so many run at once. */
static void prepare_page(const mdpost_index *x, const char *rel, const char *text, size_t len,
                         prepared *out)
{
	memset(out, 0, sizeof(*out));
	md_page *p = calloc(1, sizeof(*p));
	if (!p) {
		out->failed = 1;
		return;
	}
	out->page = p;
	p->path = strdup(rel);
	md_frontmatter fm;
	md_diags d = {0};
	md_frontmatter_parse(&fm, text, len, &d);
	md_diags_free(&d);
	p->url = md_page_url(x->site, rel, fm.root);
	if (p->url) {
		p->url_len = strlen(p->url);
		p->url_chars = md_utf8_count(p->url, p->url_len);
		p->url_sig = url_signature(p->url, p->url_len, &p->url_sig2);
	}
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	p->leaf = strncmp(base, "index.", 6) == 0;
	p->branch = strncmp(base, "_index.", 7) == 0;
	int oom = !p->path || !p->url;
	/* Aliases are URLs too (Hugo writes a redirect page at each). */
	const md_entry *al = md_value_find(fm.root, "aliases", 7);
	if (al && !oom) {
		const md_value *v = al->value;
		size_t count = v->kind == MD_V_ARRAY ? v->n_items : 1;
		out->aliases = calloc(count ? count : 1, sizeof(char *));
		oom |= !out->aliases;
		for (size_t i = 0; i < count && !oom; i++) {
			const md_value *a = v->kind == MD_V_ARRAY ? v->items[i] : v;
			if (a->kind != MD_V_STRING || !a->str_len)
				continue;
			md_buf u = {0};
			if (a->str[0] != '/') {
				/* Relative aliases live under the page's section. */
				char sec[PATH_MAX];
				snprintf(sec, sizeof(sec), "%s", rel);
				char *s1 = strchr(sec, '/');
				if (s1) {
					*s1 = '\0';
					md_buf_printf(&u, "/%s/", sec);
				} else {
					md_buf_putc(&u, '/');
				}
			}
			md_buf_put(&u, a->str, a->str_len);
			if (u.data && u.data[u.len - 1] != '/')
				md_buf_putc(&u, '/');
			oom |= u.oom || !u.data;
			if (u.data) {
				lower_ascii(u.data);
				out->aliases[out->n_aliases++] = u.data;
			}
		}
	}
	/* Heading ids are found on demand (md_index_ids): most pages are
	 * never the target of a #fragment, and parsing is the costly part. */
	md_frontmatter_free(&fm);
	out->failed = oom;
}

/* Puts a prepared page in the index's lookups (one thread at a time). */
static int register_page(mdpost_index *x, prepared *pp)
{
	md_page *p = pp->page;
	int oom = 0;
	if (x->n_pages == x->cap_pages) {
		size_t cap = x->cap_pages ? x->cap_pages * 2 : 256;
		md_page **v = realloc(x->pages, cap * sizeof(*v));
		if (!v)
			return -1;
		x->pages = v;
		x->cap_pages = cap;
	}
	x->pages[x->n_pages++] = p;
	pp->page = NULL;  /* owned by the index now */
	for (size_t i = 0; i < pp->n_aliases; i++)
		oom |= md_strset_put(&x->by_url, pp->aliases[i], strlen(pp->aliases[i]), p) != 0;
	/* Lookups: by URL, by content path with and without extension (for
	 * ref/relref; bundles also by their directory), and by base name. */
	char key[PATH_MAX];
	snprintf(key, sizeof(key), "%s", p->path);
	lower_ascii(key);
	oom |= md_strset_put(&x->by_url, p->url, strlen(p->url), p);
	oom |= md_strset_put(&x->by_path, key, strlen(key), p);
	char *dot = strrchr(key, '.');
	if (dot)
		*dot = '\0';
	oom |= md_strset_put(&x->by_path, key, strlen(key), p);
	if (p->leaf || p->branch) {
		char *slash = strrchr(key, '/');
		if (slash)
			*slash = '\0';
		else
			key[0] = '\0';
		oom |= md_strset_put(&x->by_path, key, strlen(key), p);
	}
	const char *bn = strrchr(key, '/');
	bn = bn ? bn + 1 : key;
	if (*bn && !p->branch) {
		int found;
		void *prev = md_strset_get(&x->by_base, bn, strlen(bn), &found);
		oom |= md_strset_put(&x->by_base, bn, strlen(bn), found && prev != p ? AMBIGUOUS : p);
	}
	return oom ? -1 : 0;
}

typedef struct walk_file {
	char *rel;     /* content- or static-relative path */
	int is_page;
} walk_file;

typedef struct filelist {
	walk_file *v;
	size_t n, cap;
} filelist;

static int list_push(filelist *l, const char *rel, int is_page)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		walk_file *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].rel = strdup(rel);
	l->v[l->n].is_page = is_page;
	return l->v[l->n++].rel ? 0 : -1;
}

static int is_md(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcmp(dot, ".md") == 0 || strcmp(dot, ".markdown") == 0);
}

/* Files below `dir` (relative names), links to directories not followed. */
static void walk(mdpost_index *x, const char *root, const char *rel, filelist *out, int depth)
{
	if (depth > 64 || atomic_load(&x->cancel))
		return;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char child[PATH_MAX], full[PATH_MAX];
		snprintf(child, sizeof(child), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, child);
		struct stat st;
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISLNK(st.st_mode) && (stat(full, &st) != 0 || S_ISDIR(st.st_mode)))
			continue;
		if (S_ISDIR(st.st_mode))
			walk(x, root, child, out, depth + 1);
		else if (S_ISREG(st.st_mode))
			list_push(out, child, is_md(e->d_name));
	}
	closedir(d);
}

/* Bundle resources: published under the URL of the nearest leaf bundle
 * above them, or of the branch bundle of their own directory. */
static void add_resource(mdpost_index *x, const char *rel)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rel);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			return;
		*slash = '\0';
		char key[PATH_MAX];
		snprintf(key, sizeof(key), "%s/index.md", dir);
		lower_ascii(key);
		int found;
		md_page *p = md_strset_get(&x->by_path, key, strlen(key), &found);
		int own_dir = strlen(dir) + 1 + strlen(slash + 1) == strlen(rel);
		if (!found && own_dir) {
			snprintf(key, sizeof(key), "%s/_index.md", dir);
			lower_ascii(key);
			p = md_strset_get(&x->by_path, key, strlen(key), &found);
		}
		if (found && p) {
			md_buf u = {0};
			md_buf_printf(&u, "%s%s", p->url, rel + strlen(dir) + 1);
			if (u.data)  /* resources keep their names' case */
				md_strset_put(&x->files, u.data, u.len, NULL);
			md_buf_free(&u);
			return;
		}
	}
}

typedef struct prep_ctx {
	mdpost_index *x;
	const filelist *files;
	prepared *out;
	size_t next;
	pthread_mutex_t lock;
} prep_ctx;

static void *prep_worker(void *arg)
{
	prep_ctx *pc = arg;
	for (;;) {
		pthread_mutex_lock(&pc->lock);
		size_t i = pc->next++;
		pthread_mutex_unlock(&pc->lock);
		if (i >= pc->files->n || atomic_load(&pc->x->cancel))
			return NULL;
		const walk_file *f = &pc->files->v[i];
		if (!f->is_page)
			continue;
		char full[PATH_MAX], err[256];
		snprintf(full, sizeof(full), "%s/%s", pc->x->site->content_dir, f->rel);
		size_t len;
		char *text = md_read_file(full, &len, err, sizeof(err));
		if (!text)
			continue;  /* unreadable: not a page the site can publish either */
		prepare_page(pc->x, f->rel, text, len, &pc->out[i]);
		free(text);
	}
}

static int build(mdpost_index *x)
{
	const mdpost_site *s = x->site;
	filelist content = {0}, statics = {0};
	walk(x, s->content_dir, "", &content, 0);
	/* Pages are read and parsed on every core, then registered in order. */
	prepared *pre = calloc(content.n ? content.n : 1, sizeof(*pre));
	if (!pre) {
		x->rc = MDPOST_ENOMEM;
	} else {
		prep_ctx pc = {x, &content, pre, 0, PTHREAD_MUTEX_INITIALIZER};
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		int n = cores > 1 ? (int)(cores > 16 ? 16 : cores) : 1;
		pthread_t threads[16];
		int started = 0;
		for (int i = 0; i < n - 1; i++)
			started += pthread_create(&threads[started], NULL, prep_worker, &pc) == 0;
		prep_worker(&pc);
		for (int i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
		for (size_t i = 0; i < content.n; i++) {
			if (!x->rc && pre[i].page && !pre[i].failed && register_page(x, &pre[i]))
				x->rc = MDPOST_ENOMEM;
			else if (pre[i].failed)
				x->rc = MDPOST_ENOMEM;
			prepared_free(&pre[i]);
		}
		free(pre);
	}
	for (size_t i = 0; i < content.n; i++)
		if (!content.v[i].is_page)
			add_resource(x, content.v[i].rel);
	/* Sections: the top directories of content, and taxonomy lists. */
	md_strset_put(&x->dirs, "/", 1, NULL);
	for (size_t i = 0; i < x->n_pages; i++) {
		const char *p = x->pages[i]->path;
		const char *slash = strchr(p, '/');
		if (slash) {
			md_buf u = {0};
			md_buf_putc(&u, '/');
			md_buf_put(&u, p, (size_t)(slash - p) + 1);
			if (u.data) {
				lower_ascii(u.data);
				md_strset_put(&x->dirs, u.data, u.len, NULL);
			}
			md_buf_free(&u);
		}
	}
	for (int i = 0; i < s->n_taxonomies; i++) {
		char u[300];
		snprintf(u, sizeof(u), "/%s/", s->taxonomies[i]);
		md_strset_put(&x->dirs, u, strlen(u), NULL);
	}
	for (int d = 0; d < s->n_static_dirs; d++) {
		statics.n = 0;
		walk(x, s->static_dirs[d], "", &statics, 0);
		for (size_t i = 0; i < statics.n; i++) {
			char u[PATH_MAX + 2];
			snprintf(u, sizeof(u), "/%s", statics.v[i].rel);
			md_strset_put(&x->files, u, strlen(u), NULL);
			free(statics.v[i].rel);
		}
	}
	char hook[PATH_MAX];
	snprintf(hook, sizeof(hook), "%s/layouts/_default/_markup/render-link.html", s->site.root);
	struct stat st;
	x->render_hook = stat(hook, &st) == 0;
	for (size_t i = 0; i < content.n; i++)
		free(content.v[i].rel);
	free(content.v);
	free(statics.v);
	return x->rc;
}

static void *build_thread(void *arg)
{
	mdpost_index *x = arg;
	build(x);
	atomic_store(&x->done, 1);
	return NULL;
}

int mdpost_index_new(mdpost_index **out, mdpost_result *err, const mdpost_site *site,
                     int background)
{
	if (!out || !err || !site)
		return MDPOST_EINVAL;
	memset(err, 0, sizeof(*err));
	*out = NULL;
	if (!site->found)
		return md_result_error(err, MDPOST_EINVAL, "no site: nothing to index");
	mdpost_index *x = calloc(1, sizeof(*x));
	if (!x)
		return md_result_error(err, MDPOST_ENOMEM, "out of memory");
	x->site = site;
	pthread_mutex_init(&x->ids_lock, NULL);
	if (background && pthread_create(&x->thread, NULL, build_thread, x) == 0) {
		x->started = 1;
	} else {
		build(x);
		atomic_store(&x->done, 1);
	}
	*out = x;
	return MDPOST_OK;
}

int mdpost_index_ready(const mdpost_index *x)
{
	return x && atomic_load(&((mdpost_index *)x)->done);
}

int mdpost_index_wait(mdpost_index *x)
{
	if (!x)
		return MDPOST_EINVAL;
	if (x->started) {
		pthread_join(x->thread, NULL);
		x->started = 0;
	}
	return x->rc;
}

void mdpost_index_free(mdpost_index *x)
{
	if (!x)
		return;
	atomic_store(&x->cancel, 1);
	if (x->started)
		pthread_join(x->thread, NULL);
	for (size_t i = 0; i < x->n_pages; i++) {
		free(x->pages[i]->path);
		free(x->pages[i]->url);
		md_strset_free(&x->pages[i]->ids);
		free(x->pages[i]);
	}
	free(x->pages);
	md_strset_free(&x->by_url);
	md_strset_free(&x->by_path);
	md_strset_free(&x->by_base);
	md_strset_free(&x->files);
	md_strset_free(&x->dirs);
	md_strset_free(&x->nearest);
	grams_free(x->grams);
	pthread_mutex_destroy(&x->ids_lock);
	free(x);
}

/* Check threads share the index: ids are found outside the lock and
 * installed under it (a racing twin's work is dropped). */
static int have_ids(mdpost_index *x, const md_page *p)
{
	pthread_mutex_lock(&x->ids_lock);
	int ready = p->ids_ready;
	pthread_mutex_unlock(&x->ids_lock);
	return ready;
}

static void install_ids(mdpost_index *x, md_page *p, md_strset *ids)
{
	pthread_mutex_lock(&x->ids_lock);
	if (!p->ids_ready) {
		p->ids = *ids;
		p->ids_ready = 1;
	} else {
		md_strset_free(ids);
	}
	pthread_mutex_unlock(&x->ids_lock);
}

/* A page's heading ids, parsed the first time a #fragment needs them. */
const md_strset *md_index_ids(const mdpost_index *cx, const md_page *cp)
{
	mdpost_index *x = (mdpost_index *)cx;
	md_page *p = (md_page *)cp;
	if (have_ids(x, p))
		return &p->ids;
	md_strset ids = {0};
	char full[PATH_MAX], err[256];
	snprintf(full, sizeof(full), "%s/%s", x->site->content_dir, p->path);
	size_t len;
	char *text = md_read_file(full, &len, err, sizeof(err));
	if (text) {
		md_frontmatter fm;
		md_diags d = {0};
		md_frontmatter_parse(&fm, text, len, &d);
		md_diags_free(&d);
		md_heading_ids(&ids, text, len, fm.body_start, x->site->anchors);
		md_frontmatter_free(&fm);
		free(text);
	}
	install_ids(x, p, &ids);
	return &p->ids;
}

void md_index_offer_ids(const mdpost_index *cx, const char *path, const md_headings *h)
{
	mdpost_index *x = (mdpost_index *)cx;
	int found;
	if (!mdpost_index_ready(x))
		return;
	md_page *p = md_strset_get(&x->by_path, path, strlen(path), &found);
	if (!found || have_ids(x, p))
		return;
	md_strset ids = {0};
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].id && md_strset_put(&ids, h->v[i].id, strlen(h->v[i].id), NULL)) {
			md_strset_free(&ids);
			return;  /* out of memory: md_index_ids parses it when asked */
		}
	install_ids(x, p, &ids);
}

size_t mdpost_index_pages(const mdpost_index *x)
{
	return mdpost_index_ready(x) ? x->n_pages : 0;
}

/* ---- lookups (for links.c) -------------------------------------------------- */

const md_page *md_index_url(const mdpost_index *x, const char *url, size_t n)
{
	int found;
	md_page *p = md_strset_get(&x->by_url, url, n, &found);
	return found ? p : NULL;
}

int md_index_file(const mdpost_index *x, const char *url, size_t n)
{
	return md_strset_has(&x->files, url, n);
}

int md_index_dir(const mdpost_index *x, const char *url, size_t n)
{
	if (md_strset_has(&x->dirs, url, n))
		return 1;
	/* Taxonomy terms: /tags/anything/ under a known taxonomy. */
	for (int i = 0; i < x->site->n_taxonomies; i++) {
		size_t tl = strlen(x->site->taxonomies[i]);
		if (n > tl + 2 && url[0] == '/' && memcmp(url + 1, x->site->taxonomies[i], tl) == 0 &&
		    url[tl + 1] == '/')
			return 1;
	}
	return 0;
}

const md_page *md_index_path(const mdpost_index *x, const char *path, size_t n, int *ambiguous)
{
	int found;
	*ambiguous = 0;
	md_page *p = md_strset_get(&x->by_path, path, n, &found);
	if (found)
		return p;
	const char *slash = memchr(path, '/', n);
	if (slash)
		return NULL;
	/* A bare name, with or without its extension: unique across the site. */
	const char *dot = memchr(path, '.', n);
	if (dot && (n - (size_t)(dot - path) == 3 || n - (size_t)(dot - path) == 9) &&
	    (strncmp(dot, ".md", 3) == 0 || strncmp(dot, ".markdown", 9) == 0))
		n = (size_t)(dot - path);
	p = md_strset_get(&x->by_base, path, n, &found);
	if (found && p == AMBIGUOUS) {
		*ambiguous = 1;
		return NULL;
	}
	return found ? p : NULL;
}

int md_index_render_hook(const mdpost_index *x) { return x->render_hook; }

const md_page *md_index_page_at(const mdpost_index *x, size_t i)
{
	return mdpost_index_ready(x) && i < x->n_pages ? x->pages[i] : NULL;
}

/* The page whose URL is nearest to `url`, for "did you mean". */
/* Which characters a URL holds, one bit each (modulo 64, ASCII letters
 * folded as md_edit_distance folds them), and which pairs of adjacent
 * characters. One edit changes at most two bits of the first and six of
 * the second (a transposition), so URLs whose signatures differ by more
 * are more than d edits apart: cheap tests before the edit distance. */
static uint64_t url_signature(const char *s, size_t n, uint64_t *pairs)
{
	uint64_t sig = 0;
	uint32_t prev = 0;
	*pairs = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += md_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		sig |= (uint64_t)1 << (cp % 64);
		*pairs |= (uint64_t)1 << ((prev * 31 + cp) % 64);
		prev = cp;
	}
	return sig;
}

/*
 * Candidates for "did you mean", so a search looks at a few pages, not all
 * of them. Each URL's 3-grams (runs of three characters, folded as
 * md_edit_distance folds them) are hashed into buckets, and each bucket
 * lists the pages that hold one of its grams, in page order.
 *
 * One edit (insert, delete, substitute, or swap two neighbours) breaks at
 * most four of a URL's 3-grams, so a page within 3 edits of a URL is in at
 * least P - 12 of the buckets of any P of the URL's distinct grams.
 */
#define GRAM_Q 3
#define GRAM_PICK (3 * (GRAM_Q + 1) + 1)

struct grams {
	size_t mask;        /* buckets - 1 */
	uint32_t *start;    /* bucket b's pages: page[start[b] .. start[b + 1]) */
	uint32_t *page;
};

static void grams_free(struct grams *g)
{
	if (g) {
		free(g->start);
		free(g->page);
		free(g);
	}
}

/* The folded code points of a URL of at most 64 of them; -1 if longer. */
static int url_points(const char *s, size_t n, uint32_t cp[64])
{
	int k = 0;
	for (size_t i = 0; i < n; k++) {
		if (k == 64)
			return -1;
		i += md_utf8_decode((const unsigned char *)s + i, n - i, &cp[k]);
		if (cp[k] >= 'A' && cp[k] <= 'Z')
			cp[k] += 32;
	}
	return k;
}

static size_t gram_bucket(const uint32_t *cp, size_t mask)
{
	uint64_t h = ((uint64_t)cp[0] * 0x9E3779B97F4A7C15u) ^ ((uint64_t)cp[1] * 0xC2B2AE3D27D4EB4Fu) ^
	             ((uint64_t)cp[2] * 0x165667B19E3779F9u);
	return (size_t)((h ^ (h >> 29)) & mask);
}

/* The buckets of every page's URL grams. */
static struct grams *grams_build(const mdpost_index *x)
{
	struct grams *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	size_t buckets = 1024;
	while (buckets < x->n_pages * 8 && buckets < ((size_t)1 << 22))
		buckets *= 2;
	g->mask = buckets - 1;
	g->start = calloc(buckets + 1, sizeof(*g->start));
	uint32_t *last = malloc(buckets * sizeof(*last)); /* the last page counted in a bucket */
	if (!g->start || !last || x->n_pages >= UINT32_MAX) {
		free(last);
		grams_free(g);
		return NULL;
	}
	/* Two passes: count each bucket's pages, then place them. */
	for (int pass = 0; pass < 2; pass++) {
		memset(last, 0xff, buckets * sizeof(*last));
		for (size_t i = 0; i < x->n_pages; i++) {
			uint32_t cp[64];
			const md_page *pg = x->pages[i];
			int k = pg->url ? url_points(pg->url, pg->url_len, cp) : -1;
			for (int j = 0; j + GRAM_Q <= k; j++) {
				size_t b = gram_bucket(cp + j, g->mask);
				if (last[b] == (uint32_t)i)
					continue;
				last[b] = (uint32_t)i;
				if (pass == 0)
					g->start[b + 1]++;
				else
					g->page[g->start[b]++] = (uint32_t)i;
			}
		}
		if (pass == 0) {
			for (size_t b = 0; b < buckets; b++)
				g->start[b + 1] += g->start[b];
			g->page = malloc((g->start[buckets] ? g->start[buckets] : 1) * sizeof(*g->page));
			if (!g->page)
				break;
		}
	}
	free(last);
	if (!g->page) {
		grams_free(g);
		return NULL;
	}
	/* The placing pass moved each start to its bucket's end. */
	memmove(g->start + 1, g->start, buckets * sizeof(*g->start));
	g->start[0] = 0;
	return g;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static size_t bucket_len(const struct grams *g, size_t b) { return g->start[b + 1] - g->start[b]; }

/*
 * The pages that can be within 3 edits of the URL, sorted, in *out (to
 * free); -1 when the URL has too few grams to narrow the search. P is 13
 * and up, the shortest buckets first, while they stay short.
 */
static long gram_candidates(const struct grams *g, size_t n_pages, const uint32_t *cp, int k,
                            uint32_t **out)
{
	size_t seen[64], n_seen = 0;
	for (int j = 0; j + GRAM_Q <= k; j++) {
		size_t b = gram_bucket(cp + j, g->mask), i;
		for (i = 0; i < n_seen && seen[i] != b; i++)
			;
		if (i == n_seen)
			seen[n_seen++] = b;
	}
	if (n_seen < GRAM_PICK)
		return -1;
	/* Shortest first (insertion sort: at most 62). */
	for (size_t i = 1; i < n_seen; i++) {
		size_t b = seen[i], at = i;
		for (; at > 0 && bucket_len(g, seen[at - 1]) > bucket_len(g, b); at--)
			seen[at] = seen[at - 1];
		seen[at] = b;
	}
	size_t pick = GRAM_PICK;
	while (pick < n_seen && bucket_len(g, seen[pick]) <= n_pages / 16)
		pick++;
	unsigned need = (unsigned)(pick - (GRAM_PICK - 1));
	uint8_t *count = calloc(n_pages ? n_pages : 1, 1);
	size_t cap = 64, n = 0;
	uint32_t *c = malloc(cap * sizeof(*c));
	if (!count || !c) {
		free(count);
		free(c);
		return -1;
	}
	for (size_t i = 0; i < pick; i++)
		for (uint32_t j = g->start[seen[i]]; j < g->start[seen[i] + 1]; j++) {
			uint32_t p = g->page[j];
			if (++count[p] != need)
				continue;
			if (n == cap) {
				uint32_t *grown = realloc(c, (cap *= 2) * sizeof(*c));
				if (!grown) {
					free(count);
					free(c);
					return -1;
				}
				c = grown;
			}
			c[n++] = p;
		}
	free(count);
	qsort(c, n, sizeof(*c), cmp_u32);
	*out = c;
	return (long)n;
}

/* A page no URL is nearest to (md_strset values cannot be NULL-and-found). */
static const md_page no_page;

const md_page *md_index_nearest(const mdpost_index *cx, const char *url, size_t n)
{
	/* Remembered: the editor asks again on every pause while a link is
	 * broken. */
	mdpost_index *x = (mdpost_index *)cx;
	int found;
	pthread_mutex_lock(&x->ids_lock);
	const md_page *best = md_strset_get(&x->nearest, url, n, &found);
	if (!found && !x->grams)
		x->grams = grams_build(x);  /* NULL when out of memory: then every page is a candidate */
	const struct grams *g = x->grams;
	pthread_mutex_unlock(&x->ids_lock);
	if (found)
		return best == &no_page ? NULL : best;
	uint32_t cp[64];
	int chars = url_points(url, n, cp);
	uint32_t *cand = NULL;
	long n_cand = chars >= 0 && g ? gram_candidates(g, x->n_pages, cp, chars, &cand) : -1;
	size_t best_d = 4;
	/* Edit distance is at least the difference in length, and the
	 * signatures differ by at most a few bits an edit. */
	uint64_t sig2, sig = url_signature(url, n, &sig2);
	size_t count = chars < 0 ? 0 : n_cand >= 0 ? (size_t)n_cand : x->n_pages;
	for (size_t k = 0; k < count; k++) {
		const md_page *pg = x->pages[n_cand >= 0 ? cand[k] : k];
		size_t diff = pg->url_chars > (size_t)chars ? pg->url_chars - (size_t)chars
		                                            : (size_t)chars - pg->url_chars;
		if (!pg->url || diff >= best_d ||
		    (size_t)__builtin_popcountll(pg->url_sig ^ sig) > 2 * (best_d - 1) ||
		    (size_t)__builtin_popcountll(pg->url_sig2 ^ sig2) > 6 * (best_d - 1))
			continue;
		size_t d = md_edit_distance(pg->url, pg->url_len, url, n);
		if (d < best_d)
			best_d = d, best = pg;
	}
	free(cand);
	pthread_mutex_lock(&x->ids_lock);
	if (x->nearest.n < 100000)  /* bounded: a site of typos stays small */
		md_strset_put(&x->nearest, url, n, (void *)(best ? best : &no_page));
	pthread_mutex_unlock(&x->ids_lock);
	return best;
}
