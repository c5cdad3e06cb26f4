/* mdpost_render: the preview's HTML, feature by feature, exact bytes. */
#include <msgpack.h>
#include <stdlib.h>

#include "harness.h"
#include "mdpost.h"

#define SITE "examples/site"
#define POST SITE "/content/posts/paris-ai-summit/index.md"

/* opts: NULL-terminated key, value pairs; "true"/"false" become booleans. */
static char *pack_opts(size_t *len, const char *const *kv)
{
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	size_t n = 0;
	while (kv[n * 2])
		n++;
	msgpack_pack_map(&pk, n);
	for (size_t i = 0; i < n; i++) {
		const char *k = kv[i * 2], *v = kv[i * 2 + 1];
		msgpack_pack_str(&pk, strlen(k));
		msgpack_pack_str_body(&pk, k, strlen(k));
		if (strcmp(v, "true") == 0)
			msgpack_pack_true(&pk);
		else if (strcmp(v, "false") == 0)
			msgpack_pack_false(&pk);
		else {
			msgpack_pack_str(&pk, strlen(v));
			msgpack_pack_str_body(&pk, v, strlen(v));
		}
	}
	*len = sb.size;
	return sb.data;
}

/* The HTML of `src` rendered with `kv` options (and the example site when
 * `site` is set); the caller frees it. */
static char *render(const char *src, const char *const *kv, mdpost_site *site,
                    mdpost_index *index)
{
	size_t olen = 0;
	char *opts = kv ? pack_opts(&olen, kv) : NULL;
	mdpost_result r = {0};
	int rc = mdpost_render(&r, site, index, src, strlen(src), opts, olen);
	free(opts);
	if (rc) {
		fprintf(stderr, "render failed: %s\n", r.error ? r.error : "?");
		mdpost_result_free(&r);
		return NULL;
	}
	char *html = strndup(r.data, r.len);
	mdpost_result_free(&r);
	return html;
}

static char *file_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strdup(buf);
}

TEST(gfm_extensions)
{
	char *h = render("| a | b |\n|---|:-:|\n| `c` | ~~d~~ |\n\n"
	                 "- [x] done\n- [ ] todo\n\nsee https://example.com now\n\n"
	                 "Text[^n].\n\n[^n]: The note.\n", NULL, NULL, NULL);
	CHECK_STR(h,
		"<table>\n<thead>\n<tr>\n<th>a</th>\n<th align=\"center\">b</th>\n</tr>\n</thead>\n"
		"<tbody>\n<tr>\n<td><code>c</code></td>\n<td align=\"center\"><del>d</del></td>\n</tr>\n"
		"</tbody>\n</table>\n"
		"<ul>\n<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> done</li>\n"
		"<li><input type=\"checkbox\" disabled=\"\" /> todo</li>\n</ul>\n"
		"<p>see <a href=\"https://example.com\">https://example.com</a> now</p>\n"
		"<p>Text<sup class=\"footnote-ref\"><a href=\"#fn-n\" id=\"fnref-n\" data-footnote-ref>1</a></sup>.</p>\n"
		"<section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-n\">\n"
		"<p>The note. <a href=\"#fnref-n\" class=\"footnote-backref\" data-footnote-backref "
		"aria-label=\"Back to content\">↩</a></p>\n</li>\n</ol>\n</section>\n");
	free(h);
}

TEST(front_matter_is_not_rendered)
{
	char *h = render("+++\ntitle = \"x\"\n+++\nBody\n", NULL, NULL, NULL);
	CHECK_STR(h, "<p>Body</p>\n");
	free(h);
}

TEST(heading_ids_as_hugo_makes_them)
{
	char *h = render("# Hello, World!\n\n## Hello, World!\n\n### 峰会概况：要点\n\n"
	                 "Setext *em*\n---\n\n## Custom {#my-id}\n\n> ## Quoted\n\n"
	                 "## Class {.wide}\n", NULL, NULL, NULL);
	CHECK_STR(h,
		"<h1 id=\"hello-world\">Hello, World!</h1>\n"
		"<h2 id=\"hello-world-1\">Hello, World!</h2>\n"
		"<h3 id=\"峰会概况要点\">峰会概况：要点</h3>\n"
		"<h2 id=\"setext-em\">Setext <em>em</em></h2>\n"
		"<h2 id=\"my-id\">Custom</h2>\n"
		"<blockquote>\n<h2 id=\"quoted\">Quoted</h2>\n</blockquote>\n"
		"<h2 id=\"class\">Class</h2>\n");
	free(h);
	const char *const bf[] = {"anchors", "blackfriday", NULL};
	h = render("# Hello, World!\n\n## Hello, World!\n", bf, NULL, NULL);
	CHECK_STR(h, "<h1 id=\"hello-world\">Hello, World!</h1>\n<h2 id=\"hello-world-1\">Hello, World!</h2>\n");
	free(h);
}

TEST(ids_agree_with_mdpost_headings)
{
	char *src = file_text(POST);
	CHECK(src != NULL);
	mdpost_result r = {0};
	CHECK_INT(mdpost_headings(&r, NULL, src, strlen(src), NULL, 0), 0);
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	size_t off = 0;
	CHECK(msgpack_unpack_next(&u, r.data, r.len, &off) == MSGPACK_UNPACK_SUCCESS);
	char *h = render(src, NULL, NULL, NULL);
	CHECK(h != NULL);
	size_t n = u.data.via.array.size, found = 0;
	for (size_t i = 0; i < n; i++) {
		const msgpack_object *m = &u.data.via.array.ptr[i];
		for (uint32_t k = 0; k < m->via.map.size; k++) {
			const msgpack_object *key = &m->via.map.ptr[k].key;
			const msgpack_object *val = &m->via.map.ptr[k].val;
			if (key->via.str.size == 2 && memcmp(key->via.str.ptr, "id", 2) == 0) {
				char want[512];
				snprintf(want, sizeof(want), " id=\"%.*s\">", (int)val->via.str.size, val->via.str.ptr);
				found += h && strstr(h, want) != NULL;
			}
		}
	}
	CHECK(n >= 10);
	CHECK_INT(found, n);
	msgpack_unpacked_destroy(&u);
	mdpost_result_free(&r);
	free(h);
	free(src);
}

TEST(sourcepos_becomes_file_lines)
{
	const char *const sp[] = {"sourcepos", "true", NULL};
	char *h = render("---\ntitle: x\n---\n# T\n\npara\n\n- a\n- b\n", sp, NULL, NULL);
	CHECK_STR(h, "<h1 id=\"t\" data-line=\"3\">T</h1>\n<p data-line=\"5\">para</p>\n"
	             "<ul data-line=\"7\">\n<li data-line=\"7\">a</li>\n<li data-line=\"8\">b</li>\n</ul>\n");
	free(h);
	/* Without the option, no position at all. */
	h = render("---\ntitle: x\n---\n# T\n", NULL, NULL, NULL);
	CHECK_STR(h, "<h1 id=\"t\">T</h1>\n");
	free(h);
}

TEST(raw_html_follows_unsafe)
{
	const char *src = "<div class=\"x\">hi</div>\n\na <b>b</b>\n";
	char *h = render(src, NULL, NULL, NULL);
	CHECK_STR(h, "<!-- raw HTML omitted -->\n<p>a <!-- raw HTML omitted -->b<!-- raw HTML omitted --></p>\n");
	free(h);
	const char *const un[] = {"unsafe", "true", NULL};
	h = render(src, un, NULL, NULL);
	CHECK_STR(h, "<div class=\"x\">hi</div>\n<p>a <b>b</b></p>\n");
	free(h);
}

TEST(shortcodes)
{
	const char *const sp[] = {"sourcepos", "true", NULL};
	char *h = render("Text.\n\n{{< figure src=\"a b.png\" title=\"T\" caption=\"C & D\" link=\"/x\" class=\"wide\" >}}\n\n"
	                 "Inline {{< youtube id=\"abc\" >}} and {{% note %}}**hi**{{% /note %}}.\n\n"
	                 "Escaped: {{</* figure src=\"x.png\" */>}}\n\n"
	                 "{{< figure\n  src=\"multi.png\"\n>}}\n\nafter\n", sp, NULL, NULL);
	CHECK_STR(h,
		"<p data-line=\"0\">Text.</p>\n<figure data-line=\"2\" class=\"wide\"><a href=\"/x\"><img src=\"a b.png\" alt=\"C &amp; D\" />"
		"</a><figcaption><h4>T</h4><p>C &amp; D</p></figcaption></figure>\n"
		"<p data-line=\"4\">Inline <span class=\"mdpost-shortcode\" title=\"Hugo shortcode: the site renders it\">"
		"{{&lt; youtube id=&quot;abc&quot; &gt;}}</span> and <span class=\"mdpost-shortcode\" "
		"title=\"Hugo shortcode: the site renders it\">{{% note %}}</span><strong>hi</strong>"
		"<span class=\"mdpost-shortcode\" title=\"Hugo shortcode: the site renders it\">{{% /note %}}</span>.</p>\n"
		"<p data-line=\"6\">Escaped: {{&lt; figure src=&quot;x.png&quot; &gt;}}</p>\n"
		"<figure data-line=\"8\"><img src=\"multi.png\" /></figure>\n"
		"<p data-line=\"12\">after</p>\n");
	free(h);
}

TEST(ref_and_relref_become_urls)
{
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, POST, strlen(POST)), 0);
	mdpost_index *index = NULL;
	CHECK_INT(mdpost_index_new(&index, &err, site, 0), 0);
	const char *const opts[] = {"path", POST, NULL};
	char *h = render("[a]({{< relref \"second-post.md\" >}}) [b]({{< ref \"/posts/second-post.md#x\" >}}) "
	                 "[c]({{< ref \"nope.md\" >}})\n", opts, site, index);
	CHECK_STR(h, "<p><a href=\"/posts/second-post/\">a</a> <a href=\"/posts/second-post/#x\">b</a> "
	             "<a href=\"nope.md\">c</a></p>\n");
	free(h);
	/* Without an index, the path as written. */
	h = render("[a]({{< relref \"second-post.md\" >}})\n", opts, site, NULL);
	CHECK_STR(h, "<p><a href=\"second-post.md\">a</a></p>\n");
	free(h);
	mdpost_index_free(index);
	mdpost_site_free(site);
}

TEST(asset_base_points_local_files_at_the_server)
{
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, POST, strlen(POST)), 0);
	const char *const opts[] = {"path", POST, "asset_base", "/tok/site/", NULL};
	char *h = render("![a](cover.png) ![b](/images/summit-hall.png) ![c](missing.png) "
	                 "![d](https://x.org/y.png) ![e](../../../hugo.toml) [f](#top) "
	                 "![g](cover.png?v=1)\n\n{{< figure src=\"cover.png\" >}}\n", opts, site, NULL);
	CHECK_STR(h, "<p><img src=\"/tok/site/content/posts/paris-ai-summit/cover.png\" alt=\"a\" /> "
	             "<img src=\"/tok/site/static/images/summit-hall.png\" alt=\"b\" /> "
	             "<img src=\"missing.png\" alt=\"c\" /> <img src=\"https://x.org/y.png\" alt=\"d\" /> "
	             "<img src=\"/tok/site/hugo.toml\" alt=\"e\" /> <a href=\"#top\">f</a> "
	             "<img src=\"/tok/site/content/posts/paris-ai-summit/cover.png\" alt=\"g\" /></p>\n"
	             "<figure><img src=\"/tok/site/content/posts/paris-ai-summit/cover.png\" /></figure>\n");
	free(h);
	/* Outside the site root: never. */
	h = render("![x](../../../../../../../../../../etc/passwd)\n", opts, site, NULL);
	CHECK_STR(h, "<p><img src=\"../../../../../../../../../../etc/passwd\" alt=\"x\" /></p>\n");
	free(h);
	mdpost_site_free(site);
}

TEST(standalone_page)
{
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, POST, strlen(POST)), 0);
	const char *src = "---\ntitle: \"A <b> title\"\ndate: 2025-02-12T20:05:00+08:00\n"
	                  "tags: [ai, 峰会]\ncategories: 科技\nthumbnail: cover.png\n---\nBody\n";
	const char *const opts[] = {"path", POST, "standalone", "true", "asset_base", "/t/", NULL};
	char *h = render(src, opts, site, NULL);
	CHECK(h && strncmp(h, "<!DOCTYPE html>\n<html><head>\n<meta charset=\"utf-8\">", 50) == 0);
	CHECK(h && strstr(h, "<title>A &lt;b&gt; title</title>"));
	CHECK(h && strstr(h, "\"Noto Sans CJK SC\""));
	CHECK(h && strstr(h,
		"<header class=\"mdpost-card\">\n"
		"<img class=\"mdpost-thumbnail\" src=\"/t/content/posts/paris-ai-summit/cover.png\" alt=\"\">\n"
		"<h1 class=\"mdpost-title\">A &lt;b&gt; title</h1>\n"
		"<p class=\"mdpost-meta\"><time datetime=\"2025-02-12T20:05:00+08:00\">2025-02-12</time></p>\n"
		"<ul class=\"mdpost-tags mdpost-categories\"><li>科技</li></ul>\n"
		"<ul class=\"mdpost-tags mdpost-taglist\"><li>ai</li><li>峰会</li></ul>\n"
		"</header>\n<article class=\"mdpost-body\">\n<p>Body</p>\n</article>\n</main>\n</body>\n</html>\n"));
	free(h);
	const char *const css[] = {"standalone", "true", "css", "body{color:red}", NULL};
	h = render(src, css, NULL, NULL);
	CHECK(h && strstr(h, "<style>\nbody{color:red}</style>") && !strstr(h, "Noto Sans"));
	free(h);
	mdpost_site_free(site);
}

TEST(bad_options_are_refused)
{
	const char *const bad[] = {"sourcepos", "yes", NULL};
	size_t olen;
	char *opts = pack_opts(&olen, bad);
	mdpost_result r = {0};
	CHECK_INT(mdpost_render(&r, NULL, NULL, "x", 1, opts, olen), MDPOST_EINVAL);
	CHECK(r.error && strstr(r.error, "sourcepos"));
	mdpost_result_free(&r);
	free(opts);
}

TEST(lists_nested_too_deep_on_one_line_are_refused)
{
	/* cmark-gfm's time grows with the square of this depth. */
	char src[700];
	size_t n = 0;
	for (int i = 0; i < 150; i++) {
		src[n++] = '-';
		src[n++] = ' ';
	}
	memcpy(src + n, "x\n", 3);
	mdpost_result r = {0};
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), NULL, 0), MDPOST_ETOOBIG);
	CHECK(r.error && strstr(r.error, "lists nest more than 100 deep on one line"));
	mdpost_result_free(&r);
	/* 100 deep still renders. */
	src[200] = 'x';
	src[201] = '\n';
	src[202] = '\0';
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), NULL, 0), 0);
	mdpost_result_free(&r);
}

TEST(raw_html_openers_never_closed_are_refused)
{
	/* cmark-gfm 0.29 looks for each one's closer to the end of the
	 * paragraph: 50,000 of them would take seconds. */
	size_t n = 2 + 50000 * 4;
	char *src = malloc(n + 2);
	memcpy(src, "a ", 2);
	for (size_t i = 0; i < 50000; i++)
		memcpy(src + 2 + i * 4, "<?x ", 4);
	memcpy(src + n, "\n", 2);
	mdpost_result r = {0};
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), NULL, 0), MDPOST_ETOOBIG);
	CHECK(r.error && strstr(r.error, "`<?`, `<!` or `<![CDATA[` are never closed"));
	mdpost_result_free(&r);
	CHECK_INT(mdpost_check(&r, NULL, NULL, src, strlen(src), NULL, 0), 0);
	CHECK(r.data && memmem(r.data, r.len, "md-limit", 8));
	mdpost_result_free(&r);
	/* Closed ones, however many, are raw HTML as usual. */
	for (size_t i = 0; i < 50000; i++)
		memcpy(src + 2 + i * 4, "<?>x", 4);
	CHECK_INT(mdpost_render(&r, NULL, NULL, src, strlen(src), NULL, 0), 0);
	mdpost_result_free(&r);
	free(src);
}
