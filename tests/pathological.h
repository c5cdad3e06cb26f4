/* Pathological Markdown, shared by tests/c/test_hostile.c and
 * bench/pathological.c: cmark's cases and tree-sitter's own traps. */
#ifndef MDPOST_PATHOLOGICAL_H
#define MDPOST_PATHOLOGICAL_H

#include "internal.h"

static const struct {
	const char *name, *unit, *tail;
} md_pathological[] = {
	{"nested brackets", "[", ""},
	{"unclosed links", "[a](", ""},
	{"emphasis run", "*a_", ""},
	{"nested block quotes", ">", " x\n"},
	{"nested lists", "- ", "x\n"},
	{"backticks", "`a``", ""},
	{"link references", "[x]: /u\n", "[x]\n"},
	{"html tags", "<a href='", ""},
	{"shortcode openers", "{{< ref \"", ""},
	{"equal headings", "# h\n", ""},
	{"many links", "[a](#b) ", ""},
};
static const size_t md_pathological_count = sizeof(md_pathological) / sizeof(md_pathological[0]);

static void md_pathological_build(md_buf *b, size_t k, size_t times)
{
	for (size_t i = 0; i < times; i++)
		md_buf_puts(b, md_pathological[k].unit);
	md_buf_puts(b, md_pathological[k].tail);
}

#endif
