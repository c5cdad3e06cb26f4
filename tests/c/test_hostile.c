/* Hostile input: whatever bytes come in, a result or a clear error comes
 * out, in bounded time, with positions still inside the input. */
#include <dirent.h>
#include <stdlib.h>

#include <msgpack.h>

#include "harness.h"
#include "internal.h"

#include "../pathological.h"

/* Runs every entry point; returns mdpost_check's code. */
static int all(const char *src, size_t len)
{
	mdpost_result r = {0};
	int rc = mdpost_check(&r, NULL, NULL, src, len, NULL, 0);
	if (rc == 0) {
		msgpack_unpacked u;
		msgpack_unpacked_init(&u);
		size_t off = 0;
		CHECK(msgpack_unpack_next(&u, r.data, r.len, &off) == MSGPACK_UNPACK_SUCCESS);
		msgpack_unpacked_destroy(&u);
	} else {
		CHECK(r.error != NULL);
	}
	mdpost_result_free(&r);
	int (*fns[])(mdpost_result *, const mdpost_site *, const char *, size_t, const char *, size_t) = {
		mdpost_frontmatter, mdpost_headings, mdpost_folds};
	for (size_t i = 0; i < 3; i++) {
		fns[i](&r, NULL, src, len, NULL, 0);
		mdpost_result_free(&r);
	}
	mdpost_links(&r, NULL, NULL, src, len, NULL, 0);
	mdpost_result_free(&r);
	mdpost_render(&r, NULL, NULL, src, len, NULL, 0);
	mdpost_result_free(&r);
	return rc;
}

TEST(binary_and_nul_bytes)
{
	unsigned char buf[4096];
	unsigned s = 12345;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)((s = s * 1103515245 + 12345) >> 16);
	all((const char *)buf, sizeof(buf));
	const char nul[] = "---\ntitle: a\0b\n---\n# x\0y\n[l](#x\0)\n";
	CHECK_INT(all(nul, sizeof(nul) - 1), 0);
}

TEST(invalid_utf8_keeps_positions_in_bytes)
{
	/* \xff before the fault: the column still counts bytes. */
	const char *src = "---\nt\xff: a: b\n---\n";
	md_frontmatter fm;
	md_diags d = {0};
	md_frontmatter_parse(&fm, src, strlen(src), &d);
	CHECK_INT(d.n, 1);
	CHECK(d.v[0].start >= 4 && d.v[0].end <= strlen(src));
	md_frontmatter_free(&fm);
	md_diags_free(&d);
	const char bad[] = "# \xc3\x28 bad\n[\xe2\x82](#\xf0\x28\x8c\xbc)\n";
	CHECK_INT(all(bad, sizeof(bad) - 1), 0);
}

TEST(too_large_is_a_clear_error)
{
	size_t n = MD_MAX_INPUT + 1;
	char *big = malloc(n);
	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, 'a', n);
	mdpost_result r = {0};
	CHECK_INT(mdpost_check(&r, NULL, NULL, big, n, NULL, 0), MDPOST_ETOOBIG);
	CHECK(r.error && strstr(r.error, "larger than 64 MiB"));
	mdpost_result_free(&r);
	free(big);
}

/* cmark's pathological cases and their tree-sitter cousins: each must
 * come back with a result. (How their time grows with size is measured in
 * `make bench`: bench/pathological.c.) */
TEST(pathological_markdown_completes)
{
	for (size_t k = 0; k < md_pathological_count; k++) {
		md_buf b = {0};
		md_pathological_build(&b, k, 5000);
		CHECK_INT(all(b.data, b.len), 0);
		md_buf_free(&b);
	}
}

/* Posts with absurd numbers of links or headings: a clear md-limit
 * warning, and the checks that fit are still made. */
TEST(limits_on_links_and_headings)
{
	md_buf b = {0};
	for (int i = 0; i < 100005; i++)
		md_buf_puts(&b, "[a](#x) ");
	mdpost_result r = {0};
	CHECK_INT(mdpost_check(&r, NULL, NULL, b.data, b.len, NULL, 0), 0);
	CHECK(r.data && memmem(r.data, r.len, "more than 100000 links", 22) != NULL);
	mdpost_result_free(&r);
	md_buf_free(&b);
	for (int i = 0; i < 20005; i++)
		md_buf_printf(&b, "# h%d\n", i);
	CHECK_INT(mdpost_check(&r, NULL, NULL, b.data, b.len, NULL, 0), 0);
	CHECK(r.data && memmem(r.data, r.len, "more than 20000 headings", 24) != NULL);
	mdpost_result_free(&r);
	md_buf_free(&b);
}

/* Every input a fuzzer ever crashed on stays a test. */
TEST(fuzz_regressions)
{
	DIR *d = opendir("tests/fuzz/regressions");
	CHECK(d != NULL);
	if (!d)
		return;
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512], err[256];
		snprintf(path, sizeof(path), "tests/fuzz/regressions/%s", e->d_name);
		size_t len;
		char *text = md_read_file(path, &len, err, sizeof(err));
		CHECK(text != NULL);
		if (text)
			all(text, len);
		free(text);
		n++;
	}
	closedir(d);
	CHECK(n >= 1);
}

TEST(deep_front_matter_and_many_keys)
{
	md_buf b = {0};
	md_buf_puts(&b, "---\n");
	for (int i = 0; i < 20000; i++)
		md_buf_printf(&b, "k%d: v\n", i);
	md_buf_puts(&b, "---\n");
	CHECK_INT(all(b.data, b.len), 0);
	md_buf_free(&b);
	md_buf_puts(&b, "{");
	for (int i = 0; i < 10000; i++)
		md_buf_puts(&b, "\"a\":{");
	md_buf_puts(&b, "\n");
	all(b.data, b.len);
	md_buf_free(&b);
}
