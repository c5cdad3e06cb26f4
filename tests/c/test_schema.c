/* Schema validation: presets, JSON Schema keywords, Hugo's own rules. */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"

/* Checks `src` under a preset (or a schema text) and returns the diagnostics. */
static md_diags run_schema(const char *schema_text, const char *src)
{
	md_schema s;
	md_diags sd = {0}, d = {0};
	CHECK_INT(md_schema_load(&s, schema_text, strlen(schema_text), &sd), 0);
	CHECK_INT(sd.n, 0);
	md_frontmatter fm;
	CHECK_INT(md_frontmatter_parse(&fm, src, strlen(src), &d), 0);
	md_schema_validate(&s, &fm, src, NULL, &d);
	md_diags_sort(&d);
	md_frontmatter_free(&fm);
	md_schema_free(&s);
	md_diags_free(&sd);
	return d;
}

static md_diags run_preset(const char *preset, const char *src)
{
	size_t len;
	const char *text = md_preset_schema(preset, &len);
	CHECK(text != NULL);
	return run_schema(text ? text : "{}", src);
}

/* The diagnostic of a code, or NULL. */
static const md_diag *find(const md_diags *d, const char *code)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].code, code) == 0)
			return &d->v[i];
	return NULL;
}

#define CHECK_DIAG(d, code_, start_, end_, needle)                                  \
	do {                                                                            \
		const md_diag *x_ = find(&(d), code_);                                      \
		if (!x_) {                                                                  \
			FAIL_("no %s diagnostic", code_);                                       \
			break;                                                                  \
		}                                                                           \
		CHECK_INT(x_->start, start_);                                               \
		CHECK_INT(x_->end, end_);                                                   \
		if (!strstr(x_->message, needle))                                           \
			FAIL_("message \"%s\" lacks \"%s\"", x_->message, needle);              \
	} while (0)

TEST(valid_mainroad_post_has_no_problems)
{
	md_diags d = run_preset("hugo-mainroad",
		"---\ntitle: \"巴黎峰会\"\ndate: \"2025-02-12 19:13:10\"\ncategories:\n  - \"qq\"\n"
		"tags:\n  - \"qq\"\nmenu: \"\"\nthumbnail: \"https://example.com/a.jpg\"\nlead: \"\"\n"
		"comments: false\nauthorbox: false\npager: true\ntoc: false\nmathjax: false\n"
		"sidebar: \"right\"\nwidgets:\n  - \"search\"\n  - \"recent\"\n  - \"taglist\"\n"
		"lang:\n  - zh-CN\n---\n");
	for (size_t i = 0; i < d.n; i++)
		FAIL_("unexpected %s: %s", d.v[i].code, d.v[i].message);
	md_diags_free(&d);
}

TEST(string_instead_of_list)
{
	const char *src = "---\ntitle: t\ntags: qq\n---\n";
	md_diags d = run_preset("hugo", src);
	CHECK_INT(d.n, 1);
	CHECK_DIAG(d, "fm-type", 19, 21, "single string");
	md_diags_free(&d);
}

TEST(draft_string_is_published)
{
	md_diags d = run_preset("hugo", "---\ntitle: t\ndraft: \"yes\"\n---\n");
	CHECK_DIAG(d, "fm-type", 20, 25, "Hugo reads it as false, so the post is published");
	md_diags_free(&d);
	d = run_preset("hugo", "---\ntitle: t\ndraft: \"true\"\n---\n");
	CHECK_DIAG(d, "fm-type", 20, 26, "Hugo reads it as true");
	md_diags_free(&d);
}

TEST(mainroad_booleans_enums_urls)
{
	const char *src = "---\ntitle: t\ncomments: \"yes\"\nsidebar: rigth\n"
	                  "widgets: [search, recnt]\nthumbnail: \"htps://x.org/a.png\"\n---\n";
	md_diags d = run_preset("hugo-mainroad", src);
	CHECK_INT(d.n, 4);
	CHECK_DIAG(d, "fm-type", 23, 28, "not a boolean");
	CHECK_DIAG(d, "fm-enum", 38, 43, "did you mean right?");
	CHECK(strstr(d.v[2].message, "recnt") && strstr(d.v[2].message, "did you mean recent?"));
	CHECK_DIAG(d, "fm-url", 80, 100, "misspelt");
	md_diags_free(&d);
}

TEST(malformed_urls)
{
	static const struct { const char *url; const char *why; } cases[] = {
		{"http//example.com/a.png", "`:` after http is missing"},
		{"127.0.0.1:18080/a.png", "no https://"},
		{"https://example.com/a b.png", "space"},
		{"http:///a.png", "no host"},
		{"https:/example.com", "`//` must follow"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[256];
		snprintf(src, sizeof(src), "---\ntitle: t\nthumbnail: \"%s\"\n---\n", cases[i].url);
		md_diags d = run_preset("hugo-mainroad", src);
		const md_diag *x = find(&d, "fm-url");
		if (!x || !strstr(x->message, cases[i].why))
			FAIL_("%s: %s", cases[i].url, x ? x->message : "no fm-url");
		md_diags_free(&d);
	}
	/* A path into static/ is a fine thumbnail. */
	md_diags d = run_preset("hugo-mainroad", "---\ntitle: t\nthumbnail: img/a.png\n---\n");
	CHECK_INT(d.n, 0);
	md_diags_free(&d);
}

TEST(typos_of_known_keys)
{
	md_diags d = run_preset("hugo-mainroad", "---\ntitle: t\nthumbnial: x.png\nmyparam: 1\n---\n");
	CHECK_INT(d.n, 1);  /* custom params are legal; only the near miss is reported */
	CHECK_DIAG(d, "fm-unknown-key", 13, 22, "did you mean `thumbnail`?");
	CHECK_INT(d.v[0].severity, MD_SEV_WARNING);
	md_diags_free(&d);
	/* A typo of a required key: one error at the typo, no second
	 * "missing" diagnostic for the same mistake. */
	d = run_preset("hugo", "---\ntittle: x\n---\n");
	CHECK_INT(d.n, 1);
	CHECK_DIAG(d, "fm-unknown-key", 4, 10, "so `title` stays unset (and it is required)");
	CHECK_INT(d.v[0].severity, MD_SEV_ERROR);
	md_diags_free(&d);
}

TEST(required_and_empty)
{
	md_diags d = run_preset("hugo", "---\ntitle: \"\"\n---\n");
	CHECK_INT(d.n, 1);
	CHECK_DIAG(d, "fm-required", 11, 13, "`title` is required but empty");
	md_diags_free(&d);
	d = run_preset("hugo", "+++\ntitle = \"\"\n+++\n");
	CHECK_DIAG(d, "fm-required", 12, 14, "required but empty");
	md_diags_free(&d);
}

TEST(lengths_count_characters)
{
	md_buf src = {0};
	md_buf_puts(&src, "---\ntitle: ");
	for (int i = 0; i < 71; i++)
		md_buf_puts(&src, "字");
	md_buf_puts(&src, "\n---\n");
	md_diags d = run_preset("hugo", src.data);
	CHECK_INT(d.n, 1);
	CHECK_DIAG(d, "fm-length", 11, 11 + 71 * 3, "71 characters long; keep it within 70");
	CHECK_INT(d.v[0].severity, MD_SEV_WARNING);
	md_diags_free(&d);
	md_buf_free(&src);
}

TEST(keys_match_case_insensitively)
{
	md_diags d = run_preset("hugo", "---\nTitle: t\nDraft: \"no\"\n---\n");
	CHECK_INT(d.n, 1);
	CHECK_DIAG(d, "fm-type", 20, 24, "draft");
	md_diags_free(&d);
}

TEST(user_schema_keywords)
{
	const char *schema =
		"type: object\n"
		"required: [title, author]\n"
		"additionalProperties: false\n"
		"$defs:\n  slug: { type: string, pattern: '^[a-z0-9-]+$' }\n"
		"properties:\n"
		"  title: { type: string, minLength: 3 }\n"
		"  author: { $ref: '#/$defs/slug' }\n"
		"  tags: { type: array, items: { type: string }, minItems: 1, maxItems: 2 }\n"
		"  cover:\n    oneOf:\n      - { type: string, format: uri }\n"
		"      - { type: object, required: [src] }\n";
	const char *src = "---\ntitle: ab\nauthor: Bad Name\ntags: [a, b, c]\n"
	                  "cover: {alt: x}\nextra: 1\n---\n";
	md_diags d = run_schema(schema, src);
	CHECK_DIAG(d, "fm-length", 11, 13, "at least 3");
	CHECK_DIAG(d, "fm-pattern", 22, 30, "^[a-z0-9-]+$");
	CHECK_DIAG(d, "fm-required", 54, 54, "required key `src` is missing");
	CHECK_DIAG(d, "fm-unknown-key", 63, 68, "unknown key `extra`");
	const md_diag *items = NULL;
	for (size_t i = 0; i < d.n; i++)
		if (strstr(d.v[i].message, "at most 2"))
			items = &d.v[i];
	CHECK(items != NULL);
	md_diags_free(&d);
}

TEST(extends_a_preset)
{
	const char *schema = "extends: hugo-mainroad\nrequired: [categories]\n"
	                     "properties:\n  sidebar: { enum: [left] }\n";
	md_diags d = run_schema(schema, "---\ntitle: t\nsidebar: right\ncomments: \"no\"\n---\n");
	CHECK_DIAG(d, "fm-required", 0, 3, "`categories`");
	CHECK_DIAG(d, "fm-enum", 22, 27, "not one of left");
	CHECK_DIAG(d, "fm-type", 38, 42, "comments");
	md_diags_free(&d);
}

TEST(bad_schema_is_reported)
{
	md_schema s;
	md_diags d = {0};
	const char *text = "properties:\n  a: { pattern: '([' }\n";
	CHECK_INT(md_schema_load(&s, text, strlen(text), &d), 0);
	CHECK_INT(d.n, 1);
	CHECK_STR(d.v[0].code, "schema-invalid");
	md_schema_free(&s);
	md_diags_free(&d);
	d = (md_diags){0};
	/* A repetition glibc would expand into gigabytes (found by fuzz-schema). */
	text = "properties:\n  a: { pattern: '^[0-9]{1,20700}$' }\n";
	CHECK_INT(md_schema_load(&s, text, strlen(text), &d), 0);
	CHECK_INT(d.n, 1);
	CHECK(d.n && strstr(d.v[0].message, "repeats more than 4096 times") != NULL);
	md_schema_free(&s);
	md_diags_free(&d);
	d = (md_diags){0};
	/* Usual patterns still compile: dates, slugs, bounded lengths. */
	regex_t re;
	CHECK_INT(md_regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), 0);
	regfree(&re);
	CHECK_INT(md_regcomp(&re, "^.{1,70}$"), 0);
	regfree(&re);
	CHECK_INT(md_regcomp(&re, "(a{100}){100}"), -1);
	CHECK_INT(md_regcomp(&re, "a\\{5000}"), 0);  /* an escaped brace is no count */
	regfree(&re);
	text = "extends: nope\n";
	CHECK_INT(md_schema_load(&s, text, strlen(text), &d), 0);
	CHECK_INT(d.n, 1);
	CHECK(strstr(d.v[0].message, "not a preset") != NULL);
	md_schema_free(&s);
	md_diags_free(&d);
}

TEST(every_preset_loads_cleanly)
{
	const char *names[] = {"hugo", "hugo-mainroad", "jekyll", "zola", "none"};
	for (size_t i = 0; i < 5; i++) {
		size_t len;
		const char *text = md_preset_schema(names[i], &len);
		CHECK(text != NULL);
		md_schema s;
		md_diags d = {0};
		CHECK_INT(md_schema_load(&s, text, len, &d), 0);
		CHECK(s.doc.root != NULL);
		if (d.n)
			FAIL_("preset %s: %s", names[i], d.v[0].message);
		md_schema_free(&s);
		md_diags_free(&d);
	}
}
