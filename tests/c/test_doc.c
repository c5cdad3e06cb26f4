/*
 * mdpost_doc: a kept document gives, after any sequence of edits, exactly
 * what a cold mdpost_check / mdpost_folds gives for the same text.
 */
#include <stdlib.h>

#include "harness.h"
#include "mdpost.h"

#define POST "examples/site/content/posts/paris-ai-summit/index.md"

static char *file_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Pieces an edit inserts: the ones that change Markdown's structure. */
static const char *const pieces[] = {
	"[", "]", "(", ")", "](x.md)", "[a](#峰会概况)", "\n", "\n\n", "# ", "## New\n",
	"```\n", "    ", "> ", "- ", "|", "<a href=\"b.md\">", "`", "*", "---\n", "字",
	"{{< ref \"second-post.md\" >}}", "[^1]", "[l]: /x.md\n", "\\", "&amp;", "![i](cover.png)",
};

/* Same bytes from a kept document and from a cold call. */
static int same_check(mdpost_doc *doc, mdpost_site *site, mdpost_index *index, const char *text,
                      size_t len, const char *opts, size_t olen)
{
	mdpost_result a = {0}, b = {0};
	int ra = mdpost_doc_check(&a, doc, site, index, text, len, opts, olen);
	int rb = mdpost_check(&b, site, index, text, len, opts, olen);
	int same = ra == rb && a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
	mdpost_result_free(&a);
	mdpost_result_free(&b);
	ra = mdpost_doc_folds(&a, doc, text, len, NULL, 0);
	rb = mdpost_folds(&b, site, text, len, NULL, 0);
	same = same && ra == rb && a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
	mdpost_result_free(&a);
	mdpost_result_free(&b);
	return same;
}

static void random_edits(const char *path, int rounds)
{
	size_t len;
	char *orig = file_text(path, &len);
	CHECK(orig != NULL);
	if (!orig)
		return;
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, path, strlen(path)), 0);
	mdpost_index *index = NULL;
	CHECK_INT(mdpost_index_new(&index, &err, site, 0), 0);
	/* opts = {path = ...}: links resolve against the site. */
	char opts[600];
	size_t pl = strlen(path);
	opts[0] = (char)0x81;
	opts[1] = (char)0xa4;
	memcpy(opts + 2, "path", 4);
	opts[6] = (char)0xd9;
	opts[7] = (char)pl;
	memcpy(opts + 8, path, pl);
	size_t olen = 8 + pl;
	mdpost_doc *doc = NULL;
	CHECK_INT(mdpost_doc_new(&doc, &err), 0);
	size_t cap = len + 64 * 1024;
	char *text = malloc(cap);
	memcpy(text, orig, len);
	size_t n = len;
	int mismatches = 0, first_bad = -1;
	for (int r = 0; r < rounds; r++) {
		/* 1 to 3 edits between checks, as typing between two pauses. */
		int edits = 1 + (int)test_rnd(3);
		for (int e = 0; e < edits; e++) {
			size_t at = n ? test_rnd((unsigned)n + 1) : 0;
			if (test_rnd(3) == 0 && n > 0) {
				size_t del = 1 + test_rnd(12);
				if (at + del > n)
					del = n - at;
				memmove(text + at, text + at + del, n - at - del);
				n -= del;
			} else {
				const char *p = pieces[test_rnd(sizeof(pieces) / sizeof(pieces[0]))];
				size_t k = strlen(p);
				if (n + k >= cap)
					continue;
				memmove(text + at + k, text + at, n - at);
				memcpy(text + at, p, k);
				n += k;
			}
		}
		/* Now and then undo it all, as :e! does. */
		if (test_rnd(40) == 0) {
			memcpy(text, orig, len);
			n = len;
		}
		if (!same_check(doc, site, index, text, n, opts, olen)) {
			if (first_bad < 0)
				first_bad = r;
			mismatches++;
		}
	}
	if (mismatches)
		fprintf(stderr, "%s: %d of %d rounds differ (first at round %d)\n", path, mismatches,
		        rounds, first_bad);
	CHECK_INT(mismatches, 0);
	mdpost_doc_free(doc);
	mdpost_index_free(index);
	mdpost_site_free(site);
	free(text);
	free(orig);
}

TEST(edits_give_what_a_cold_check_gives)
{
	random_edits(POST, 400);
	random_edits("examples/site/content/posts/second-post.md", 200);
}

TEST(front_matter_edits_move_the_body)
{
	const char *a = "---\ntitle: a\n---\n# H\n\n[x](#h) [y](#nope)\n";
	const char *b = "---\ntitle: a\ntags: [x]\n---\n# H\n\n[x](#h) [y](#nope)\n";
	const char *c = "# H\n\n[x](#h) [y](#nope)\n";
	mdpost_doc *doc = NULL;
	CHECK_INT(mdpost_doc_new(&doc, NULL), 0);
	CHECK(same_check(doc, NULL, NULL, a, strlen(a), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, b, strlen(b), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, c, strlen(c), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, a, strlen(a), NULL, 0));
	/* And the same text twice. */
	CHECK(same_check(doc, NULL, NULL, a, strlen(a), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, "", 0, NULL, 0));
	mdpost_doc_free(doc);
}

TEST(too_deep_and_back)
{
	char deep[400];
	memset(deep, '>', 300);
	strcpy(deep + 300, " x\n\n# H\n");
	const char *ok = "# H\n\n[a](#h)\n";
	mdpost_doc *doc = NULL;
	CHECK_INT(mdpost_doc_new(&doc, NULL), 0);
	CHECK(same_check(doc, NULL, NULL, ok, strlen(ok), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, deep, strlen(deep), NULL, 0));
	CHECK(same_check(doc, NULL, NULL, ok, strlen(ok), NULL, 0));
	mdpost_doc_free(doc);
}

TEST(null_document_is_a_cold_check)
{
	const char *a = "# H\n";
	mdpost_result r = {0};
	CHECK_INT(mdpost_doc_check(&r, NULL, NULL, NULL, a, strlen(a), NULL, 0), 0);
	mdpost_result_free(&r);
	mdpost_doc_free(NULL);
	CHECK_INT(mdpost_doc_new(NULL, NULL), MDPOST_EINVAL);
}
