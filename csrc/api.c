/* The public entry points of mdpost.h: decode options, run, pack results. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <curl/curl.h>
#include <msgpack.h>
#include <tree_sitter/api.h>
#include <yaml.h>

#include "dates.h"
#include "internal.h"

#define MDPOST_VERSION_STRING "0.1.0"



int mdpost_abi_version(void) { return MDPOST_ABI_VERSION; }

const char *mdpost_version(void) { return MDPOST_VERSION_STRING; }

static void copy_str(char *dst, size_t cap, const msgpack_object *o)
{
	size_t n = o->via.str.size < cap - 1 ? o->via.str.size : cap - 1;
	memcpy(dst, o->via.str.ptr, n);
	dst[n] = '\0';
}

static int key_is(const msgpack_object *k, const char *name)
{
	return k->type == MSGPACK_OBJECT_STR && k->via.str.size == strlen(name) &&
	       memcmp(k->via.str.ptr, name, k->via.str.size) == 0;
}

int md_options_parse(md_options *o, const char *opts, size_t len,
                     mdpost_result *out)
{
	memset(o, 0, sizeof(*o));
	if (!opts || len == 0)
		return MDPOST_OK;
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	int rc = MDPOST_OK;
	if (msgpack_unpack_next(&u, opts, len, &off) != MSGPACK_UNPACK_SUCCESS ||
	    (u.data.type != MSGPACK_OBJECT_MAP && u.data.type != MSGPACK_OBJECT_NIL)) {
		rc = md_result_error(out, MDPOST_EINVAL, "options must be a msgpack map");
		goto done;
	}
	if (u.data.type == MSGPACK_OBJECT_NIL)
		goto done;
	for (uint32_t i = 0; i < u.data.via.map.size; i++) {
		const msgpack_object *k = &u.data.via.map.ptr[i].key;
		const msgpack_object *v = &u.data.via.map.ptr[i].val;
		int is_str = v->type == MSGPACK_OBJECT_STR;
		int is_bool = v->type == MSGPACK_OBJECT_BOOLEAN;
		if (key_is(k, "path") && is_str)
			copy_str(o->path, sizeof(o->path), v);
		else if (key_is(k, "preset") && is_str)
			copy_str(o->preset, sizeof(o->preset), v);
		else if (key_is(k, "anchors") && is_str)
			copy_str(o->anchors, sizeof(o->anchors), v);
		else if (key_is(k, "unsafe") && is_bool)
			o->unsafe_html = v->via.boolean, o->unsafe_set = 1;
		else if (key_is(k, "standalone") && is_bool)
			o->standalone = v->via.boolean;
		else if (key_is(k, "sourcepos") && is_bool)
			o->sourcepos = v->via.boolean;
		else if (key_is(k, "asset_base") && is_str)
			copy_str(o->asset_base, sizeof(o->asset_base), v);
		else if (key_is(k, "css") && is_str &&
		         v->via.str.ptr >= opts && v->via.str.ptr + v->via.str.size <= opts + len)
			/* msgpack-c refers to strings in place: valid for the call. */
			o->css = v->via.str.ptr, o->css_len = v->via.str.size;
		else if (v->type != MSGPACK_OBJECT_NIL) {
			rc = md_result_error(out, MDPOST_EINVAL,
			                     "unknown option `%.*s` or wrong type for it",
			                     k->type == MSGPACK_OBJECT_STR ? (int)k->via.str.size : 1,
			                     k->type == MSGPACK_OBJECT_STR ? k->via.str.ptr : "?");
			goto done;
		}
	}
	if (o->anchors[0]) {
		md_anchor_style s;
		if (md_anchor_style_parse(o->anchors, &s))
			rc = md_result_error(out, MDPOST_EINVAL,
			                     "anchors must be github, github-ascii or "
			                     "blackfriday, not `%s`", o->anchors);
	}
done:
	msgpack_unpacked_destroy(&u);
	return rc;
}

static int check_input(mdpost_result *out, const char *src, size_t len)
{
	if (!out)
		return MDPOST_EINVAL;
	out->data = NULL;
	out->error = NULL;
	out->len = 0;
	if (!src && len)
		return md_result_error(out, MDPOST_EINVAL, "no input");
	if (len > MD_MAX_INPUT)
		return md_result_error(out, MDPOST_ETOOBIG,
		                       "the post is larger than %zu MiB; mdpost "
		                       "does not check it", MD_MAX_INPUT >> 20);
	return MDPOST_OK;
}

/* Every entry point that takes a post starts here: input limits, options. */
static int begin(mdpost_result *out, const char *src, size_t len, const char *opts,
                 size_t opts_len, md_options *o)
{
	int rc = check_input(out, src, len);
	return rc ? rc : md_options_parse(o, opts, opts_len, out);
}

static int failed(mdpost_result *out, int rc)
{
	switch (rc) {
	case MDPOST_ENOMEM: return md_result_error(out, rc, "out of memory");
	case MDPOST_ETOOBIG: return md_result_error(out, rc, "input too large");
	case MDPOST_EINVAL: return md_result_error(out, rc, "invalid argument");
	default: return md_result_error(out, rc, "internal error (%d)", rc);
	}
}

/* Shared by check and frontmatter: the {format, range} part. */
static void pack_fm_header(msgpack_packer *pk, const md_frontmatter *fm,
                           const md_lines *lines)
{
	md_pack_cstr(pk, "format");
	md_pack_cstr(pk, md_fm_format_name(fm->format));
	md_pack_cstr(pk, "range");
	if (fm->format == MD_FM_NONE)
		msgpack_pack_nil(pk);
	else
		md_pack_range(pk, lines, fm->start, fm->end);
}

/* A post parsed, validated and with the site's severities applied. */
typedef struct post {
	md_frontmatter fm;
	md_diags diags;
	md_lines lines;
	const md_schema *schema;
	md_schema preset;      /* loaded when opts name another preset */
	int hugo;              /* Hugo's rules apply (keys lower-cased, dates) */
	const char *zone;
	char *page_path;       /* in the content dir, when the post is there */
	char *page_url;
	md_doc doc;            /* the body: headings and links */
	int have_doc;
} post;

static int all_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return 0;
	return 1;
}

/* Entry i of a map is shadowed when Hugo, lower-casing keys, keeps another
 * spelling: a spelling with capitals beats the lower-case one; among
 * several with capitals Hugo's pick is random, so the last is kept here. */
static int shadowed(const md_value *map, size_t i)
{
	const md_entry *e = &map->entries[i];
	for (size_t j = 0; j < map->n_entries; j++) {
		const md_entry *o = &map->entries[j];
		if (j == i || o->key_len != e->key_len || strncasecmp(o->key, e->key, e->key_len) != 0)
			continue;
		int el = all_lower(e->key, e->key_len), ol = all_lower(o->key, o->key_len);
		if (el && !ol)
			return 1;
		if (el == ol && j > i)
			return 1;
	}
	return 0;
}

/* Keys differing only in case are one key to Hugo. */
static void check_case_collisions(post *p, const md_value *map, int depth)
{
	if (!map || depth > MD_MAX_DEPTH)
		return;
	if (map->kind == MD_V_ARRAY) {
		for (size_t i = 0; i < map->n_items; i++)
			check_case_collisions(p, map->items[i], depth + 1);
		return;
	}
	if (map->kind != MD_V_MAP)
		return;
	for (size_t i = 0; i < map->n_entries; i++) {
		const md_entry *e = &map->entries[i];
		check_case_collisions(p, e->value, depth + 1);
		for (size_t j = 0; j < i; j++) {
			const md_entry *o = &map->entries[j];
			if (o->key_len != e->key_len || strncasecmp(o->key, e->key, e->key_len) != 0)
				continue;
			const md_entry *kept = shadowed(map, i) ? o : e;
			/* Two or more spellings with capitals: Hugo's pick is random. */
			int capitalised = 0;
			for (size_t k = 0; k < map->n_entries; k++) {
				const md_entry *x = &map->entries[k];
				capitalised += x->key_len == e->key_len &&
				               strncasecmp(x->key, e->key, e->key_len) == 0 &&
				               !all_lower(x->key, x->key_len);
			}
			int random = capitalised >= 2;
			md_diags_add(&p->diags, e->key_start, e->key_end, MD_SEV_ERROR,
			             "fm-duplicate-key",
			             "`%.*s` and `%.*s` are one key to Hugo, which lower-cases "
			             "keys; %s%.*s%s", (int)e->key_len, e->key, (int)o->key_len, o->key,
			             random ? "which value it keeps changes from build to build"
			                    : "it keeps the value of `",
			             random ? 0 : (int)kept->key_len, random ? "" : kept->key,
			             random ? "" : "`");
			break;
		}
	}
}

/* Where the post sits in the site: its content path and URL, when its
 * file is inside the content dir. */
static void place_post(post *p, const mdpost_site *site, const md_options *o)
{
	if (!site || !site->found || !o->path[0])
		return;
	char abs[PATH_MAX];
	if (!realpath(o->path, abs)) {
		/* A new, unsaved file: its directory may exist. */
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", o->path);
		char *slash = strrchr(dir, '/');
		if (!slash)
			return;
		*slash = '\0';
		char rdir[PATH_MAX];
		if (!realpath(dir, rdir))
			return;
		snprintf(abs, sizeof(abs), "%s/%s", rdir, slash + 1);
	}
	size_t cl = strlen(site->content_dir);
	if (strncmp(abs, site->content_dir, cl) != 0 || abs[cl] != '/')
		return;
	p->page_path = strdup(abs + cl + 1);
	if (p->page_path)
		p->page_url = md_page_url(site, p->page_path, p->fm.root);
}

static int post_analyze(post *p, const mdpost_site *site, const mdpost_index *index,
                        int links, struct msgpack_packer *list, const md_options *o,
                        const char *src, size_t len, md_doc_cache *cache)
{
	memset(p, 0, sizeof(*p));
	if (md_lines_init(&p->lines, src, len))
		return MDPOST_ENOMEM;
	int rc = md_frontmatter_parse(&p->fm, src, len, &p->diags);
	if (rc)
		return rc;
	const char *preset = o->preset[0] ? o->preset : site ? site->preset : "none";
	p->hugo = strncmp(preset, "hugo", 4) == 0;
	p->zone = site && site->timezone[0] ? site->timezone : NULL;
	if (o->preset[0] && (!site || strcmp(o->preset, site->preset) != 0)) {
		size_t plen;
		const char *text = md_preset_schema(o->preset, &plen);
		md_diags scratch = {0};
		if (text && (rc = md_schema_load(&p->preset, text, plen, &scratch)))
			return rc;
		md_diags_free(&scratch);
		p->schema = text ? &p->preset : NULL;
	} else if (site) {
		p->schema = &site->schema;
	}
	if (p->fm.root) {
		if (p->hugo)
			check_case_collisions(p, p->fm.root, 0);
		md_schema_validate(p->schema, &p->fm, src, p->zone, &p->diags);
	}
	if (links) {
		place_post(p, site, o);
		md_anchor_style style = site ? site->anchors : MD_ANCHOR_GITHUB;
		if (o->anchors[0])
			md_anchor_style_parse(o->anchors, &style);
		rc = md_doc_parse_cached(&p->doc, cache, src, len, p->fm.body_start, style,
		                         site && site->unsafe_html, 0);
		if (rc)
			return rc;
		p->have_doc = 1;
		/* The text is its file's: the index need not parse it again for
		 * the ids other posts link to (same rules as md_heading_ids; a
		 * post over a limit is left to it). */
		if (o->text_on_disk && index && p->page_path && !p->doc.limit &&
		    !p->doc.headings.truncated && site && style == site->anchors)
			md_index_offer_ids(index, p->page_path, &p->doc.headings);
		if (p->doc.limit)
			md_diags_add(&p->diags, p->doc.limit_offset, p->doc.limit_offset, MD_SEV_WARNING,
			             "md-limit", "%s", p->doc.limit);
		rc = md_links_run(&p->doc, src, len, site, index, p->page_path, p->page_url, &p->diags, list,
		                  &p->lines);
		if (rc)
			return rc;
	}
	if (p->diags.oom)
		return MDPOST_ENOMEM;
	/* The site's severities; rules turned off are dropped. */
	size_t keep = 0;
	for (size_t i = 0; i < p->diags.n; i++) {
		md_diag *d = &p->diags.v[i];
		d->severity = md_site_rule_severity(site, d->code, d->severity);
		if (d->severity == 0) {
			free(d->message);
			continue;
		}
		p->diags.v[keep++] = *d;
	}
	p->diags.n = keep;
	md_diags_sort(&p->diags);
	return MDPOST_OK;
}

static void post_free(post *p)
{
	md_frontmatter_free(&p->fm);
	md_diags_free(&p->diags);
	md_lines_free(&p->lines);
	md_schema_free(&p->preset);
	free(p->page_path);
	free(p->page_url);
	if (p->have_doc)
		md_doc_free(&p->doc);
}

static int check_with(mdpost_result *out, const mdpost_site *site, const mdpost_index *index,
                      const char *src, size_t len, const char *opts, size_t opts_len,
                      md_doc_cache *cache, int on_disk)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	o.text_on_disk = on_disk;
	post p;
	if ((rc = post_analyze(&p, site, index, 1, NULL, &o, src ? src : "", len, cache))) {
		post_free(&p);
		return failed(out, rc);
	}
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_map(&pk, 2);
	md_pack_cstr(&pk, "frontmatter");
	msgpack_pack_map(&pk, 2);
	pack_fm_header(&pk, &p.fm, &p.lines);
	md_pack_cstr(&pk, "diagnostics");
	md_pack_diags(&pk, &p.lines, &p.diags);
	post_free(&p);
	return md_buf_to_result(&b, out);
}

int mdpost_check(mdpost_result *out, const mdpost_site *site, const mdpost_index *index,
                 const char *src, size_t len, const char *opts, size_t opts_len)
{
	return check_with(out, site, index, src, len, opts, opts_len, NULL, 0);
}

int md_check_file(mdpost_result *out, const mdpost_site *site, const mdpost_index *index,
                  const char *src, size_t len, const char *opts, size_t opts_len)
{
	return check_with(out, site, index, src, len, opts, opts_len, NULL, 1);
}

struct mdpost_doc {
	md_doc_cache *cache;
};

int mdpost_doc_new(mdpost_doc **doc, mdpost_result *err)
{
	if (!doc)
		return MDPOST_EINVAL;
	*doc = calloc(1, sizeof(**doc));
	if (*doc && !((*doc)->cache = md_doc_cache_new())) {
		free(*doc);
		*doc = NULL;
	}
	if (!*doc)
		return err ? md_result_error(err, MDPOST_ENOMEM, "out of memory") : MDPOST_ENOMEM;
	return MDPOST_OK;
}

void mdpost_doc_free(mdpost_doc *doc)
{
	if (!doc)
		return;
	md_doc_cache_free(doc->cache);
	free(doc);
}

int mdpost_doc_check(mdpost_result *out, mdpost_doc *doc, const mdpost_site *site,
                     const mdpost_index *index, const char *src, size_t len,
                     const char *opts, size_t opts_len)
{
	if (!doc)
		return check_with(out, site, index, src, len, opts, opts_len, NULL, 0);
	return check_with(out, site, index, src, len, opts, opts_len, doc->cache, 0);
}

static int is_date_key(const char *k, size_t n)
{
	static const char *const keys[] = {"date", "publishdate", "pubdate", "published",
		"lastmod", "modified", "expirydate", "unpublishdate", NULL};
	for (int i = 0; keys[i]; i++)
		if (strlen(keys[i]) == n && strncasecmp(keys[i], k, n) == 0)
			return 1;
	return 0;
}

/* Go's strconv.ParseBool, as Hugo's cast.ToBool applies it to strings. */
static int go_bool(const char *s, size_t n)
{
	static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True", NULL};
	for (int i = 0; t[i]; i++)
		if (strlen(t[i]) == n && memcmp(t[i], s, n) == 0)
			return 1;
	return 0;
}

/* `draft` and `title` as Hugo converts them (cast.ToBool, cast.ToString).
 * Returns 1 when it packed the value. */
static int pack_hugo_scalar(msgpack_packer *pk, const post *p, const md_entry *e,
                            const md_value *v)
{
	if (e->key_len == 5 && strncasecmp(e->key, "draft", 5) == 0) {
		int b = v->kind == MD_V_BOOL ? v->boolean
		      : v->kind == MD_V_STRING ? go_bool(v->str, v->str_len)
		      /* YAML ints are Go ints; TOML's int64 and JSON's float64 are not. */
		      : v->kind == MD_V_INT && p->fm.format == MD_FM_YAML ? v->integer != 0 : 0;
		if (b)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		return 1;
	}
	if (e->key_len == 5 && strncasecmp(e->key, "title", 5) == 0) {
		char num[64];
		switch (v->kind) {
		case MD_V_STRING: md_pack_str(pk, v->str, v->str_len); break;
		case MD_V_BOOL: md_pack_cstr(pk, v->boolean ? "true" : "false"); break;
		case MD_V_INT: snprintf(num, sizeof(num), "%lld", v->integer); md_pack_cstr(pk, num); break;
		case MD_V_FLOAT: snprintf(num, sizeof(num), "%.15g", v->number); md_pack_cstr(pk, num); break;
		case MD_V_DATETIME: md_pack_str(pk, v->str, v->str_len); break;
		default: md_pack_cstr(pk, ""); break;  /* lists, maps and null: "" */
		}
		return 1;
	}
	return 0;
}

/* Fields as Hugo holds them: lower-cased keys (the shadowed spelling
 * dropped) and, at the top level, dates it reads as RFC 3339. */
static void pack_fields(msgpack_packer *pk, const post *p, const md_value *v, int depth)
{
	if (!p->hugo || !v || v->kind != MD_V_MAP || depth > MD_MAX_DEPTH) {
		if (v && v->kind == MD_V_ARRAY && p->hugo && depth <= MD_MAX_DEPTH) {
			msgpack_pack_array(pk, v->n_items);
			for (size_t i = 0; i < v->n_items; i++)
				pack_fields(pk, p, v->items[i], depth + 1);
			return;
		}
		md_pack_value(pk, v, depth);
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < v->n_entries; i++)
		n += !shadowed(v, i);
	msgpack_pack_map(pk, n);
	for (size_t i = 0; i < v->n_entries; i++) {
		if (shadowed(v, i))
			continue;
		const md_entry *e = &v->entries[i];
		char key[256];
		size_t kl = e->key_len < sizeof(key) ? e->key_len : sizeof(key);
		for (size_t k = 0; k < kl; k++)
			key[k] = (e->key[k] >= 'A' && e->key[k] <= 'Z') ? e->key[k] + 32 : e->key[k];
		md_pack_str(pk, key, kl);
		const md_value *val = e->value;
		md_time t;
		int ok = 0;
		if (depth == 0 && is_date_key(e->key, e->key_len)) {
			if (val->kind == MD_V_STRING)
				ok = md_date_parse(val->str, val->str_len, p->zone, &t) == 1;
			else if (val->kind == MD_V_DATETIME)
				ok = md_date_parse_toml(val->str, val->str_len, p->zone, &t) == 1;
			else if (val->kind == MD_V_INT && p->fm.format != MD_FM_JSON)
				md_date_from_unix(val->integer, NULL, &t), ok = 1;
		}
		if (depth == 0 && pack_hugo_scalar(pk, p, e, val))
			continue;
		if (ok) {
			char when[48];
			md_date_format_rfc3339(&t, when);
			md_pack_cstr(pk, when);
		} else {
			pack_fields(pk, p, val, depth + 1);
		}
	}
}

int mdpost_frontmatter(mdpost_result *out, const mdpost_site *site, const char *src,
                       size_t len, const char *opts, size_t opts_len)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	post p;
	if ((rc = post_analyze(&p, site, NULL, 0, NULL, &o, src ? src : "", len, NULL))) {
		post_free(&p);
		return failed(out, rc);
	}
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_map(&pk, 4);
	pack_fm_header(&pk, &p.fm, &p.lines);
	md_pack_cstr(&pk, "fields");
	pack_fields(&pk, &p, p.fm.root, 0);
	md_pack_cstr(&pk, "diagnostics");
	md_pack_diags(&pk, &p.lines, &p.diags);
	post_free(&p);
	return md_buf_to_result(&b, out);
}

int mdpost_links(mdpost_result *out, const mdpost_site *site, const mdpost_index *index,
                 const char *src, size_t len, const char *opts, size_t opts_len)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	post p;
	if ((rc = post_analyze(&p, site, index, 1, &pk, &o, src ? src : "", len, NULL))) {
		post_free(&p);
		md_buf_free(&b);
		return failed(out, rc);
	}
	post_free(&p);
	return md_buf_to_result(&b, out);
}

/* Where the body starts (after any front matter). */
static int body_offset(const char *src, size_t len, size_t *body)
{
	md_frontmatter fm;
	md_diags d = {0};
	int rc = md_frontmatter_parse(&fm, src, len, &d);
	*body = fm.body_start;
	md_frontmatter_free(&fm);
	md_diags_free(&d);
	return rc;
}

int mdpost_headings(mdpost_result *out, const mdpost_site *site, const char *src,
                    size_t len, const char *opts, size_t opts_len)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	size_t body;
	if ((rc = body_offset(src ? src : "", len, &body)))
		return failed(out, rc);
	const char *style = o.anchors[0] ? o.anchors : md_anchor_style_name(site ? site->anchors : MD_ANCHOR_GITHUB);
	md_headings h;
	if ((rc = md_headings_collect(&h, src ? src : "", len, body, style)))
		return failed(out, rc);
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_array(&pk, h.n);
	for (size_t i = 0; i < h.n; i++) {
		msgpack_pack_map(&pk, 5);
		md_pack_cstr(&pk, "line");
		msgpack_pack_uint64(&pk, h.v[i].line);
		md_pack_cstr(&pk, "end_line");
		msgpack_pack_uint64(&pk, h.v[i].end_line);
		md_pack_cstr(&pk, "level");
		msgpack_pack_int(&pk, h.v[i].level);
		md_pack_cstr(&pk, "text");
		md_pack_cstr(&pk, h.v[i].text);
		md_pack_cstr(&pk, "id");
		md_pack_cstr(&pk, h.v[i].id);
	}
	md_headings_free(&h);
	return md_buf_to_result(&b, out);
}

static int folds_with(mdpost_result *out, const char *src, size_t len, const char *opts,
                      size_t opts_len, md_doc_cache *cache)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	src = src ? src : "";
	md_frontmatter fm;
	md_diags d = {0};
	rc = md_frontmatter_parse(&fm, src, len, &d);
	size_t body = fm.body_start;
	md_headings h = {0};
	md_lines lines = {0};
	md_doc parsed;
	if (!rc && cache) {
		/* The kept tree, re-parsed where the text changed. */
		rc = md_doc_parse_cached(&parsed, cache, src, len, body, MD_ANCHOR_GITHUB, 0, 1);
		if (!rc) {
			h = parsed.headings;
			memset(&parsed.headings, 0, sizeof(parsed.headings));
			md_doc_free(&parsed);
		}
	} else if (!rc) {
		rc = md_headings_collect(&h, src, len, body, "github");
	}
	if (!rc && md_lines_init(&lines, src, len))
		rc = MDPOST_ENOMEM;
	if (rc) {
		md_frontmatter_free(&fm);
		md_diags_free(&d);
		md_headings_free(&h);
		return failed(out, rc);
	}
	/* Lines as the editor counts them: a final newline ends the last one. */
	size_t n = lines.n;
	if (n > 1 && lines.starts[n - 1] == len)
		n--;
	size_t fm_first = 0, fm_last = 0;
	int has_fm = fm.format != MD_FM_NONE && fm.end > fm.start;
	if (has_fm) {
		size_t col;
		md_lines_pos(&lines, fm.start, &fm_first, &col);
		md_lines_pos(&lines, fm.end > 0 ? fm.end - 1 : 0, &fm_last, &col);
	}
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_array(&pk, n);
	/* Posts often start at ##: the top heading level present folds at 1,
	 * or Vim would open one level-1 fold over the whole body. */
	int top = 6;
	for (size_t i = 0; i < h.n; i++)
		if (h.v[i].level < top)
			top = h.v[i].level;
	size_t next = 0;
	int level = 0;
	char tmp[8];
	for (size_t line = 0; line < n; line++) {
		if (has_fm && line >= fm_first && line <= fm_last) {
			md_pack_cstr(&pk, line == fm_first ? ">1" : "1");
			continue;
		}
		while (next < h.n && h.v[next].line < line)
			next++;
		if (next < h.n && h.v[next].line == line) {
			level = h.v[next].level - top + 1;
			snprintf(tmp, sizeof(tmp), ">%d", level);
			md_pack_cstr(&pk, tmp);
		} else {
			snprintf(tmp, sizeof(tmp), "%d", level);
			md_pack_cstr(&pk, tmp);
		}
	}
	md_frontmatter_free(&fm);
	md_diags_free(&d);
	md_headings_free(&h);
	md_lines_free(&lines);
	return md_buf_to_result(&b, out);
}

int mdpost_folds(mdpost_result *out, const mdpost_site *site, const char *src,
                 size_t len, const char *opts, size_t opts_len)
{
	return folds_with(out, src, len, opts, opts_len, NULL);
}

int mdpost_doc_folds(mdpost_result *out, mdpost_doc *doc, const char *src, size_t len,
                     const char *opts, size_t opts_len)
{
	return folds_with(out, src, len, opts, opts_len, doc ? doc->cache : NULL);
}

int mdpost_render(mdpost_result *out, const mdpost_site *site,
                  const mdpost_index *index, const char *src,
                  size_t len, const char *opts, size_t opts_len)
{
	md_options o;
	int rc = begin(out, src, len, opts, opts_len, &o);
	if (rc)
		return rc;
	src = src ? src : "";
	/* The front matter only: the card and the page's URL need it. */
	post p;
	memset(&p, 0, sizeof(p));
	if ((rc = md_frontmatter_parse(&p.fm, src, len, &p.diags))) {
		post_free(&p);
		return failed(out, rc);
	}
	place_post(&p, site, &o);
	md_render_in in = {0};
	in.src = src;
	in.len = len;
	in.body_start = p.fm.body_start;
	for (size_t i = 0; i < in.body_start; i++)
		in.body_line += src[i] == '\n';
	in.site = site;
	in.index = index;
	in.fm = p.fm.root;
	in.post_path = o.path[0] ? o.path : NULL;
	in.page_path = p.page_path;
	if (p.page_path) {
		const char *base = strrchr(p.page_path, '/');
		base = base ? base + 1 : p.page_path;
		in.bundle = strncmp(base, "index.", 6) == 0 || strncmp(base, "_index.", 7) == 0;
	}
	in.anchors = site ? site->anchors : MD_ANCHOR_GITHUB;
	if (o.anchors[0])
		md_anchor_style_parse(o.anchors, &in.anchors);
	in.unsafe_html = o.unsafe_set ? o.unsafe_html : site && site->unsafe_html;
	in.sourcepos = o.sourcepos;
	in.standalone = o.standalone;
	in.asset_base = o.asset_base[0] ? o.asset_base : NULL;
	in.css = o.css;
	in.css_len = o.css_len;
	md_buf b = {0};
	rc = md_render_post(&b, &in);
	post_free(&p);
	if (rc) {
		md_buf_free(&b);
		if (rc == MDPOST_ETOOBIG)
			return md_result_error(out, rc, "lists nest more than 100 deep on one line, "
			                       "more than a million block quote and list markers, or "
			                       "too many `<?`, `<!` or `<![CDATA[` are never closed: "
			                       "the post is not rendered");
		return failed(out, rc);
	}
	return md_buf_to_result(&b, out);
}

int mdpost_site_info(mdpost_result *out, const mdpost_site *s)
{
	if (!out)
		return MDPOST_EINVAL;
	memset(out, 0, sizeof(*out));
	if (!s)
		return md_result_error(out, MDPOST_EINVAL, "no site");
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_map(&pk, 11);
	md_pack_cstr(&pk, "found");
	if (s->found)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	md_pack_cstr(&pk, "root");
	md_pack_cstr(&pk, s->found ? s->site.root : "");
	md_pack_cstr(&pk, "generator");
	md_pack_cstr(&pk, s->found ? s->site.generator : "none");
	md_pack_cstr(&pk, "config");
	md_pack_cstr(&pk, s->found ? s->site.config : "");
	md_pack_cstr(&pk, "content_dir");
	md_pack_cstr(&pk, s->content_dir);
	md_pack_cstr(&pk, "preset");
	md_pack_cstr(&pk, s->preset);
	md_pack_cstr(&pk, "schema");
	md_pack_cstr(&pk, s->schema_name);
	md_pack_cstr(&pk, "anchors");
	md_pack_cstr(&pk, md_anchor_style_name(s->anchors));
	md_pack_cstr(&pk, "timezone");
	md_pack_cstr(&pk, s->timezone[0] ? s->timezone : "UTC");
	md_pack_cstr(&pk, "unsafe");
	if (s->unsafe_html)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	md_pack_cstr(&pk, "problems");
	size_t n = 0;
	for (size_t i = 0; i < s->problems.len; i++)
		n += s->problems.data[i] == '\n';
	n += s->problems.len > 0;
	msgpack_pack_array(&pk, n);
	const char *p = s->problems.data;
	for (size_t i = 0; i < n; i++) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		md_pack_str(&pk, p, l);
		p += l + 1;
	}
	return md_buf_to_result(&b, out);
}

int mdpost_versions(mdpost_result *out)
{
	if (!out)
		return MDPOST_EINVAL;
	memset(out, 0, sizeof(*out));
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	char ts[32];
	snprintf(ts, sizeof(ts), "language ABI %d", TREE_SITTER_LANGUAGE_VERSION);
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	msgpack_pack_map(&pk, 6);
	md_pack_cstr(&pk, "mdpost");
	md_pack_cstr(&pk, MDPOST_VERSION_STRING);
	md_pack_cstr(&pk, "libyaml");
	md_pack_cstr(&pk, yaml_get_version_string());
	md_pack_cstr(&pk, "cmark-gfm");
	md_pack_cstr(&pk, cmark_version_string());
	md_pack_cstr(&pk, "msgpack-c");
	md_pack_cstr(&pk, msgpack_version());
	md_pack_cstr(&pk, "tree-sitter");
	md_pack_cstr(&pk, ts);
	md_pack_cstr(&pk, "libcurl");
	md_pack_cstr(&pk, cv && cv->version ? cv->version : "unknown");
	return md_buf_to_result(&b, out);
}

int mdpost_site_find(mdpost_result *out, const char *path, size_t path_len)
{
	if (!out)
		return MDPOST_EINVAL;
	memset(out, 0, sizeof(*out));
	char buf[4096];
	if (!path || path_len == 0 || path_len >= sizeof(buf))
		return md_result_error(out, MDPOST_EINVAL, "a path is required");
	memcpy(buf, path, path_len);
	buf[path_len] = '\0';
	md_site site;
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	if (!md_site_find(&site, buf)) {
		msgpack_pack_nil(&pk);
	} else {
		msgpack_pack_map(&pk, 3);
		md_pack_cstr(&pk, "root");
		md_pack_cstr(&pk, site.root);
		md_pack_cstr(&pk, "generator");
		md_pack_cstr(&pk, site.generator);
		md_pack_cstr(&pk, "config");
		md_pack_cstr(&pk, site.config);
	}
	return md_buf_to_result(&b, out);
}
