/* The public API: results, errors and the msgpack they carry. */
#include <msgpack.h>
#include <stdlib.h>

#include "harness.h"
#include "mdpost.h"

static msgpack_object *unpack(msgpack_unpacked *u, const mdpost_result *r)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
	if (msgpack_unpack_next(u, r->data, r->len, &off) != MSGPACK_UNPACK_SUCCESS)
		return NULL;
	return &u->data;
}

static const msgpack_object *get(const msgpack_object *m, const char *k)
{
	for (uint32_t i = 0; m && m->type == MSGPACK_OBJECT_MAP && i < m->via.map.size; i++)
		if (m->via.map.ptr[i].key.via.str.size == strlen(k) &&
		    memcmp(m->via.map.ptr[i].key.via.str.ptr, k, strlen(k)) == 0)
			return &m->via.map.ptr[i].val;
	return NULL;
}

TEST(abi_and_version)
{
	CHECK_INT(mdpost_abi_version(), MDPOST_ABI_VERSION);
	CHECK_STR(mdpost_version(), "0.1.0");
}

TEST(check_reports_zero_based_byte_positions)
{
	const char *src = "---\ntitle: 峰会观察: 各方\n---\n";
	mdpost_result r = {0};
	CHECK_INT(mdpost_check(&r, NULL, NULL, src, strlen(src), NULL, 0), 0);
	msgpack_unpacked u;
	msgpack_object *o = unpack(&u, &r);
	CHECK(o != NULL);
	const msgpack_object *diags = get(o, "diagnostics");
	CHECK(diags && diags->via.array.size == 1);
	const msgpack_object *d = &diags->via.array.ptr[0];
	CHECK_INT(get(d, "lnum")->via.u64, 1);
	CHECK_INT(get(d, "col")->via.u64, 19);
	CHECK_INT(get(d, "end_col")->via.u64, 20);
	CHECK_MEM(get(d, "code")->via.str.ptr, get(d, "code")->via.str.size, "fm-syntax");
	const msgpack_object *fm = get(o, "frontmatter");
	CHECK_MEM(get(fm, "format")->via.str.ptr, get(fm, "format")->via.str.size, "yaml");
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
}

TEST(input_need_not_be_nul_terminated)
{
	char src[] = {'-', '-', '-', '\n', 'a', ':', ' ', '1', '\n', '-', '-', '-', '\n', 'X'};
	mdpost_result r = {0};
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, sizeof(src), NULL, 0), 0);
	CHECK_MEM(r.data, r.len, "<p>X</p>\n");
	mdpost_result_free(&r);
}

TEST(bad_options_are_an_error_with_a_message)
{
	mdpost_result r = {0};
	const char opts[] = {(char)0x81, (char)0xA7, 'a', 'n', 'c', 'h', 'o', 'r', 's',
	                     (char)0xA1, 'x'};
	CHECK_INT(mdpost_check(&r, NULL, NULL, "x", 1, opts, sizeof(opts)), MDPOST_EINVAL);
	CHECK(r.error && strstr(r.error, "anchors must be") != NULL);
	CHECK(r.data == NULL);
	mdpost_result_free(&r);
	CHECK_INT(mdpost_check(&r, NULL, NULL, "x", 1, "\xc1", 1), MDPOST_EINVAL);
	mdpost_result_free(&r);
}

TEST(empty_input)
{
	mdpost_result r = {0};
	CHECK_INT(mdpost_check(&r, NULL, NULL, NULL, 0, NULL, 0), 0);
	msgpack_unpacked u;
	msgpack_object *o = unpack(&u, &r);
	CHECK(o && get(o, "diagnostics")->via.array.size == 0);
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
	CHECK_INT(mdpost_render(&r, NULL, NULL, "", 0, NULL, 0), 0);
	CHECK_INT(r.len, 0);
	mdpost_result_free(&r);
}

TEST(render_gfm_and_raw_html_policy)
{
	const char *src = "| a |\n|---|\n| b |\n\n<span>x</span> - [x] t\n";
	mdpost_result r = {0};
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), NULL, 0), 0);
	CHECK(strstr(r.data, "<table>") != NULL);
	CHECK(strstr(r.data, "<!-- raw HTML omitted -->") != NULL);
	mdpost_result_free(&r);
	const char unsafe[] = {(char)0x81, (char)0xA6, 'u', 'n', 's', 'a', 'f', 'e', (char)0xC3};
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), unsafe, sizeof(unsafe)), 0);
	CHECK(strstr(r.data, "<span>x</span>") != NULL);
	mdpost_result_free(&r);
}

TEST(headings_sections)
{
	const char *src = "# A\n## B\ntext\n# A\n";
	mdpost_result r = {0};
	CHECK_INT(mdpost_headings(&r, NULL, src, strlen(src), NULL, 0), 0);
	msgpack_unpacked u;
	msgpack_object *o = unpack(&u, &r);
	CHECK(o && o->via.array.size == 3);
	const msgpack_object *h0 = &o->via.array.ptr[0], *h2 = &o->via.array.ptr[2];
	CHECK_INT(get(h0, "end_line")->via.u64, 2);
	CHECK_MEM(get(h2, "id")->via.str.ptr, get(h2, "id")->via.str.size, "a-1");
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
}

TEST(site_find)
{
	mdpost_result r = {0};
	const char *p = "examples/site/content/posts/second-post.md";
	CHECK_INT(mdpost_site_find(&r, p, strlen(p)), 0);
	msgpack_unpacked u;
	msgpack_object *o = unpack(&u, &r);
	CHECK(o && o->type == MSGPACK_OBJECT_MAP);
	const msgpack_object *g = get(o, "generator");
	CHECK_MEM(g->via.str.ptr, g->via.str.size, "hugo");
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
	/* A post not written yet belongs to the site of its directory. */
	p = "examples/site/content/posts/not-written-yet.md";
	CHECK_INT(mdpost_site_find(&r, p, strlen(p)), 0);
	o = unpack(&u, &r);
	CHECK(o && o->type == MSGPACK_OBJECT_MAP);
	const msgpack_object *root = get(o, "root");
	CHECK(root && root->via.str.size > 13 &&
	      memcmp(root->via.str.ptr + root->via.str.size - 13, "examples/site", 13) == 0);
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
	/* Nor its directory: no site. */
	p = "/nonexistent/dir/post.md";
	CHECK_INT(mdpost_site_find(&r, p, strlen(p)), 0);
	o = unpack(&u, &r);
	CHECK(o && o->type == MSGPACK_OBJECT_NIL);
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
}
