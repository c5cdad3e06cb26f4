/*
 * Heading ids as Hugo 0.111 makes them (csrc/anchors.c): every heading of
 * tests/fixtures/anchors/headings.md against the ids real Hugo builds gave
 * (expected.tsv, all three id types), then the corners around them. The
 * headings below were built with Hugo 0.111.3 too, except where a comment
 * says otherwise; tests/fixtures/anchors/crosscheck.sh compares the code
 * with Go's tables and goldmark itself on every code point and on random
 * headings. Run from the repository root (as make does).
 */
#include <stdlib.h>

#include "harness.h"
#include "anchors.h"

#define FIXTURES "tests/fixtures/anchors/"

static const md_anchor_style styles[3] = {
	MD_ANCHOR_GITHUB, MD_ANCHOR_GITHUB_ASCII, MD_ANCHOR_BLACKFRIDAY,
};
static const char *style_names[3] = {"github", "github-ascii", "blackfriday"};

/* ---- helpers -------------------------------------------------------------- */

/* One page: a registry per id type, as Hugo builds each type separately. */
typedef struct page {
	md_idset ids[3];
} page;

static void page_free(page *p)
{
	for (int i = 0; i < 3; i++)
		md_idset_free(&p->ids[i]);
}

/* The id of the next heading of the page, for id type `t`. */
static char *next_id(page *p, int t, const char *src, size_t len, int setext)
{
	md_anchor_src s;
	md_buf out = {0};
	CHECK_INT(md_anchor_source(&s, src, len, setext), 0);
	CHECK_INT(md_anchor_id(&p->ids[t], &s, styles[t], &out), 0);
	md_anchor_source_free(&s);
	return out.data ? out.data : calloc(1, 1);
}

/* Ids of the headings of a page given as ATX lines ("## Foo") or setext
 * text lines marked with a leading '=' ("=Foo"), for id type `t`. */
#define PAGE_MAX 16
static void page_ids(int t, const char *const *lines, size_t n, char **ids)
{
	page p = {0};
	for (size_t i = 0; i < n; i++) {
		const char *l = lines[i];
		int setext = l[0] == '=';
		ids[i] = next_id(&p, t, l + setext, strlen(l + setext), setext);
	}
	page_free(&p);
}

/* One heading alone on a page. */
static char *one_id(int t, const char *line)
{
	char *id;
	page_ids(t, &line, 1, &id);
	return id;
}

#define CHECK_IDS(line, gh, ascii, bf)                                     \
	do {                                                                    \
		const char *w3_[3] = {gh, ascii, bf};                               \
		for (int t_ = 0; t_ < 3; t_++) {                                    \
			char *g_ = one_id(t_, line);                                    \
			if (strcmp(g_, w3_[t_]) != 0)                                   \
				FAIL_("%s: %s -> \"%s\", want \"%s\"", style_names[t_], line, \
				      g_, w3_[t_]);                                         \
			free(g_);                                                       \
		}                                                                   \
	} while (0)

/* ---- the measured fixture ---------------------------------------------- */

/* expected.tsv escapes: \\ \t \n. */
static char *unescape(const char *s, size_t n)
{
	char *o = malloc(n + 1), *w = o;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			*w++ = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i];
		} else {
			*w++ = s[i];
		}
	}
	*w = '\0';
	return o;
}

/* Container prefixes as headings.md uses them: "> ", "- ", "1. ", nested. */
static size_t container_prefix(const char *l, size_t n)
{
	size_t p = 0;
	for (;;) {
		size_t i = p, sp = 0;
		while (i < n && l[i] == ' ' && sp < 3)
			i++, sp++;
		if (i < n && l[i] == '>') {
			i++;
			if (i < n && (l[i] == ' ' || l[i] == '\t'))
				i++;
		} else if (i + 1 < n && strchr("-*+", l[i]) && l[i + 1] == ' ') {
			i += 2;
		} else {
			size_t d = i;
			while (d < n && l[d] >= '0' && l[d] <= '9')
				d++;
			if (d == i || d + 1 >= n || l[d] != '.' || l[d + 1] != ' ')
				return p;
			i = d + 2;
		}
		p = i;
	}
}

TEST(hugo_fixture_all_rows)
{
	size_t md_len, tsv_len;
	char err[256];
	char *md = md_read_file(FIXTURES "headings.md", &md_len, err, sizeof(err));
	char *tsv = md_read_file(FIXTURES "expected.tsv", &tsv_len, err, sizeof(err));
	if (!md || !tsv) {
		FAIL_("%s (run from the repository root)", err);
		free(md);
		free(tsv);
		return;
	}
	/* Line starts of headings.md, 1-based. */
	size_t n_lines = 0, *starts = malloc((md_len + 2) * sizeof(size_t));
	starts[++n_lines] = 0;
	for (size_t i = 0; i < md_len; i++)
		if (md[i] == '\n' && i + 1 < md_len)
			starts[++n_lines] = i + 1;
#define LINE_LEN(k) (strcspn(md + starts[k], "\n"))

	page p = {0};
	int rows = 0, matched = 0, setexts = 0;
	char *save = NULL;
	char *row = strtok_r(tsv, "\n", &save);  /* the header */
	while ((row = strtok_r(NULL, "\n", &save))) {
		const char *f[7];
		size_t fl[7];
		const char *c = row;
		for (int k = 0; k < 7; k++) {
			f[k] = c;
			fl[k] = strcspn(c, "\t");
			c += fl[k] + (c[fl[k]] == '\t');
		}
		rows++;
		size_t line = (size_t)atoi(f[0]);
		char *source = unescape(f[2], fl[2]);
		int setext = strchr(source, '\n') != NULL;
		/* The source column is the raw line(s); the last one of a setext
		 * heading is the underline, its text line the one before. */
		size_t k = line, nsrc = 1;
		for (const char *q = source; (q = strchr(q, '\n')); q++)
			nsrc++;
		if (setext) {
			k = line + nsrc - 2;
			setexts++;
		}
		CHECK(line >= 1 && k <= n_lines);
		if (line < 1 || k > n_lines) {
			free(source);
			continue;
		}
		CHECK(strncmp(md + starts[line], source, LINE_LEN(line)) == 0);
		const char *l = md + starts[k];
		size_t pre = container_prefix(l, LINE_LEN(k));
		/* What markdown.c passes: ATX from after the container prefix to
		 * the end of the document; setext just the text line. */
		size_t len = setext ? LINE_LEN(k) - pre : md_len - starts[k] - pre;
		for (int t = 0; t < 3; t++) {
			char *want = unescape(f[3 + t], fl[3 + t]);
			char *got = next_id(&p, t, l + pre, len, setext);
			if (strcmp(got, want) == 0)
				matched++;
			else
				FAIL_("line %zu %s: %s -> \"%s\", want \"%s\"", line, style_names[t],
				      source, got, want);
			free(got);
			free(want);
		}
		free(source);
	}
	CHECK_INT(rows, 195);
	CHECK_INT(setexts, 10);
	CHECK_INT(matched, 195 * 3);
	page_free(&p);
	free(starts);
	free(md);
	free(tsv);
}

/* ---- source extraction ------------------------------------------------- */

static void check_source(const char *line, int setext, const char *text, const char *id)
{
	md_anchor_src s;
	CHECK_INT(md_anchor_source(&s, line, strlen(line), setext), 0);
	if (s.text_len != strlen(text) || memcmp(s.text, text, s.text_len) != 0)
		FAIL_("%s: text \"%.*s\", want \"%s\"", line, (int)s.text_len, s.text, text);
	if (!id && s.id)
		FAIL_("%s: id \"%.*s\", want none", line, (int)s.id_len, s.id);
	if (id && (!s.id || s.id_len != strlen(id) || memcmp(s.id, id, s.id_len) != 0))
		FAIL_("%s: id \"%.*s\", want \"%s\"", line, s.id ? (int)s.id_len : 6,
		      s.id ? s.id : "(none)", id);
	CHECK_INT(s.id_invalid, 0);
	md_anchor_source_free(&s);
}

TEST(source_atx)
{
	check_source("# Hello World", 0, "Hello World", NULL);
	check_source("##   Leading spaces", 0, "Leading spaces", NULL);
	check_source("   ## Indented", 0, "Indented", NULL);
	check_source("## Trailing #s ##", 0, "Trailing #s ", NULL);
	check_source("## Closing   ###   ", 0, "Closing   ", NULL);
	check_source("## Hash#", 0, "Hash#", NULL);
	check_source("## Escaped \\#", 0, "Escaped \\#", NULL);
	check_source("## ##", 0, "", NULL);
	check_source("##", 0, "", NULL);
	check_source("###   ", 0, "", NULL);
	check_source("##\n", 0, "", NULL);
	check_source("## Foo\r\n", 0, "Foo", NULL);
	check_source("## Foo", 0, "Foo", NULL);
	check_source("## `code` *em* [l](http://x \"t\") &amp;", 0,
	             "`code` *em* [l](http://x \"t\") &amp;", NULL);
	check_source("## Text {#custom}", 0, "Text ", "custom");
	check_source("## Text {.cls}", 0, "Text ", NULL);
	check_source("## Text ## {#after-close}", 0, "Text ", "after-close");
	check_source("## Text ## {.c}", 0, "Text ", NULL);
	/* The first " #" decides; a bad block there is just text. */
	check_source("## A # b ## {#x}", 0, "A # b ## ", "x");
	check_source("## Bad last {#ok} {bad", 0, "Bad last {#ok} {bad", NULL);
	check_source("## Middle {#mid} text", 0, "Middle {#mid} text", NULL);
	check_source("## Escaped \\{#not-id}", 0, "Escaped \\{#not-id}", NULL);
	check_source("## Double \\\\{#q}", 0, "Double \\\\{#q}", NULL);
	check_source("## Braces {not attr} {.real}", 0, "Braces {not attr} ", NULL);
	check_source("## Bad {#bad id!}", 0, "Bad {#bad id!}", NULL);
	check_source("## Two {#first #second}", 0, "Two ", "second");
	check_source("## Empty {#}", 0, "Empty ", "");
	check_source("## Sp {id=\"has space\"}", 0, "Sp ", "has space");
	check_source("## Esc {id=\"a\\\"b\\\\c\\u\"}", 0, "Esc ", "a\"b\\c\\u");
	check_source("## Word {id=word-1}", 0, "Word ", "word-1");
	check_source("## Uni {#中文id}", 0, "Uni ", "中文id");
	check_source("## Chars {#a:b.c_d-e}", 0, "Chars ", "a:b.c_d-e");
	check_source("## Last wins {id=\"a\" #b}", 0, "Last wins ", "b");
	check_source("## Comma {#a, .b,}", 0, "Comma ", "a");
	/* goldmark: "{}" is a block, "{ }" is not; values are checked. */
	check_source("## Empty braces {}", 0, "Empty braces ", NULL);
	check_source("## Spaced braces { }", 0, "Spaced braces { }", NULL);
	check_source("## Nested {data={a=1}}", 0, "Nested {data={a=1}}", NULL);
	check_source("## Arr {x=[1 2, \"s\"]}", 0, "Arr ", NULL);
	check_source("## Arr {x=[]}", 0, "Arr ", NULL);
	check_source("## Arr {x=[ ]}", 0, "Arr {x=[ ]}", NULL);
	check_source("## Arr {x=[1,]}", 0, "Arr {x=[1,]}", NULL);
	check_source("## Num {x=-1.5e+3}", 0, "Num ", NULL);
	check_source("## Num {x=1e}", 0, "Num {x=1e}", NULL);
	check_source("## Num {x=1.}", 0, "Num ", NULL);
	check_source("## Num {x=.5}", 0, "Num {x=.5}", NULL);
	/* Go's ParseFloat fails past float64's range. */
	check_source("## Num {x=1e400}", 0, "Num {x=1e400}", NULL);
	check_source("## Num {x=1.8e308}", 0, "Num {x=1.8e308}", NULL);
	check_source("## Num {x=1.7976931348623157e308}", 0, "Num ", NULL);
	check_source("## Num {x=0.00179769313486231581e311}", 0, "Num {x=0.00179769313486231581e311}", NULL);
	check_source("## Num {x=-0e99999}", 0, "Num ", NULL);
	check_source("## Num {x=1e-400}", 0, "Num ", NULL);
	check_source("## Class {class=5}", 0, "Class {class=5}", NULL);
	check_source("## Key {x = y}", 0, "Key ", NULL);
	check_source("## Key {x}", 0, "Key {x}", NULL);
	check_source("## Str {x=\"open}", 0, "Str {x=\"open}", NULL);
}

TEST(source_setext)
{
	check_source("Setext One", 1, "Setext One", NULL);
	check_source("   Indented   ", 1, "Indented", NULL);
	check_source("First line\nSecond line", 1, "Second line", NULL);
	/* No closing sequence in setext text. */
	check_source("Trailing #s ##", 1, "Trailing #s ##", NULL);
	check_source("Custom {#setext-id}", 1, "Custom ", "setext-id");
	check_source("Custom {#setext-id}  \r", 1, "Custom ", "setext-id");
	check_source("Class {.c}", 1, "Class ", NULL);
}

/* Every id value that is not a string stops Hugo 0.111's build ("interface
 * conversion: interface {} is float64, not []uint8"; id=null: "is nil"). */
TEST(source_id_not_a_string)
{
	const char *bad[] = {
		"## X {id=5}", "## X {id=true}", "## X {id=null}", "## X {id=[1]}",
		"## X ## {id=5}", "## X ## {id={a=b}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		md_anchor_src s;
		CHECK_INT(md_anchor_source(&s, bad[i], strlen(bad[i]), 0), 0);
		if (!s.id_invalid)
			FAIL_("%s: id_invalid not set", bad[i]);
		CHECK(s.id == NULL);
		md_anchor_source_free(&s);
	}
	/* A later string id replaces it. At the end of the text the last `{`
	 * is the inner one, so there is no block at all. */
	check_source("## X {id=5 #ok}", 0, "X ", "ok");
	check_source("## X {id={a=b}}", 0, "X {id={a=b}}", NULL);
}

/* After `## Foo ##` goldmark skips whitespace, newlines and blank lines
 * included, and reads an attribute block from the raw lines that follow;
 * Hugo renders <h2 id="next-line">Foo</h2> and the {#...} line vanishes. */
TEST(source_closing_sequence_reads_on)
{
	const char *doc = "## Foo ##\n\n{#next-line}\n\npara\n";
	md_anchor_src s;
	CHECK_INT(md_anchor_source(&s, doc, strlen(doc), 0), 0);
	CHECK_MEM(s.text, s.text_len, "Foo ");
	CHECK(s.id != NULL);
	if (s.id)
		CHECK_MEM(s.id, s.id_len, "next-line");
	CHECK_INT(s.end, strlen("## Foo ##\n\n{#next-line}"));
	md_anchor_source_free(&s);

	/* Across a line break inside the block too. */
	doc = "## Bar ## {#x\n}\n";
	CHECK_INT(md_anchor_source(&s, doc, strlen(doc), 0), 0);
	CHECK_MEM(s.text, s.text_len, "Bar ");
	CHECK(s.id && s.id_len == 1 && s.id[0] == 'x');
	CHECK_INT(s.end, strlen(doc) - 1);
	md_anchor_source_free(&s);

	/* Not without a closing sequence, and not when more text follows. */
	const char *plain[] = {"## Foo\n\n{#no}\n", "## Foo ##\n{#no} text\n",
	                       "## Foo ##\n> {#no}\n"};
	for (size_t i = 0; i < 3; i++) {
		CHECK_INT(md_anchor_source(&s, plain[i], strlen(plain[i]), 0), 0);
		CHECK(s.id == NULL);
		CHECK_MEM(s.text, s.text_len, i ? "Foo " : "Foo");
		CHECK_INT(s.end, strcspn(plain[i], "\n"));
		md_anchor_source_free(&s);
	}
}

/* ---- slugs ----------------------------------------------------------------- */

static void check_slug(md_anchor_style st, const char *text, const char *want)
{
	md_buf out = {0};
	md_buf_puts(&out, "X");  /* appends: what is there stays */
	md_anchor_make(&out, text, strlen(text), st);
	if (!out.data || strncmp(out.data, "X", 1) != 0 || strcmp(out.data + 1, want) != 0)
		FAIL_("%s: \"%s\" -> \"%s\", want \"%s\"", style_names[st], text,
		      out.data ? out.data + 1 : "(null)", want);
	md_buf_free(&out);
}

TEST(slug_cjk_and_full_width)
{
	CHECK_IDS("## 巴黎AI行动峰会", "巴黎ai行动峰会", "ai", "巴黎ai行动峰会");
	CHECK_IDS("## 第一章：开始", "第一章开始", "heading", "第一章-开始");
	CHECK_IDS("## （全角括号）", "全角括号", "heading", "全角括号");
	CHECK_IDS("## 中文 English 混合", "中文-english-混合", "-english-", "中文-english-混合");
	CHECK_IDS("## Ｈｅｌｌｏ　Ｗｏｒｌｄ", "ｈｅｌｌｏｗｏｒｌｄ", "heading", "ｈｅｌｌｏ-ｗｏｒｌｄ");
	CHECK_IDS("## 全角　空格", "全角空格", "heading", "全角-空格");
	CHECK_IDS("## 한국어 제목", "한국어-제목", "-", "한국어-제목");
	CHECK_IDS("## 日本語の見出し、です。", "日本語の見出しです", "heading",
	          "日本語の見出し-です");
	CHECK_IDS("## 々〇ー", "々ー", "heading", "々〇ー");
}

TEST(slug_emoji_and_symbols)
{
	CHECK_IDS("## emoji 🎉 party", "emoji--party", "emoji--party", "emoji-party");
	CHECK_IDS("## 👨‍👩‍👧 family", "-family", "-family", "family");
	CHECK_IDS("## ❤️ love", "-love", "-love", "love");
	CHECK_IDS("## C++ & Rust: a comparison!", "c--rust-a-comparison",
	          "c--rust-a-comparison", "c-rust-a-comparison");
	CHECK_IDS("## x² + y³ = ½", "x--y--", "x--y--", "x²-y³-½");
	CHECK_IDS("## Ⅻ Roman", "-roman", "-roman", "ⅻ-roman");
	CHECK_IDS("## 🎉", "heading", "heading", "heading");
}

TEST(slug_case_and_accents)
{
	CHECK_IDS("## Ærøskøbing Straße", "ærøskøbing-straße", "rskbing-strae", "ærøskøbing-straße");
	CHECK_IDS("## Café Crème", "café-crème", "cafe-creme", "café-crème");
	CHECK_IDS("## İstanbul ΣΟΦΙΑ", "istanbul-σοφια", "istanbul-", "istanbul-σοφια");
	/* K U+212A, Å U+212B, Ω U+2126: singleton decompositions. */
	CHECK_IDS("## \u212A\u212B\u2126", "kåω", "ka", "kåω");
	CHECK_IDS("## ﬁ Ĳ ǅ", "ﬁ-ĳ-ǆ", "--", "ﬁ-ĳ-ǆ");
	CHECK_IDS("## 𐐀 𝐀", "𐐨-𝐀", "-", "𐐨-𝐀");
	/* Decomposed é: the mark is dropped (github), splits (blackfriday). */
	CHECK_IDS("## cafe\u0301s", "cafes", "cafes", "cafe-s");
	CHECK_IDS("## Mark at end \u0301", "mark-at-end-", "mark-at-end", "mark-at-end");
	CHECK_IDS("## हिन्दी भाषा", "हनद-भष", "-", "ह-न-द-भ-ष");
}

TEST(slug_spaces_and_trim)
{
	check_slug(MD_ANCHOR_GITHUB, "  a  b  ", "a--b");
	check_slug(MD_ANCHOR_GITHUB, "\u3000 Leading ideographic space", "leading-ideographic-space");
	check_slug(MD_ANCHOR_GITHUB, "Foo \u3000", "foo");
	check_slug(MD_ANCHOR_GITHUB, "Tabs\tinside", "tabsinside");
	check_slug(MD_ANCHOR_GITHUB, "nbsp\u00a0here", "nbsphere");
	check_slug(MD_ANCHOR_GITHUB, "- dash -", "--dash--");
	check_slug(MD_ANCHOR_GITHUB, "\u200b zero width", "-zero-width");
	check_slug(MD_ANCHOR_GITHUB_ASCII, "中 x 中", "-x-");
	check_slug(MD_ANCHOR_GITHUB_ASCII, "\u0301 x \u0301", "x");
	check_slug(MD_ANCHOR_BLACKFRIDAY, "__init__", "init");
	check_slug(MD_ANCHOR_BLACKFRIDAY, " - a . b - ", "a-b");
	for (int t = 0; t < 3; t++) {
		check_slug(styles[t], "", "heading");
		check_slug(styles[t], "!!!", "heading");
		check_slug(styles[t], "   ", "heading");
	}
	check_slug(MD_ANCHOR_GITHUB, "-", "-");
	check_slug(MD_ANCHOR_BLACKFRIDAY, "-", "heading");
}

/* Go 1.19 is Unicode 13: U+0870 (a letter since 14.0) is nothing to Hugo
 * 0.111, and U+1734 was still Mn (removed with the accents). */
TEST(slug_unicode_13)
{
	CHECK_IDS("## a\u0870b", "ab", "ab", "a-b");
	CHECK_IDS("## x \u1734", "x-", "x", "x");
	CHECK_IDS("## \u9FFC\u9FFD", "\u9FFC", "heading", "\u9FFC");
}

/* Invalid UTF-8 decodes as U+FFFD one byte at a time, as in Go (not
 * checked with Hugo). */
TEST(slug_invalid_utf8)
{
	check_slug(MD_ANCHOR_GITHUB, "a\xff" "b\xe4\xb8" "c", "abc");
	check_slug(MD_ANCHOR_GITHUB_ASCII, "a\xc3" "b", "ab");
	check_slug(MD_ANCHOR_BLACKFRIDAY, "a\xff" "b\xed\xa0\x80" "c", "a-b-c");
	/* Not White_Space: it stops the trim. */
	check_slug(MD_ANCHOR_GITHUB, "a \xff ", "a-");
	check_slug(MD_ANCHOR_GITHUB_ASCII, "a \xff ", "a-");
}

/* ---- numbering ---------------------------------------------------------- */

static void check_page(int t, const char *const *lines, const char *const *want, size_t n)
{
	char *ids[PAGE_MAX];
	page_ids(t, lines, n, ids);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(ids[i], want[i]) != 0)
			FAIL_("%s: heading %zu (%s) -> \"%s\", want \"%s\"", style_names[t], i,
			      lines[i], ids[i], want[i]);
		free(ids[i]);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

TEST(dedupe_first_free_number)
{
	const char *l[] = {"## Foo", "## Foo", "## Foo", "## Foo 1", "## Foo-1", "## foo", "## FOO"};
	const char *w[] = {"foo", "foo-1", "foo-2", "foo-1-1", "foo-1-2", "foo-3", "foo-4"};
	for (int t = 0; t < 3; t++)
		check_page(t, l, w, N(l));
	const char *l2[] = {"## Bar-1", "## Bar", "## Bar", "## Bar"};
	const char *w2[] = {"bar-1", "bar", "bar-2", "bar-3"};
	check_page(0, l2, w2, N(l2));
	/* Suffixes go on even after a digit or a '-'. */
	const char *l3[] = {"## 2024", "## 2024", "## End -", "## End -"};
	const char *w3[] = {"2024", "2024-1", "end--", "end---1"};
	check_page(0, l3, w3, N(l3));
}

TEST(dedupe_heading_chain)
{
	const char *l[] = {"##", "## !!!", "## 🎉", "## Heading", "## ##", "=???"};
	const char *w[] = {"heading", "heading-1", "heading-2", "heading-3", "heading-4",
	                   "heading-5"};
	for (int t = 0; t < 3; t++)
		check_page(t, l, w, N(l));
	/* Only what the slugifier keeps matters. */
	const char *l2[] = {"## Cafe", "## Café"};
	const char *w2[] = {"cafe", "cafe-1"};
	check_page(1, l2, w2, N(l2));
	const char *l3[] = {"## a.b", "## a-b", "## a b"};
	const char *w3[] = {"a-b", "a-b-1", "a-b-2"};
	check_page(2, l3, w3, N(l3));
}

TEST(dedupe_custom_ids)
{
	/* Custom ids are kept as written (duplicates too) and block later
	 * auto ids only. */
	const char *l[] = {"## Claim {#dup-1}", "## Dup", "## Dup", "## Custom {#dup}",
	                   "## Pre {#pre-claimed}", "## Pre claimed", "## Pre claimed",
	                   "## Mixed {#MyID}", "## myid", "## Two {#first #second}",
	                   "## First", "## Second", "## Empty {#}", "## Empty {#}",
	                   "=Setext {#dup}"};
	const char *w[] = {"dup-1", "dup", "dup-2", "dup", "pre-claimed", "pre-claimed-1",
	                   "pre-claimed-2", "MyID", "myid", "second", "first", "second-1",
	                   "", "", "dup"};
	for (int t = 0; t < 3; t++)
		check_page(t, l, w, N(l));
	/* An id="..." with spaces or upper case is still the id. */
	const char *l2[] = {"## A {id=\"has space\"}", "## Has space", "## has-space"};
	const char *w2[] = {"has space", "has-space", "has-space-1"};
	check_page(0, l2, w2, N(l2));
}

TEST(dedupe_many)
{
	/* Linear, and still the first free number. */
	md_idset s = {0};
	md_buf out = {0};
	CHECK_INT(md_idset_add(&s, "x-500", 5), 0);
	for (int i = 0; i < 1000; i++) {
		out.len = 0;
		CHECK_INT(md_idset_unique(&s, "x", 1, &out), 0);
		char want[32];
		int n = i < 500 ? i : i + 1;
		if (n == 0)
			snprintf(want, sizeof(want), "x");
		else
			snprintf(want, sizeof(want), "x-%d", n);
		if (strcmp(out.data, want) != 0) {
			FAIL_("%d: %s, want %s", i, out.data, want);
			break;
		}
	}
	CHECK(md_idset_has(&s, "x-1000", 6));
	CHECK(!md_idset_has(&s, "x-1001", 6));
	CHECK(md_idset_has(&s, "x-500", 5));
	out.len = 0;
	CHECK_INT(md_idset_unique(&s, "", 0, &out), 0);
	CHECK_STR(out.data, "heading");
	md_buf_free(&out);
	md_idset_free(&s);
}

TEST(style_names)
{
	md_anchor_style st = MD_ANCHOR_GITHUB;
	CHECK_INT(md_anchor_style_parse("blackfriday", &st), 0);
	CHECK_INT(st, MD_ANCHOR_BLACKFRIDAY);
	CHECK_INT(md_anchor_style_parse("github-ascii", &st), 0);
	CHECK_INT(st, MD_ANCHOR_GITHUB_ASCII);
	CHECK_INT(md_anchor_style_parse("github", &st), 0);
	CHECK_INT(st, MD_ANCHOR_GITHUB);
	CHECK_INT(md_anchor_style_parse("GitHub", &st), -1);
}
