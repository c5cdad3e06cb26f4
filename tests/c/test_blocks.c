/*
 * The block structure from cmark-gfm: which bytes are inline content,
 * where definitions are (cmark consumes them without a position), what
 * code and unused footnotes hide. Each link is shown as its kind and the
 * exact source bytes of its range; the expectations were checked against
 * the HTML Hugo 0.111 (goldmark) makes of the same text.
 */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"

/* "kind`bytes` " for every link, in order. */
static char *links_of(const char *src, int raw_html)
{
	static char out[4096];
	md_doc d;
	out[0] = '\0';
	if (md_doc_parse(&d, src, strlen(src), 0, MD_ANCHOR_GITHUB, raw_html))
		return strcpy(out, "(failed)");
	size_t o = 0;
	for (size_t i = 0; i < d.n_links && o < sizeof(out) - 200; i++) {
		const md_link *l = &d.links[i];
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s`%.*s` ", md_link_kind_name(l->kind),
		                      (int)(l->end - l->start), src + l->start);
	}
	md_doc_free(&d);
	return out;
}

TEST(definitions_cmark_consumes_are_found)
{
	CHECK_STR(links_of("[a]: /a.md\n[b]: <b c.md> \"T\"\n[c]:\n  /c.md\n  \"multi\nline title\"\n\n"
	                   "[a] [b] [c]\n", 0),
	          "definition`/a.md` definition`b c.md` definition`/c.md` shortcut`a` shortcut`b` shortcut`c` ");
	/* At a paragraph's start; the text after them is inline content. */
	CHECK_STR(links_of("[a]: /a.md\ntext [a] [x](y.md)\n", 0),
	          "definition`/a.md` shortcut`a` link`y.md` ");
	/* In a block quote (the title on the next line) and in list items. */
	CHECK_STR(links_of("> [q]: /q.md\n> \"title\"\n\n> [q]\n", 0), "definition`/q.md` shortcut`q` ");
	CHECK_STR(links_of("- [l]: /l.md\n- item [l]\n", 0), "definition`/l.md` shortcut`l` ");
	/* An indented line continues the paragraph: a definition too. */
	CHECK_STR(links_of("   [a]: /a.md\n    [b]: /b.md\n", 0), "definition`/a.md` definition`/b.md` ");
	/* goldmark takes labels of any length (cmark stops at 999). */
	char long_label[1100];
	memset(long_label, 'x', sizeof(long_label));
	long_label[0] = '[';
	strcpy(long_label + 1002, "]: /a.md\n");
	CHECK_STR(links_of(long_label, 0), "definition`/a.md` ");
}

TEST(not_definitions)
{
	/* Text after the title; a definition cannot interrupt a paragraph. */
	CHECK_STR(links_of("[a]: /a.md \"t\" junk\n", 0), "shortcut`a` ");
	CHECK_STR(links_of("para\n[b]: /b.md\n", 0), "shortcut`b` ");
	/* An empty footnote, then a definition of its own. */
	CHECK_STR(links_of("x[^1]\n\n[^1]:\n[l]: /l.md\n\n[l]\n", 0),
	          "shortcut`^1` definition`/l.md` shortcut`l` ");
}

TEST(tables)
{
	CHECK_STR(links_of("| a | b |\n|---|---|\n| [x](x.md) | ![i](i.png) |\n| `[c](c.md)` | z |\n", 0),
	          "link`x.md` image`i.png` ");
	/* cmark-gfm loses the position of a paragraph right above a table and
	 * counts the header's columns from it: both are read from the lines. */
	CHECK_STR(links_of("Intro [a](a.md)\n| h | [c](c.md) |\n|---|---|\n| [d](d.md) | e |\n", 0),
	          "link`a.md` link`c.md` link`d.md` ");
	CHECK_STR(links_of("> q [x](x.md)\n> | [h](h.md) |\n> |---|\n> | [y](y.md) |\n", 0),
	          "link`x.md` link`h.md` link`y.md` ");
}

TEST(code_footnotes_and_html)
{
	CHECK_STR(links_of("```\n[a](a.md)\n```\n    [b](b.md)\n\n`[c](c.md)` [d](d.md)\n", 0), "link`d.md` ");
	/* An unclosed fence runs to the end. */
	CHECK_STR(links_of("```\n[a](a.md)\n[b](b.md)```\n", 0), "");
	/* A footnote's later paragraphs are its text; an unused one is dropped,
	 * as goldmark drops it. */
	CHECK_STR(links_of("x[^1]\n\n[^1]: Foot [a](a.md)\n\n    para [c](c.md)\n\n[^u]: unused [d](d.md)\n", 0),
	          "shortcut`^1` link`a.md` link`c.md` ");
	const char *html = "<div>\n<a href=\"x.md\">x</a>\n</div>\n";
	CHECK_STR(links_of(html, 1), "html`x.md` ");
	CHECK_STR(links_of(html, 0), "");
}

TEST(line_endings_and_depth)
{
	CHECK_STR(links_of("# H\r\rtext [b](b.md)\r\r[a]: /a.md\r[a]\r", 0),
	          "link`b.md` definition`/a.md` shortcut`a` ");
	CHECK_STR(links_of("> q [c](c.md)\r\n> r\r\n\r\n[a]: /a.md\r\n[a]\r\n", 0),
	          "link`c.md` definition`/a.md` shortcut`a` ");
	/* No depth limit any more: cmark-gfm builds any nesting. */
	md_buf b = {0};
	for (int i = 0; i < 300; i++)
		md_buf_puts(&b, "> ");
	md_buf_puts(&b, "[x](x.md)\n");
	for (int i = 0; i < 300; i++)
		md_buf_puts(&b, "> ");
	md_buf_puts(&b, "more [y](y.md)\n");
	CHECK_STR(links_of(b.data, 0), "link`x.md` link`y.md` ");
	md_buf_free(&b);
	/* cmark-gfm's time grows with the square of list items opened on one
	 * line: past 100 the post gets an md-limit and no structure. */
	md_buf_puts(&b, "# H\n\n[a](#h)\n");
	for (int i = 0; i < 101; i++)
		md_buf_puts(&b, "- ");
	md_buf_puts(&b, "[x](x.md)\n");
	md_doc d;
	CHECK_INT(md_doc_parse(&d, b.data, b.len, 0, MD_ANCHOR_GITHUB, 0), 0);
	CHECK(d.limit && strstr(d.limit, "lists nest more than 100 deep"));
	CHECK_INT(d.limit_offset, 13);
	CHECK_INT(d.n_links, 0);
	CHECK_INT(d.headings.n, 0);
	md_doc_free(&d);
	md_buf_free(&b);
	for (int i = 0; i < 100; i++)
		md_buf_puts(&b, "- ");
	md_buf_puts(&b, "[x](x.md)\n");
	CHECK_STR(links_of(b.data, 0), "link`x.md` ");
	md_buf_free(&b);
	/* Each > or list marker can open a block of cmark's (~270 bytes):
	 * past a million in a post, the same limit, at the line that passes. */
	md_buf_puts(&b, "[a](a.md)\n\n");
	for (int line = 0; line < 1001; line++) {
		for (int i = 0; i < 1000; i++)
			md_buf_putc(&b, '>');
		md_buf_puts(&b, " q\n\n");
	}
	CHECK_INT(md_doc_parse(&d, b.data, b.len, 0, MD_ANCHOR_GITHUB, 0), 0);
	CHECK(d.limit && strstr(d.limit, "more than a million block quote and list markers"));
	/* 1000 a line: the million is passed on the 1001st. */
	CHECK_INT(d.limit_offset, 11 + 1000 * 1004);
	CHECK_INT(d.n_links, 0);
	md_doc_free(&d);
	b.len = 11 + 1000 * 1004;  /* a thousand lines, a million markers: checked */
	b.data[b.len] = '\0';
	CHECK_STR(links_of(b.data, 0), "link`a.md` ");
	md_buf_free(&b);
}

TEST(headings)
{
	const char *src = "# One [l](a.md) #\n\n[d]: /d.md\nSetext [s](s.md)\n---\n\n> Quote\n> ===\n\n"
	                  "- item\n\n  ## In item\n";
	md_doc d;
	CHECK_INT(md_doc_parse(&d, src, strlen(src), 0, MD_ANCHOR_GITHUB, 0), 0);
	CHECK_INT(d.headings.n, 4);
	if (d.headings.n == 4) {
		CHECK_STR(d.headings.v[0].id, "one-lamd");
		CHECK_INT(d.headings.v[0].level, 1);
		CHECK_INT(d.headings.v[0].line, 0);
		CHECK_INT(d.headings.v[0].end_line, 5);
		/* The definition above is not part of the heading. */
		CHECK_STR(d.headings.v[1].text, "Setext [s](s.md)");
		CHECK_INT(d.headings.v[1].line, 3);
		CHECK_INT(d.headings.v[1].level, 2);
		CHECK_INT(d.headings.v[1].end_line, 5);
		CHECK_STR(d.headings.v[2].id, "quote");
		CHECK_INT(d.headings.v[2].line, 6);
		CHECK_STR(d.headings.v[3].id, "in-item");
		CHECK_INT(d.headings.v[3].line, 11);
	}
	md_doc_free(&d);
	CHECK_STR(links_of(src, 0), "link`a.md` definition`/d.md` link`s.md` ");
}

#include <cmark-gfm.h>

/* "type(start_line:start_col-end_line:end_col)[inline children]" for every block. */
static void blocks_of(char *out, size_t cap, const char *src, int what, int options)
{
	cmark_parser *parser = NULL;
	cmark_node *doc = md_cmark_parse(src, strlen(src), options | CMARK_OPT_SOURCEPOS, what, &parser);
	size_t o = 0;
	out[0] = '\0';
	cmark_iter *it = doc ? cmark_iter_new(doc) : NULL;
	cmark_event_type ev;
	while (it && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && o < cap - 100) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev != CMARK_EVENT_ENTER || (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE)
			continue;
		int inl = 0;
		for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
			inl += (cmark_node_get_type(c) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
		const char *name = t == CMARK_NODE_FOOTNOTE_DEFINITION ? "footnote" : cmark_node_get_type_string(n);
		o += (size_t)snprintf(out + o, cap - o, "%s(%d:%d-%d:%d)%s ", name,
		                      cmark_node_get_start_line(n), cmark_node_get_start_column(n),
		                      cmark_node_get_end_line(n), cmark_node_get_end_column(n), inl ? "[i]" : "");
	}
	if (it)
		cmark_iter_free(it);
	md_cmark_release();
}

/* The blocks-only parse skips the inlines (none hang under paragraphs or
 * headings) and gives the very blocks and positions of the full parse. */
TEST(blocks_only_parse_has_the_same_blocks_and_no_inlines)
{
	static const char *const docs[] = {
		"# Head *x*\n\nhello *x* [a](b)\n\n- item *y*\n  more\n\n> quote `c`\n> > deep\n",
		"Setext *h*\n===\n\n| a | b |\n|---|---|\n| *c* | [d](e) |\n\n[ref]: /x\n\ntext [ref]\n",
		"1. one\n\n   para\n\n   ```\n   code\n   ```\n<div>\nhtml *x*\n</div>\n\n    indented\n",
		"lazy\ncontinuation\n> quote\nlazy *too*\n\nHeading\n---\n",
		"a[^1] and b[^2]\n\nplain *y*\n\n[^1]: note *x*\n\n    more [l](m)\n[^2]: two\n\n[^3]: unused\n",
		"> quote[^n]\r> lazy\r\r[^n]: in\r\rend *e*",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		for (int fn = 0; fn < 2; fn++) {
			int options = fn ? CMARK_OPT_FOOTNOTES : 0;
			char full[4096], blocks[4096];
			blocks_of(full, sizeof(full), docs[i], MD_CMARK_ALL, options);
			blocks_of(blocks, sizeof(blocks), docs[i], MD_CMARK_BLOCKS, options);
			CHECK(strstr(full, "paragraph(") && strstr(full, ")[i]"));
			CHECK(strstr(blocks, "paragraph(") != NULL);
			/* The same text without the inline marks. */
			char *p;
			while ((p = strstr(full, "[i]")))
				memmove(p, p + 3, strlen(p + 3) + 1);
			char bare[4096];
			strcpy(bare, blocks);
			while ((p = strstr(bare, "[i]")))
				memmove(p, p + 3, strlen(p + 3) + 1);
			CHECK_STR(bare, full);
			/* Without footnotes, only table cells (the table
			 * extension's own) keep inlines. */
			for (p = blocks; !fn && (p = strstr(p, ")[i]")); p++) {
				const char *t = p;
				while (t > blocks && t[-1] != ' ')
					t--;
				CHECK(strncmp(t, "table_cell(", 11) == 0);
				if (strncmp(t, "table_cell(", 11))
					fprintf(stderr, "%zu: %s\n", i, blocks);
			}
		}
	/* With footnotes on, the blocks whose lines hold [^ keep their
	 * inlines (the references keep the definitions), the others not. */
	char out[4096];
	blocks_of(out, sizeof(out), "text[^1]\n\nplain *y*\n\n[^1]: note *x*\n\nlast *z*\n", MD_CMARK_BLOCKS,
	          CMARK_OPT_FOOTNOTES);
	CHECK_STR(out, "document(1:1-7:8) paragraph(1:1-1:8)[i] paragraph(3:1-3:9) paragraph(7:1-7:8) "
	               "footnote(5:7-6:0) paragraph(5:7-5:14)[i] ");
}
