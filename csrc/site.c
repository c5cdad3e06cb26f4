/* The site around a post: its root, found by the generator's config file. */
#include <limits.h>
#include <stddef.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dates.h"
#include "internal.h"

/* The first of these that exists in a directory marks the site's root. */
static const struct {
	const char *file;
	const char *generator;
} markers[] = {
	{"hugo.toml", "hugo"}, {"hugo.yaml", "hugo"}, {"hugo.json", "hugo"},
	{"config.toml", "hugo"}, {"config.yaml", "hugo"}, {"config.json", "hugo"},
	{"_config.yml", "jekyll"},
	{".mdpost.yaml", "mdpost"},  /* last: a generator's file beside it tells more */
	{NULL, NULL}
};

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int md_site_find(md_site *site, const char *path)
{
	char dir[PATH_MAX];
	if (!realpath(path, dir)) {
		/* A post not written yet: its directory may exist. */
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%s", path);
		char *slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			snprintf(parent, sizeof(parent), ".");
		if (!realpath(parent, dir))
			return 0;
	}
	struct stat st;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
	}
	for (;;) {
		for (int i = 0; markers[i].file; i++) {
			char cand[PATH_MAX];
			int n = snprintf(cand, sizeof(cand), "%s%s%s", dir,
			                 strcmp(dir, "/") ? "/" : "", markers[i].file);
			if (n < 0 || (size_t)n >= sizeof(cand) || !is_file(cand))
				continue;
			snprintf(site->root, sizeof(site->root), "%s", dir);
			snprintf(site->config, sizeof(site->config), "%s", cand);
			site->generator = markers[i].generator;
			/* zola also uses config.toml; its [markdown] table tells. */
			if (strcmp(markers[i].file, "config.toml") == 0) {
				size_t len;
				char err[256];
				char *text = md_read_file(cand, &len, err, sizeof(err));
				if (text && strstr(text, "[markdown]") && !strstr(text, "[markup]"))
					site->generator = "zola";
				free(text);
			}
			return 1;
		}
		if (strcmp(dir, "/") == 0)
			return 0;
		char *slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		*(slash == dir ? slash + 1 : slash) = '\0';
	}
}

/* ---- the site handle ------------------------------------------------------ */

/* A config file parsed into values; the text stays alive with it. */
typedef struct md_config {
	char *text;
	size_t len;
	md_frontmatter doc;
} md_config;

static void config_free(md_config *c)
{
	md_frontmatter_free(&c->doc);
	free(c->text);
	memset(c, 0, sizeof(*c));
}

static void add_problem(mdpost_site *s, const char *file, const char *text,
                        size_t len, const md_diag *d)
{
	md_buf *b = &s->problems;
	size_t line = 1, col = 1;
	if (text) {
		md_lines l;
		if (md_lines_init(&l, text, len) == 0) {
			md_lines_pos(&l, d->start, &line, &col);
			line++, col++;
			md_lines_free(&l);
		}
	}
	md_buf_printf(b, "%s%s:%zu:%zu: %s", b->len ? "\n" : "", file, line, col, d->message);
}

/* Reads and parses a YAML, TOML or JSON file (by extension). 0 when read. */
static int config_load(mdpost_site *s, md_config *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	char err[512];
	c->text = md_read_file(path, &c->len, err, sizeof(err));
	if (!c->text) {
		md_buf_printf(&s->problems, "%s%s", s->problems.len ? "\n" : "", err);
		return -1;
	}
	const char *dot = strrchr(path, '.');
	c->doc.format = dot && strcmp(dot, ".toml") == 0 ? MD_FM_TOML
	              : dot && strcmp(dot, ".json") == 0 ? MD_FM_JSON : MD_FM_YAML;
	c->doc.inner_start = 0;
	c->doc.inner_end = c->len;
	md_diags d = {0};
	int rc = c->doc.format == MD_FM_TOML ? md_toml_parse(&c->doc, c->text, &d)
	       : c->doc.format == MD_FM_JSON ? md_json_parse(&c->doc, c->text, &d)
	       : md_yaml_parse(&c->doc, c->text, &d);
	for (size_t i = 0; i < d.n; i++)
		add_problem(s, path, c->text, c->len, &d.v[i]);
	md_diags_free(&d);
	return rc ? -1 : 0;
}

static const md_value *path_get(const md_value *v, const char *dotted)
{
	const char *p = dotted;
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		const md_entry *e = md_value_find(v, p, n);
		v = e ? e->value : NULL;
		p += n + (dot ? 1 : 0);
	}
	return v;
}

static void copy_string(char *dst, size_t cap, const md_value *v)
{
	if (v && v->kind == MD_V_STRING && v->str_len < cap) {
		memcpy(dst, v->str, v->str_len);
		dst[v->str_len] = '\0';
	}
}

static int mentions_mainroad(const md_value *theme)
{
	if (!theme)
		return 0;
	if (theme->kind == MD_V_STRING)
		return strcasestr(theme->str, "mainroad") != NULL;
	for (size_t i = 0; theme->kind == MD_V_ARRAY && i < theme->n_items; i++)
		if (mentions_mainroad(theme->items[i]))
			return 1;
	return 0;
}

static int valid_preset(const char *name)
{
	size_t len;
	return md_preset_schema(name, &len) != NULL;
}

/* What the generator's own config decides. */
static void read_generator_config(mdpost_site *s)
{
	md_config c;
	if (config_load(s, &c, s->site.config) || !c.doc.root) {
		config_free(&c);
		return;
	}
	const md_value *root = c.doc.root;
	if (strcmp(s->site.generator, "hugo") == 0) {
		copy_string(s->timezone, sizeof(s->timezone), path_get(root, "timeZone"));
		if (!s->timezone[0]) {
			/* Per language: the default content language's (default en). */
			char lang[64] = "en", key[128];
			copy_string(lang, sizeof(lang), path_get(root, "defaultContentLanguage"));
			snprintf(key, sizeof(key), "languages.%s.timeZone", lang);
			copy_string(s->timezone, sizeof(s->timezone), path_get(root, key));
		}
		if (s->timezone[0] && !md_zone_valid(s->timezone)) {
			md_diag d = {0};
			d.message = "timeZone is not a time zone this machine knows (Hugo fails to build)";
			const md_value *tz = path_get(root, "timeZone");
			d.start = tz ? tz->start : 0;
			add_problem(s, s->site.config, c.text, c.len, &d);
			s->timezone[0] = '\0';
		}
		char idtype[32] = "";
		copy_string(idtype, sizeof(idtype), path_get(root, "markup.goldmark.parser.autoHeadingIDType"));
		md_anchor_style style;
		if (idtype[0] && md_anchor_style_parse(idtype, &style) == 0)
			s->anchors = style;
		const md_value *unsafe = path_get(root, "markup.goldmark.renderer.unsafe");
		s->unsafe_html = unsafe && unsafe->kind == MD_V_BOOL && unsafe->boolean;
		char dir[256] = "";
		copy_string(dir, sizeof(dir), path_get(root, "contentDir"));
		if (dir[0])
			snprintf(s->content_dir, sizeof(s->content_dir), "%s/%s", s->site.root, dir);
		/* Mainroad by name, or by its site params (sidebar + widgets),
		 * which sites that vendor the theme under another name keep. */
		const md_value *params = path_get(root, "params");
		int mainroad = mentions_mainroad(path_get(root, "theme")) ||
		               (md_value_find(params, "widgets", 7) && md_value_find(params, "sidebar", 7));
		snprintf(s->preset, sizeof(s->preset), "%s", mainroad ? "hugo-mainroad" : "hugo");
		/* staticDir: a string or a list (default static). */
		const md_value *sd = path_get(root, "staticDir");
		s->n_static_dirs = 0;
		for (size_t i = 0; sd && i < (sd->kind == MD_V_ARRAY ? sd->n_items : 1) &&
		                   s->n_static_dirs < MD_MAX_DIRS; i++) {
			const md_value *one = sd->kind == MD_V_ARRAY ? sd->items[i] : sd;
			if (one->kind != MD_V_STRING)
				continue;
			char sdir[sizeof(s->static_dirs[0])];
			snprintf(sdir, sizeof(sdir), "%s/%s", s->site.root, one->str);
			memcpy(s->static_dirs[s->n_static_dirs++], sdir, sizeof(sdir));
		}
		if (!s->n_static_dirs)
			snprintf(s->static_dirs[s->n_static_dirs++], sizeof(s->static_dirs[0]), "%s/static",
			         s->site.root);
		/* [taxonomies] tag = "tags": the plural names are the URLs. */
		const md_value *tax = path_get(root, "taxonomies");
		if (tax && tax->kind == MD_V_MAP) {
			s->n_taxonomies = 0;
			for (size_t i = 0; i < tax->n_entries && s->n_taxonomies < 16; i++)
				copy_string(s->taxonomies[s->n_taxonomies++], sizeof(s->taxonomies[0]),
				            tax->entries[i].value);
		}
		const md_value *perm = path_get(root, "permalinks");
		for (size_t i = 0; perm && perm->kind == MD_V_MAP && i < perm->n_entries &&
		                   s->n_permalinks < 16; i++) {
			const md_entry *e = &perm->entries[i];
			if (e->value->kind != MD_V_STRING || e->key_len >= sizeof(s->permalinks[0].section))
				continue;
			memcpy(s->permalinks[s->n_permalinks].section, e->key, e->key_len);
			s->permalinks[s->n_permalinks].section[e->key_len] = '\0';
			copy_string(s->permalinks[s->n_permalinks++].pattern, sizeof(s->permalinks[0].pattern),
			            e->value);
		}
	} else if (strcmp(s->site.generator, "jekyll") == 0) {
		snprintf(s->preset, sizeof(s->preset), "jekyll");
	} else if (strcmp(s->site.generator, "zola") == 0) {
		snprintf(s->preset, sizeof(s->preset), "zola");
	}
	config_free(&c);
}

static int severity_by_name(const char *s, size_t n)
{
	static const char *const names[] = {"off", "error", "warning", "info", "hint"};
	for (int i = 0; i < 5; i++)
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	return -1;
}

/* A whole number in [lo, hi] for an `external:` key, or a problem. */
static int ext_int(mdpost_site *s, const md_config *c, const char *path, const char *key,
                   const md_value *v, long lo, long hi, long *out)
{
	if (v->kind == MD_V_INT && v->integer >= lo && v->integer <= hi) {
		*out = (long)v->integer;
		return 0;
	}
	char msg[160];
	md_diag d = {0};
	d.start = v->start;
	snprintf(msg, sizeof(msg), "external.%s must be a whole number from %ld to %ld", key, lo, hi);
	d.message = msg;
	add_problem(s, path, c->text, c->len, &d);
	return -1;
}

/* .mdpost.yaml `external:`: how external URLs are checked. */
static void read_external(mdpost_site *s, const md_config *c, const char *path,
                          const md_value *ext)
{
	md_http_config *x = &s->external;
	md_diag d = {0};
	if (ext->kind != MD_V_MAP) {
		d.start = ext->start;
		d.message = "external must be a map (timeout_ms, concurrency, per_host, cache_ttl_s, "
		            "exclude, accept, headers, ...)";
		add_problem(s, path, c->text, c->len, &d);
		return;
	}
	static const struct {
		const char *key;
		long lo, hi;
		size_t off;
		int is_int;
	} nums[] = {
		{"timeout_ms", 1, 600000, offsetof(md_http_config, timeout_ms), 0},
		{"connect_timeout_ms", 1, 600000, offsetof(md_http_config, connect_timeout_ms), 0},
		{"concurrency", 1, 256, offsetof(md_http_config, concurrency), 1},
		{"per_host", 1, 64, offsetof(md_http_config, per_host), 1},
		{"retries", 0, 10, offsetof(md_http_config, retries), 1},
		{"retry_delay_ms", 0, 60000, offsetof(md_http_config, retry_delay_ms), 0},
		{"cache_ttl_s", 0, 315360000, offsetof(md_http_config, cache_ttl_s), 0},
		{"cache_dead_ttl_s", 0, 315360000, offsetof(md_http_config, cache_dead_ttl_s), 0},
	};
	for (size_t i = 0; i < ext->n_entries; i++) {
		const md_entry *e = &ext->entries[i];
		const md_value *v = e->value;
		size_t k = 0;
		for (; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (strlen(nums[k].key) == e->key_len && memcmp(nums[k].key, e->key, e->key_len) == 0)
				break;
		if (k < sizeof(nums) / sizeof(nums[0])) {
			long n;
			if (ext_int(s, c, path, nums[k].key, v, nums[k].lo, nums[k].hi, &n) == 0) {
				if (nums[k].is_int)
					*(int *)((char *)x + nums[k].off) = (int)n;
				else
					*(long *)((char *)x + nums[k].off) = n;
			}
			continue;
		}
		if (e->key_len == 5 && memcmp(e->key, "cache", 5) == 0 && v->kind == MD_V_STRING &&
		    v->str_len < sizeof(x->cache)) {
			copy_string(x->cache, sizeof(x->cache), v);
		} else if (e->key_len == 7 && memcmp(e->key, "exclude", 7) == 0 && v->kind == MD_V_ARRAY) {
			for (size_t j = 0; j < v->n_items; j++) {
				const md_value *p = v->items[j];
				regex_t re;
				int bad = p->kind != MD_V_STRING || p->str_len >= sizeof(x->exclude[0]) ||
				          x->n_exclude >= MD_HTTP_MAX_EXCLUDE;
				if (!bad && (bad = md_regcomp(&re, p->str) != 0) == 0)
					regfree(&re);
				if (bad) {
					d.start = p->start;
					d.message = "an exclude pattern is a regular expression (POSIX extended), "
					            "e.g. \"^https://localhost\"";
					add_problem(s, path, c->text, c->len, &d);
					continue;
				}
				copy_string(x->exclude[x->n_exclude++], sizeof(x->exclude[0]), p);
			}
		} else if (e->key_len == 6 && memcmp(e->key, "accept", 6) == 0 && v->kind == MD_V_ARRAY) {
			x->n_accept = 0;
			for (size_t j = 0; j < v->n_items && x->n_accept < MD_HTTP_MAX_ACCEPT; j++) {
				long n;
				if (ext_int(s, c, path, "accept", v->items[j], 100, 599, &n) == 0)
					x->accept[x->n_accept++] = (int)n;
			}
		} else if (e->key_len == 7 && memcmp(e->key, "headers", 7) == 0 && v->kind == MD_V_MAP) {
			for (size_t j = 0; j < v->n_entries; j++) {
				const md_entry *he = &v->entries[j];
				if (he->value->kind != MD_V_MAP || he->key_len >= sizeof(x->headers[0].host)) {
					d.start = he->value->start;
					d.message = "headers maps a host to its headers, e.g. "
					            "\"example.com\": { Referer: \"https://example.com/\" }";
					add_problem(s, path, c->text, c->len, &d);
					continue;
				}
				for (size_t k2 = 0; k2 < he->value->n_entries; k2++) {
					const md_entry *h = &he->value->entries[k2];
					if (h->value->kind != MD_V_STRING || h->key_len >= sizeof(x->headers[0].name) ||
					    h->value->str_len >= sizeof(x->headers[0].value) ||
					    x->n_headers >= MD_HTTP_MAX_HEADERS ||
					    memchr(h->value->str, '\n', h->value->str_len) ||
					    memchr(h->value->str, '\r', h->value->str_len)) {
						d.start = h->value->start;
						d.message = "a header's value is one line of text";
						add_problem(s, path, c->text, c->len, &d);
						continue;
					}
					memcpy(x->headers[x->n_headers].host, he->key, he->key_len);
					x->headers[x->n_headers].host[he->key_len] = '\0';
					memcpy(x->headers[x->n_headers].name, h->key, h->key_len);
					x->headers[x->n_headers].name[h->key_len] = '\0';
					copy_string(x->headers[x->n_headers++].value, sizeof(x->headers[0].value),
					            h->value);
				}
			}
		} else {
			d.start = e->key_start;
			d.message = "unknown or malformed external setting (timeout_ms, connect_timeout_ms, "
			            "concurrency, per_host, retries, retry_delay_ms, cache_ttl_s, "
			            "cache_dead_ttl_s, cache, exclude, accept, headers)";
			add_problem(s, path, c->text, c->len, &d);
		}
	}
}

/* .mdpost.yaml: preset, schema, anchors, rules, ignore. */
static void read_mdpost_config(mdpost_site *s, const char *path, char *schema_path,
                               size_t schema_cap)
{
	md_config c;
	if (config_load(s, &c, path) || !c.doc.root) {
		config_free(&c);
		return;
	}
	const md_value *root = c.doc.root;
	md_diag d = {0};
	const md_value *v;
	if ((v = path_get(root, "preset")) && v->kind == MD_V_STRING) {
		if (valid_preset(v->str)) {
			copy_string(s->preset, sizeof(s->preset), v);
		} else {
			d.start = v->start;
			d.message = "preset must be hugo, hugo-mainroad, jekyll, zola or none";
			add_problem(s, path, c.text, c.len, &d);
		}
	}
	if ((v = path_get(root, "schema")) && v->kind == MD_V_STRING)
		snprintf(schema_path, schema_cap, "%s%s%s", v->str[0] == '/' ? "" : s->site.root,
		         v->str[0] == '/' ? "" : "/", v->str);
	if ((v = path_get(root, "anchors")) && v->kind == MD_V_STRING) {
		md_anchor_style style;
		if (md_anchor_style_parse(v->str, &style) == 0) {
			s->anchors = style;
		} else {
			d.start = v->start;
			d.message = "anchors must be github, github-ascii or blackfriday";
			add_problem(s, path, c.text, c.len, &d);
		}
	}
	if ((v = path_get(root, "rules")) && v->kind == MD_V_MAP) {
		for (size_t i = 0; i < v->n_entries && s->n_rules < MD_MAX_RULES; i++) {
			const md_entry *e = &v->entries[i];
			const md_value *sv = e->value;
			int sev = -1;
			if (sv->kind == MD_V_STRING)
				sev = severity_by_name(sv->str, sv->str_len);
			else if (sv->kind == MD_V_BOOL && !sv->boolean)
				sev = 0;  /* `off` unquoted is YAML 1.1 false */
			if (sev < 0 || e->key_len >= sizeof(s->rules[0].code)) {
				d.start = sv->start;
				d.message = "a rule's severity is error, warning, info, hint or off";
				add_problem(s, path, c.text, c.len, &d);
				continue;
			}
			memcpy(s->rules[s->n_rules].code, e->key, e->key_len);
			s->rules[s->n_rules].code[e->key_len] = '\0';
			s->rules[s->n_rules++].severity = sev;
		}
	}
	if ((v = path_get(root, "ignore")) && v->kind == MD_V_ARRAY) {
		for (size_t i = 0; i < v->n_items && s->n_ignore < MD_MAX_IGNORE; i++)
			if (v->items[i]->kind == MD_V_STRING && v->items[i]->str_len < 256)
				copy_string(s->ignore[s->n_ignore++], 256, v->items[i]);
	}
	if ((v = path_get(root, "external")))
		read_external(s, &c, path, v);
	config_free(&c);
}

static int load_schema(mdpost_site *s, const char *schema_path)
{
	md_diags d = {0};
	int rc;
	if (schema_path[0]) {
		md_config c = {0};
		char err[512];
		c.text = md_read_file(schema_path, &c.len, err, sizeof(err));
		if (!c.text) {
			md_buf_printf(&s->problems, "%s%s", s->problems.len ? "\n" : "", err);
			goto preset;
		}
		rc = md_schema_load(&s->schema, c.text, c.len, &d);
		for (size_t i = 0; i < d.n; i++)
			add_problem(s, schema_path, c.text, c.len, &d.v[i]);
		free(c.text);
		md_diags_free(&d);
		if (rc)
			return rc;
		if (s->schema.doc.root) {
			snprintf(s->schema_name, sizeof(s->schema_name), "%s", schema_path);
			return MDPOST_OK;
		}
		md_schema_free(&s->schema);
	}
preset:;
	size_t len;
	const char *text = md_preset_schema(s->preset, &len);
	if (!text)
		return MDPOST_EINTERNAL;
	rc = md_schema_load(&s->schema, text, len, &d);
	md_diags_free(&d);
	snprintf(s->schema_name, sizeof(s->schema_name), "preset %s", s->preset);
	return rc;
}

int mdpost_site_open(mdpost_site **out_site, mdpost_result *out, const char *path,
                     size_t path_len)
{
	if (!out_site || !out)
		return MDPOST_EINVAL;
	memset(out, 0, sizeof(*out));
	*out_site = NULL;
	char buf[4096];
	if (path_len >= sizeof(buf))
		return md_result_error(out, MDPOST_EINVAL, "path too long");
	mdpost_site *s = calloc(1, sizeof(*s));
	if (!s)
		return md_result_error(out, MDPOST_ENOMEM, "out of memory");
	snprintf(s->preset, sizeof(s->preset), "none");
	s->anchors = MD_ANCHOR_GITHUB;
	md_http_config_default(&s->external);
	memcpy(buf, path ? path : "", path_len);
	buf[path_len] = '\0';
	char schema_path[4096] = "";
	snprintf(s->taxonomies[0], sizeof(s->taxonomies[0]), "tags");
	snprintf(s->taxonomies[1], sizeof(s->taxonomies[1]), "categories");
	s->n_taxonomies = 2;
	if (path_len && md_site_find(&s->site, buf)) {
		s->found = 1;
		snprintf(s->content_dir, sizeof(s->content_dir), "%s/content", s->site.root);
		snprintf(s->static_dirs[0], sizeof(s->static_dirs[0]), "%s/static", s->site.root);
		s->n_static_dirs = 1;
		if (strcmp(s->site.generator, "mdpost") != 0)
			read_generator_config(s);
		char mdp[4200];
		snprintf(mdp, sizeof(mdp), "%s/.mdpost.yaml", s->site.root);
		if (is_file(mdp))
			read_mdpost_config(s, mdp, schema_path, sizeof(schema_path));
	}
	int rc = load_schema(s, schema_path);
	if (rc || s->problems.oom) {
		mdpost_site_free(s);
		return md_result_error(out, rc ? rc : MDPOST_ENOMEM, "cannot load the site's settings");
	}
	*out_site = s;
	return MDPOST_OK;
}

void mdpost_site_free(mdpost_site *s)
{
	if (!s)
		return;
	md_schema_free(&s->schema);
	md_buf_free(&s->problems);
	free(s);
}

int md_site_rule_severity(const mdpost_site *s, const char *code, int severity)
{
	for (int i = 0; s && i < s->n_rules; i++)
		if (strcmp(s->rules[i].code, code) == 0)
			return s->rules[i].severity;
	return severity;
}
