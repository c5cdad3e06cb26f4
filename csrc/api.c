/* The public entry points of mdpost.h: decode options, run, pack results. */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <curl/curl.h>
#include <msgpack.h>
#include <tree_sitter/api.h>
#include <yaml.h>

#include "internal.h"

#define MDPOST_VERSION_STRING "0.1.0"

int md_render_html(md_buf *out, const char *src, size_t len, int unsafe_html,
                   int sourcepos);

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
			o->unsafe_html = v->via.boolean;
		else if (key_is(k, "standalone") && is_bool)
			o->standalone = v->via.boolean;
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

typedef struct parsed {
	md_frontmatter fm;
	md_diags diags;
	md_lines lines;
} parsed;

static int parse_post(parsed *p, const char *src, size_t len)
{
	memset(p, 0, sizeof(*p));
	if (md_lines_init(&p->lines, src ? src : "", len))
		return MDPOST_ENOMEM;
	int rc = md_frontmatter_parse(&p->fm, src ? src : "", len, &p->diags);
	if (!rc && p->diags.oom)
		rc = MDPOST_ENOMEM;
	md_diags_sort(&p->diags);
	return rc;
}

static void parsed_free(parsed *p)
{
	md_frontmatter_free(&p->fm);
	md_diags_free(&p->diags);
	md_lines_free(&p->lines);
}

int mdpost_check(mdpost_result *out, const char *src, size_t len,
                 const char *opts, size_t opts_len)
{
	int rc = check_input(out, src, len);
	md_options o;
	if (rc || (rc = md_options_parse(&o, opts, opts_len, out)))
		return rc;
	parsed p;
	if ((rc = parse_post(&p, src, len))) {
		parsed_free(&p);
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
	parsed_free(&p);
	return md_buf_to_result(&b, out);
}

int mdpost_frontmatter(mdpost_result *out, const char *src, size_t len,
                       const char *opts, size_t opts_len)
{
	int rc = check_input(out, src, len);
	md_options o;
	if (rc || (rc = md_options_parse(&o, opts, opts_len, out)))
		return rc;
	parsed p;
	if ((rc = parse_post(&p, src, len))) {
		parsed_free(&p);
		return failed(out, rc);
	}
	md_buf b = {0};
	msgpack_packer pk;
	msgpack_packer_init(&pk, &b, md_pack_buf_write);
	msgpack_pack_map(&pk, 4);
	pack_fm_header(&pk, &p.fm, &p.lines);
	md_pack_cstr(&pk, "fields");
	md_pack_value(&pk, p.fm.root, 0);
	md_pack_cstr(&pk, "diagnostics");
	md_pack_diags(&pk, &p.lines, &p.diags);
	parsed_free(&p);
	return md_buf_to_result(&b, out);
}

int mdpost_headings(mdpost_result *out, const char *src, size_t len,
                    const char *opts, size_t opts_len)
{
	int rc = check_input(out, src, len);
	md_options o;
	if (rc || (rc = md_options_parse(&o, opts, opts_len, out)))
		return rc;
	parsed p;
	if ((rc = parse_post(&p, src, len))) {
		parsed_free(&p);
		return failed(out, rc);
	}
	md_headings h;
	rc = md_headings_collect(&h, src ? src : "", len, p.fm.body_start, o.anchors);
	parsed_free(&p);
	if (rc)
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

int mdpost_render(mdpost_result *out, const char *src, size_t len,
                  const char *opts, size_t opts_len)
{
	int rc = check_input(out, src, len);
	md_options o;
	if (rc || (rc = md_options_parse(&o, opts, opts_len, out)))
		return rc;
	md_frontmatter fm;
	md_diags d = {0};
	rc = md_frontmatter_parse(&fm, src ? src : "", len, &d);
	size_t body = fm.body_start;
	md_frontmatter_free(&fm);
	md_diags_free(&d);
	if (rc)
		return failed(out, rc);
	md_buf b = {0};
	rc = md_render_html(&b, (src ? src : "") + body, len - body, o.unsafe_html, 0);
	if (rc) {
		md_buf_free(&b);
		return failed(out, rc);
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
