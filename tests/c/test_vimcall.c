/* mdpost_vim(): Vim's libcall() entry. JSON requests in, JSON replies out. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mdpost.h"

static const char *call(const char *req) { return mdpost_vim(req); }

TEST(version_reply)
{
	char want[128];
	snprintf(want, sizeof(want), "{\"result\":{\"abi\":%d,\"protocol\":1,\"version\":\"%s\"}}",
	         MDPOST_ABI_VERSION, mdpost_version());
	CHECK_STR(call("{\"cmd\":\"version\"}"), want);
	CHECK_STR(call(" \n{ \"cmd\" : \"version\" , \"x\": [1, -2, 3.5e1, true, false, null, {}] }\t"), want);
}

TEST(bad_requests_get_one_line_errors)
{
	CHECK_STR(call(NULL), "{\"error\":\"no request\"}");
	CHECK_STR(call(""), "{\"error\":\"the request is not JSON: value expected at byte 0\"}");
	CHECK_STR(call("{\"cmd\":"), "{\"error\":\"the request is not JSON: value expected at byte 7\"}");
	CHECK_STR(call("{\"cmd\":\"version\"} x"),
	          "{\"error\":\"the request is not JSON: trailing text at byte 18\"}");
	CHECK_STR(call("[1]"), "{\"error\":\"the request must be a JSON object\"}");
	CHECK_STR(call("{\"cmd\":1}"), "{\"error\":\"the request has no `cmd`\"}");
	CHECK_STR(call("{\"cmd\":\"nope\"}"), "{\"error\":\"unknown `cmd`\"}");
	CHECK_STR(call("{\"cmd\":\"check\",\"root\":\"\"}"), "{\"error\":\"the request has no `text`\"}");
	CHECK_STR(call("{\"cmd\":\"x\",\"s\":\"a\\q\"}"),
	          "{\"error\":\"the request is not JSON: bad escape in a string at byte 16\"}");
	CHECK_STR(call("{\"cmd\":\"x\",\"s\":\"\\u0000\"}"),
	          "{\"error\":\"the request is not JSON: NUL in a string at byte 16\"}");
	CHECK_STR(call("{\"cmd\":\"x\",\"s\":\"a\nb\"}"),
	          "{\"error\":\"the request is not JSON: control character in a string at byte 16\"}");
	CHECK_STR(call("{1:2}"), "{\"error\":\"the request is not JSON: object keys must be strings at byte 1\"}");
	CHECK_STR(call("{\"a\" 2}"), "{\"error\":\"the request is not JSON: `:` expected after a key at byte 5\"}");
	CHECK_STR(call("{\"a\":tru}"), "{\"error\":\"the request is not JSON: bad number at byte 5\"}");
}

TEST(nesting_is_bounded)
{
	size_t depth = 100000;
	char *req = malloc(depth * 2 + 32);
	strcpy(req, "{\"cmd\":\"version\",\"a\":");
	size_t n = strlen(req);
	memset(req + n, '[', depth);
	memset(req + n + depth, ']', depth);
	strcpy(req + n + 2 * depth, "}");
	CHECK(strstr(call(req), "nested too deeply") != NULL);
	free(req);
}

TEST(check_reply_positions_and_escapes)
{
	/* Escapes in the request decode to the text checked: \u00e9 (é, two
	 * bytes) and a surrogate pair (😀, four) shift the byte column of the
	 * date after them to 24 (21 in characters). */
	const char *r = call("{\"cmd\":\"check\",\"root\":\"\",\"opts\":{\"preset\":\"hugo\"},\"text\":"
	                     "\"---\\n{title: \\\"\\u00e9\\ud83d\\ude00\\\", date: \\\"2025/02/30\\\"}\\n---\\n\"}");
	CHECK_STR(r, "{\"result\":{\"frontmatter\":{\"format\":\"yaml\",\"range\":[0,0,3,0]},"
	          "\"diagnostics\":[{\"lnum\":1,\"col\":24,\"end_lnum\":1,\"end_col\":36,"
	          "\"severity\":\"error\",\"code\":\"fm-date\",\"message\":\"`date: \\\"2025/02/30\\\"` "
	          "is not a real date or time: Hugo silently drops it and the page gets 0001-01-01\"}]},"
	          "\"root\":\"\",\"indexed\":true}");
}

TEST(control_characters_in_replies_are_escaped)
{
	/* An error message quoting the caller's text, and HTML with a tab. */
	CHECK_STR(call("{\"cmd\":\"folds\",\"root\":\"\",\"opts\":{\"a\\u0001\\tb\":1},\"text\":\"\"}"),
	          "{\"error\":\"unknown option `a\\u0001\\tb` or wrong type for it\"}");
	CHECK_STR(call("{\"cmd\":\"render\",\"root\":\"\",\"text\":\"    a\\tb\\r\\n\"}"),
	          "{\"result\":\"<pre><code>a\\tb\\n</code></pre>\\n\",\"root\":\"\",\"indexed\":true}");
}

TEST(options_pass_through_and_bad_ones_are_errors)
{
	CHECK_STR(call("{\"cmd\":\"folds\",\"root\":\"\",\"opts\":{\"bogus\":1},\"text\":\"# a\\n\"}"),
	          "{\"error\":\"unknown option `bogus` or wrong type for it\"}");
	CHECK_STR(call("{\"cmd\":\"folds\",\"root\":\"\",\"opts\":{\"anchors\":\"x\"},\"text\":\"# a\\n\"}"),
	          "{\"error\":\"anchors must be github, github-ascii or blackfriday, not `x`\"}");
	CHECK_STR(call("{\"cmd\":\"folds\",\"root\":\"\",\"text\":\"---\\na: 1\\n---\\n# A\\nx\\n## B\\n\"}"),
	          "{\"result\":[\">1\",\"1\",\"1\",\">1\",\"1\",\">2\"],\"root\":\"\",\"indexed\":true}");
}

TEST(render_reply_is_a_json_string)
{
	CHECK_STR(call("{\"cmd\":\"render\",\"root\":\"\",\"text\":\"a \\\"q\\\" \\\\ b\\n\"}"),
	          "{\"result\":\"<p>a &quot;q&quot; \\\\ b</p>\\n\",\"root\":\"\",\"indexed\":true}");
}

TEST(sites_are_found_cached_and_forgotten)
{
	const char *r = call("{\"cmd\":\"open\",\"path\":\"examples/site/content/posts/not-written-yet.md\"}");
	CHECK(strstr(r, "\"found\":true") != NULL);
	CHECK(strstr(r, "\"generator\":\"hugo\"") != NULL);
	/* The root is the real path of examples/site. */
	char *real = realpath("examples/site", NULL);
	char want[4200];
	snprintf(want, sizeof(want), ",\"root\":\"%s\",\"indexed\":", real);
	CHECK(strstr(r, want) != NULL);
	/* A check that waits for the index sees links into other posts. */
	snprintf(want, sizeof(want),
	         "{\"cmd\":\"check\",\"root\":\"%s\",\"path\":\"%s/content/posts/x.md\",\"wait_ms\":-1,"
	         "\"text\":\"[a](../second-post/) [b](../nope/)\\n\"}", real, real);
	r = call(want);
	CHECK(strstr(r, "nothing is published at /posts/nope/") != NULL);
	CHECK(strstr(r, "second-post") == NULL);
	CHECK(strstr(r, "\"indexed\":true}") != NULL);
	snprintf(want, sizeof(want), "{\"cmd\":\"reindex\",\"root\":\"%s\"}", real);
	CHECK(strstr(call(want), "\"result\":true") != NULL);
	CHECK_STR(call("{\"cmd\":\"forget\"}"), "{\"result\":true}");
	free(real);
}

TEST(more_sites_than_the_cache_holds)
{
	char req[256];
	for (int i = 0; i < 20; i++) {
		snprintf(req, sizeof(req), "{\"cmd\":\"folds\",\"root\":\"/nonexistent/%d\",\"text\":\"# a\\n\"}", i);
		CHECK(strstr(call(req), "\"result\":[\">1\"]") != NULL);
	}
	CHECK_STR(call("{\"cmd\":\"forget\"}"), "{\"result\":true}");
}

TEST(documents_give_the_same_results_incrementally)
{
	/* A named document re-parses what changed; its results equal the
	 * plain calls' on every text. */
	const char *texts[] = {
		"---\ntitle: x\ndate: 2025/02/30\n---\n# A\n[a](#b)\n## B\n",
		"---\ntitle: x\ndate: 2025-02-03\n---\n# A\n[a](#b)\n## B\n",
		"---\ntitle: x\ndate: 2025-02-03\n---\n# A\n[a](#c)\n\n## C\ntext\n",
		"no front matter\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		for (int f = 0; f < 2; f++) {
			const char *cmd = f ? "folds" : "check";
			char req[512], esc[256], plain[4096];
			size_t n = 0;
			for (const char *p = texts[i]; *p; p++)
				n += (size_t)sprintf(esc + n, *p == '\n' ? "\\n" : "%c", *p);
			snprintf(req, sizeof(req), "{\"cmd\":\"%s\",\"root\":\"\",\"opts\":{\"preset\":\"hugo\"},\"text\":\"%s\"}",
			         cmd, esc);
			snprintf(plain, sizeof(plain), "%s", call(req));
			CHECK(strncmp(plain, "{\"result\":", 10) == 0);
			snprintf(req, sizeof(req), "{\"cmd\":\"%s\",\"doc\":\"buf1\",\"root\":\"\",\"opts\":{\"preset\":\"hugo\"},\"text\":\"%s\"}",
			         cmd, esc);
			CHECK_STR(call(req), plain);
		}
	}
	CHECK_STR(call("{\"cmd\":\"doc_free\",\"doc\":\"buf1\"}"), "{\"result\":true}");
	CHECK_STR(call("{\"cmd\":\"doc_free\",\"doc\":\"buf1\"}"), "{\"result\":false}");
	/* More documents than slots: the oldest are dropped, results stay right. */
	for (int i = 0; i < 100; i++) {
		char req[128];
		snprintf(req, sizeof(req), "{\"cmd\":\"folds\",\"doc\":\"b%d\",\"root\":\"\",\"text\":\"# a\\n\"}", i);
		CHECK_STR(call(req), "{\"result\":[\">1\"],\"root\":\"\",\"indexed\":true}");
	}
	CHECK_STR(call("{\"cmd\":\"forget\"}"), "{\"result\":true}");
}
