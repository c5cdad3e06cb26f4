/* Front matter splitting and parsing: formats, positions, values, limits. */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"

typedef struct run {
	md_frontmatter fm;
	md_diags d;
	int rc;
} run;

static run parse(const char *src)
{
	run r = {0};
	r.rc = md_frontmatter_parse(&r.fm, src, strlen(src), &r.d);
	return r;
}

static void done(run *r)
{
	md_frontmatter_free(&r->fm);
	md_diags_free(&r->d);
}

static const md_value *field(run *r, const char *key)
{
	return md_value_get(r->fm.root, key);
}

TEST(no_front_matter)
{
	run r = parse("# Title\n\ntext\n");
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.fm.format, MD_FM_NONE);
	CHECK_INT(r.fm.body_start, 0);
	CHECK_INT(r.d.n, 0);
	CHECK(r.fm.root == NULL);
	done(&r);
}

TEST(yaml_split_and_spans)
{
	const char *src = "---\ntitle: \"巴黎\"\ntags:\n  - a\n---\nbody\n";
	run r = parse(src);
	CHECK_INT(r.fm.format, MD_FM_YAML);
	CHECK_INT(r.fm.inner_start, 4);
	CHECK_STR(src + r.fm.body_start, "body\n");
	CHECK_INT(r.d.n, 0);
	const md_value *t = field(&r, "title");
	CHECK(t && t->kind == MD_V_STRING && t->quoted);
	CHECK_STR(t->str, "巴黎");
	/* The span covers the quoted scalar in bytes: "巴黎" is 8 bytes. */
	CHECK_INT(t->start, 11);
	CHECK_INT(t->end, 19);
	CHECK_INT(r.fm.root->entries[0].key_start, 4);
	CHECK_INT(r.fm.root->entries[0].key_end, 9);
	const md_value *tags = field(&r, "tags");
	CHECK(tags && tags->kind == MD_V_ARRAY && tags->n_items == 1);
	done(&r);
}

TEST(yaml_11_scalars)
{
	run r = parse("---\na: yes\nb: \"yes\"\nc: off\nd: ~\ne: 010\nf: 1_000\ng: 1.5e3\n"
	              "h: 2025-02-12 19:13:10\ni: !!str true\nj: .inf\nk:\n---\n");
	CHECK_INT(r.d.n, 0);
	CHECK(field(&r, "a")->kind == MD_V_BOOL && field(&r, "a")->boolean == 1);
	CHECK(field(&r, "b")->kind == MD_V_STRING);
	CHECK(field(&r, "c")->kind == MD_V_BOOL && field(&r, "c")->boolean == 0);
	CHECK(field(&r, "d")->kind == MD_V_NULL);
	CHECK_INT(field(&r, "e")->integer, 8);
	CHECK_INT(field(&r, "f")->integer, 1000);
	CHECK(field(&r, "g")->kind == MD_V_FLOAT && field(&r, "g")->number == 1500.0);
	/* Timestamps stay strings: Hugo parses dates itself. */
	CHECK(field(&r, "h")->kind == MD_V_STRING);
	CHECK_STR(field(&r, "h")->str, "2025-02-12 19:13:10");
	CHECK(field(&r, "i")->kind == MD_V_STRING);
	CHECK(field(&r, "j")->kind == MD_V_FLOAT);
	CHECK(field(&r, "k")->kind == MD_V_NULL);
	done(&r);
}

TEST(yaml_syntax_error_position_counts_bytes)
{
	/* libyaml counts characters; the reported column must be in bytes. */
	const char *src = "---\ntitle: 峰会观察: 各方\n---\n";
	run r = parse(src);
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-syntax");
	CHECK_INT(r.d.v[0].start, 4 + 19);
	CHECK_INT(r.d.v[0].end, 4 + 20);
	CHECK(strstr(r.d.v[0].message, "must be quoted") != NULL);
	CHECK(r.fm.root == NULL);
	done(&r);
}

TEST(yaml_tab_indent)
{
	run r = parse("---\ntags:\n\t- a\n---\n");
	CHECK_INT(r.d.n, 1);
	CHECK_INT(r.d.v[0].start, 10);
	CHECK(strstr(r.d.v[0].message, "never tabs") != NULL);
	done(&r);
}

TEST(yaml_duplicate_key_last_wins)
{
	const char *src = "---\ntoc: false\npager: true\ntoc: true\n---\n";
	run r = parse(src);
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-duplicate-key");
	CHECK_INT(r.d.v[0].start, 27);
	CHECK_INT(r.d.v[0].end, 30);
	CHECK_INT(field(&r, "toc")->boolean, 1);
	CHECK_INT(r.fm.root->n_entries, 2);
	done(&r);
}

TEST(yaml_bom_crlf)
{
	const char *src = "\xEF\xBB\xBF---\r\ntitle: a\r\nx: 1\r\n---\r\nbody";
	run r = parse(src);
	CHECK_INT(r.fm.format, MD_FM_YAML);
	CHECK_INT(r.d.n, 0);
	CHECK_STR(field(&r, "title")->str, "a");
	CHECK_INT(field(&r, "x")->start, 21);  /* BOM 3 + "---\r\n" 5 + "title: a\r\n" 10 + "x: " 3 */
	CHECK_STR(src + r.fm.body_start, "body");
	done(&r);
}

TEST(unclosed_delimiters)
{
	run r = parse("---\ntitle: x\n");
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-unclosed");
	CHECK_INT(r.d.v[0].start, 0);
	CHECK_INT(r.d.v[0].end, 3);
	done(&r);
	r = parse("{ \"title\": \"x\"\n");
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-unclosed");
	done(&r);
}

TEST(yaml_alias_bomb_is_bounded)
{
	md_buf b = {0};
	md_buf_puts(&b, "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
	char prev = 'a';
	for (char c = 'b'; c <= 'k'; c++, prev++)
		md_buf_printf(&b, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
		              c, c, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev);
	md_buf_puts(&b, "---\n");
	run r = {0};
	r.rc = md_frontmatter_parse(&r.fm, b.data, b.len, &r.d);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.d.n, 1);
	CHECK(strstr(r.d.v[0].message, "aliases") != NULL);
	CHECK(r.fm.root == NULL);
	done(&r);
	md_buf_free(&b);
}

TEST(yaml_deep_nesting_is_bounded)
{
	md_buf b = {0};
	md_buf_puts(&b, "---\na: ");
	for (int i = 0; i < 5000; i++)
		md_buf_putc(&b, '[');
	md_buf_puts(&b, "\n---\n");
	run r = {0};
	r.rc = md_frontmatter_parse(&r.fm, b.data, b.len, &r.d);
	CHECK_INT(r.rc, 0);
	CHECK(r.d.n >= 1);
	CHECK_STR(r.d.v[0].code, "fm-syntax");
	done(&r);
	md_buf_free(&b);
}

TEST(toml_values_and_tables)
{
	const char *src = "+++\ntitle = \"a\\u00e9\"\ndate = 2025-02-12T19:13:10+08:00\n"
	                  "tags = ['x', \"y\"]\nn = 1_000\n[params]\nsidebar = 'right'\n"
	                  "[[menu.main]]\nname = \"home\"\n+++\nbody";
	run r = parse(src);
	CHECK_INT(r.fm.format, MD_FM_TOML);
	CHECK_INT(r.d.n, 0);
	CHECK_STR(field(&r, "title")->str, "aé");
	CHECK(field(&r, "date")->kind == MD_V_DATETIME);
	CHECK_INT(field(&r, "n")->integer, 1000);
	CHECK_INT(field(&r, "tags")->n_items, 2);
	CHECK_STR(md_value_get(field(&r, "params"), "sidebar")->str, "right");
	const md_value *main = md_value_get(field(&r, "menu"), "main");
	CHECK(main && main->kind == MD_V_ARRAY && main->n_items == 1);
	CHECK_INT(field(&r, "title")->start, 12);
	done(&r);
}

TEST(toml_duplicates_fail_like_hugo)
{
	run r = parse("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n");
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-duplicate-key");
	CHECK_INT(r.d.v[0].start, 16);
	CHECK(r.fm.root == NULL);
	done(&r);
	r = parse("+++\n[a]\nx = 1\n[a]\ny = 2\n+++\n");
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-duplicate-key");
	done(&r);
}

TEST(toml_syntax_errors_explained)
{
	run r = parse("+++\ntitle = hello\n+++\n");
	CHECK_INT(r.d.n, 1);
	CHECK_INT(r.d.v[0].start, 12);
	CHECK(strstr(r.d.v[0].message, "strings must be quoted") != NULL);
	done(&r);
	r = parse("+++\n[params\nx = 1\n+++\n");
	CHECK_INT(r.d.n, 1);
	CHECK_INT(r.d.v[0].start, 11);
	CHECK(strstr(r.d.v[0].message, "closing `]`") != NULL);
	done(&r);
}

TEST(json_front_matter)
{
	const char *src = "{\n  \"title\": \"x\\u4e2d\",\n  \"tags\": [\"a\"],\n  \"draft\": false\n}\nbody";
	run r = parse(src);
	CHECK_INT(r.fm.format, MD_FM_JSON);
	CHECK_INT(r.d.n, 0);
	CHECK_STR(field(&r, "title")->str, "x中");
	CHECK(field(&r, "draft")->kind == MD_V_BOOL);
	CHECK_STR(src + r.fm.body_start, "body");
	done(&r);
	r = parse("{\n  'title': 1\n}\n");
	CHECK_INT(r.d.n, 1);
	CHECK_INT(r.d.v[0].start, 4);
	CHECK(strstr(r.d.v[0].message, "double quotes") != NULL);
	done(&r);
}

TEST(invalid_utf8_is_reported_not_crashing)
{
	run r = parse("---\ntitle: \xff\xfe\n---\n");
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.d.n, 1);
	CHECK_STR(r.d.v[0].code, "fm-syntax");
	CHECK_INT(r.d.v[0].start, 11);
	done(&r);
}

TEST(yaml_unclosed_quote_reported_where_it_opens)
{
	/* libyaml stops on line 3; the mistake is the quote opened on line 2. */
	const char *src = "---\ntitle: \"明确拒绝\ndate: \"2024-12-28 15:12:15\"\n---\n";
	run r = parse(src);
	CHECK_INT(r.d.n, 1);
	CHECK_INT(r.d.v[0].start, 11);
	CHECK_INT(r.d.v[0].end, 12);
	CHECK(strstr(r.d.v[0].message, "not closed on its line") != NULL);
	done(&r);
	/* A closed quote, then a real fault further down: not blamed on it. */
	r = parse("---\ntitle: \"ok\"\nsummary: a: b\n---\n");
	CHECK_INT(r.d.n, 1);
	CHECK(strstr(r.d.v[0].message, "must be quoted") != NULL);
	done(&r);
}
