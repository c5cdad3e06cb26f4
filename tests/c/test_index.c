/*
 * The site index's "did you mean" search: its 3-gram candidates never miss
 * the page a search of every page finds (the nearest within 3 edits, the
 * first in index order on a tie), on URLs made to be near each other.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

/* Few words, so slugs share many grams; CJK counts as one character. */
static const char *const words[] = {
	"ai", "model", "models", "policy", "growth", "market", "summit", "china", "chip", "chips",
	"data", "cloud", "robot", "agent", "agents", "vision", "峰会", "人工智能", "数据", "x",
};

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* One random edit of a string of code points (at most 80). */
static size_t mutate(char out[][5], size_t n)
{
	static const char *const chars[] = {"a", "e", "-", "_", "s", "1", "/", "字", "M"};
	unsigned what = test_rnd(4), at = n ? test_rnd((unsigned)n) : 0;
	if (what == 0 && n < 79) { /* insert */
		memmove(out[at + 1], out[at], (n - at) * sizeof(out[0]));
		snprintf(out[at], 5, "%s", chars[test_rnd(9)]);
		return n + 1;
	}
	if (what == 1 && n > 1) { /* delete */
		memmove(out[at], out[at + 1], (n - at - 1) * sizeof(out[0]));
		return n - 1;
	}
	if (what == 2 && n) { /* substitute */
		snprintf(out[at], 5, "%s", chars[test_rnd(9)]);
		return n;
	}
	if (n > 1 && at + 1 < n) { /* swap neighbours */
		char t[5];
		memcpy(t, out[at], 5);
		memcpy(out[at], out[at + 1], 5);
		memcpy(out[at + 1], t, 5);
	}
	return n;
}

static size_t split_points(const char *s, char out[][5])
{
	size_t n = 0;
	for (size_t i = 0; s[i] && n < 80; n++) {
		uint32_t cp;
		size_t k = md_utf8_decode((const unsigned char *)s + i, strlen(s + i), &cp);
		memcpy(out[n], s + i, k);
		out[n][k] = '\0';
		i += k;
	}
	return n;
}

TEST(nearest_equals_a_search_of_every_page)
{
	test_rng_state = 7;
	char dir[] = "/tmp/mdpost-index-XXXXXX", path[512];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/hugo.toml", dir);
	put_file(path, "baseURL = 'https://example.org/'\ntitle = 't'\n");
	snprintf(path, sizeof(path), "%s/content", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/content/posts", dir);
	mkdir(path, 0755);
	int pages = 0;
	for (int i = 0; i < 800; i++) {
		char slug[256] = "";
		int nw = 1 + (int)test_rnd(5);
		for (int w = 0; w < nw; w++) {
			strcat(slug, words[test_rnd(sizeof(words) / sizeof(*words))]);
			if (w + 1 < nw)
				strcat(slug, test_rnd(2) ? "-" : "_");
		}
		if (test_rnd(2))
			snprintf(slug + strlen(slug), 16, "-%02u", test_rnd(100));
		snprintf(path, sizeof(path), "%s/content/posts/%s.md", dir, slug);
		if (access(path, F_OK) == 0)
			continue;
		put_file(path, "---\ntitle: t\n---\nbody\n");
		pages++;
	}
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, dir, strlen(dir)), 0);
	mdpost_index *index = NULL;
	CHECK_INT(mdpost_index_new(&index, &err, site, 0), 0);
	CHECK_INT(mdpost_index_wait(index), 0);
	size_t n_pages = mdpost_index_pages(index);
	CHECK((int)n_pages >= pages);
	int found = 0, missed = 0, wrong = 0;
	for (int q = 0; q < 4000 && n_pages; q++) {
		const md_page *from = md_index_page_at(index, test_rnd((unsigned)n_pages));
		char pts[81][5];
		size_t n = split_points(from->url, pts);
		int edits = (int)test_rnd(6);
		for (int e = 0; e < edits; e++)
			n = mutate(pts, n);
		char url[512] = "";
		for (size_t i = 0; i < n; i++)
			strcat(url, pts[i]);
		/* Every page, in order. */
		const md_page *want = NULL;
		size_t best = 4;
		for (size_t i = 0; i < n_pages; i++) {
			const md_page *pg = md_index_page_at(index, i);
			size_t d = md_edit_distance(pg->url, pg->url_len, url, strlen(url));
			if (d < best)
				best = d, want = pg;
		}
		const md_page *got = md_index_nearest(index, url, strlen(url));
		found += want != NULL;
		missed += want && !got;
		if (got != want && wrong++ < 5)
			fprintf(stderr, "nearest(%s): got %s, want %s\n", url, got ? got->url : "-",
			        want ? want->url : "-");
		/* Asked again: the remembered answer. */
		CHECK(md_index_nearest(index, url, strlen(url)) == got);
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(missed, 0);
	CHECK(found > 2000); /* most searches have an answer: the test exercises the candidates */
	mdpost_index_free(index);
	mdpost_site_free(site);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
}

#include <ftw.h>

/* A post's own parse (a check) and md_heading_ids (the index's parse for
 * other posts' links) give the same ids: the CLI hands the first to the
 * index (md_index_offer_ids) instead of parsing again. */
static int ids_files, ids_differ;

static int same_ids(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)ftw;
	size_t n = strlen(path);
	if (flag != FTW_F || n < 3 || strcmp(path + n - 3, ".md") != 0)
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	static char text[1 << 21];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	md_frontmatter fm;
	md_diags d = {0};
	md_frontmatter_parse(&fm, text, len, &d);
	md_diags_free(&d);
	for (int style = MD_ANCHOR_GITHUB; style <= MD_ANCHOR_BLACKFRIDAY; style++) {
		md_doc doc;
		md_strset ids = {0};
		if (md_doc_parse(&doc, text, len, fm.body_start, (md_anchor_style)style, 0) ||
		    md_heading_ids(&ids, text, len, fm.body_start, (md_anchor_style)style)) {
			ids_differ++;
			continue;
		}
		/* The same set (explicit {#id}s may repeat). */
		md_strset mine = {0};
		for (size_t i = 0; i < doc.headings.n; i++)
			md_strset_put(&mine, doc.headings.v[i].id, strlen(doc.headings.v[i].id), NULL);
		int same = !doc.limit && ids.n == mine.n;
		for (size_t i = 0; same && i < doc.headings.n; i++)
			same = md_strset_has(&ids, doc.headings.v[i].id, strlen(doc.headings.v[i].id));
		if (!same && !doc.limit && ids_differ++ < 5)
			fprintf(stderr, "%s (style %d): %zu ids from the check, %zu from md_heading_ids\n", path,
			        style, mine.n, ids.n);
		md_strset_free(&mine);
		md_doc_free(&doc);
		md_strset_free(&ids);
	}
	md_frontmatter_free(&fm);
	ids_files++;
	return 0;
}

TEST(a_checks_heading_ids_are_the_index_ids)
{
	const char *dir = getenv("MDPOST_IDS_DIR"); /* any site's content, by hand */
	if (dir) {
		nftw(dir, same_ids, 16, FTW_PHYS);
	} else {
		nftw("examples", same_ids, 16, FTW_PHYS);
		nftw("tests/fixtures", same_ids, 16, FTW_PHYS);
		nftw("tests/fuzz", same_ids, 16, FTW_PHYS);
	}
	CHECK(ids_files >= 15);
	CHECK_INT(ids_differ, 0);
}
