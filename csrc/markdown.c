/*
 * Markdown structure through tree-sitter-markdown (block grammar): headings
 * with their sections, for folds, `mdpost headings` and anchor tables.
 * Positions are byte offsets into the whole source; only the body (after
 * the front matter) is parsed.
 */
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "internal.h"

const TSLanguage *tree_sitter_markdown(void);

static int node_is(TSNode n, const char *type) { return strcmp(ts_node_type(n), type) == 0; }

static int push_heading(md_headings *h, md_heading *x)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;
		md_heading *v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = *x;
	return 0;
}

typedef struct walk {
	const char *src;
	size_t base;
	md_headings *out;
	md_lines *lines;
	md_anchor_style style;
	int oom;
} walk;

/* The heading's plain text: its inline source with the markup removed. */
static char *heading_text(const char *s, size_t n)
{
	md_buf b = {0};
	/* Trim and collapse the inline source; strip emphasis and code marks. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i + 1])) {
			md_buf_putc(&b, s[++i]);
			continue;
		}
		if (c == '*' || c == '`')
			continue;
		if (c == '\n' || c == '\r')
			c = ' ';
		md_buf_putc(&b, c);
	}
	size_t start = 0, end = b.len;
	while (start < end && (b.data[start] == ' ' || b.data[start] == '\t'))
		start++;
	while (end > start && (b.data[end - 1] == ' ' || b.data[end - 1] == '\t'))
		end--;
	char *text = malloc(end - start + 1);
	if (text) {
		if (end > start)
			memcpy(text, b.data + start, end - start);
		text[end - start] = '\0';
	}
	md_buf_free(&b);
	return text;
}

static void visit(walk *w, TSNode n)
{
	if (w->oom)
		return;
	int atx = node_is(n, "atx_heading");
	if (atx || node_is(n, "setext_heading")) {
		md_heading x = {0};
		x.start = w->base + ts_node_start_byte(n);
		x.end = w->base + ts_node_end_byte(n);
		TSNode content = ts_node_child_by_field_name(n, "heading_content", 15);
		uint32_t count = ts_node_child_count(n);
		for (uint32_t i = 0; i < count; i++) {
			const char *t = ts_node_type(ts_node_child(n, i));
			if (strncmp(t, "atx_h", 5) == 0 && t[5] >= '1' && t[5] <= '6')
				x.level = t[5] - '0';
			else if (strcmp(t, "setext_h1_underline") == 0)
				x.level = 1;
			else if (strcmp(t, "setext_h2_underline") == 0)
				x.level = 2;
		}
		size_t cs = 0, ce = 0;
		if (!ts_node_is_null(content)) {
			cs = w->base + ts_node_start_byte(content);
			ce = w->base + ts_node_end_byte(content);
		}
		x.text = heading_text(w->src + cs, ce - cs);
		md_buf id = {0};
		if (x.text)
			md_anchor_make(&id, x.text, strlen(x.text), w->style);
		x.id = id.data ? id.data : calloc(1, 1);
		size_t col;
		md_lines_pos(w->lines, x.start, &x.line, &col);
		if (!x.text || !x.id || id.oom || push_heading(w->out, &x)) {
			free(x.text);
			free(x.id);
			w->oom = 1;
		}
		return;
	}
	uint32_t count = ts_node_named_child_count(n);
	for (uint32_t i = 0; i < count; i++)
		visit(w, ts_node_named_child(n, i));
}

/* Each heading's section runs to the line before the next heading of the
 * same or a higher level (or the end of the file). */
static void close_sections(md_headings *h, const md_lines *lines)
{
	size_t last = lines->n ? lines->n - 1 : 0;
	if (lines->n > 1 && lines->starts[last] == lines->len)
		last--;  /* a final newline does not start a line of its own */
	for (size_t i = 0; i < h->n; i++) {
		h->v[i].end_line = last;
		for (size_t j = i + 1; j < h->n; j++)
			if (h->v[j].level <= h->v[i].level) {
				h->v[i].end_line = h->v[j].line ? h->v[j].line - 1 : 0;
				break;
			}
	}
}

/* Numbers repeated ids as goldmark does: "a", "a-1", "a-2". */
static int dedupe_ids(md_headings *h)
{
	for (size_t i = 0; i < h->n; i++) {
		for (unsigned k = 0;; k++) {
			md_buf cand = {0};
			if (k == 0)
				md_buf_puts(&cand, h->v[i].id);
			else
				md_buf_printf(&cand, "%s-%u", h->v[i].id, k);
			if (cand.oom)
				return -1;
			int taken = 0;
			for (size_t j = 0; j < i && !taken; j++)
				taken = strcmp(h->v[j].id, cand.data) == 0;
			if (!taken) {
				free(h->v[i].id);
				h->v[i].id = cand.data;
				break;
			}
			md_buf_free(&cand);
		}
	}
	return 0;
}

int md_headings_collect(md_headings *h, const char *src, size_t len,
                        size_t body_start, const char *anchor_style)
{
	memset(h, 0, sizeof(*h));
	md_anchor_style style = MD_ANCHOR_GITHUB;
	if (anchor_style && *anchor_style && md_anchor_style_parse(anchor_style, &style))
		return MDPOST_EINVAL;
	if (len - body_start > UINT32_MAX)
		return MDPOST_ETOOBIG;
	md_lines lines;
	if (md_lines_init(&lines, src, len))
		return MDPOST_ENOMEM;
	TSParser *parser = ts_parser_new();
	if (!parser || !ts_parser_set_language(parser, tree_sitter_markdown())) {
		if (parser)
			ts_parser_delete(parser);
		md_lines_free(&lines);
		return parser ? MDPOST_EINTERNAL : MDPOST_ENOMEM;
	}
	TSTree *tree = ts_parser_parse_string(parser, NULL, src + body_start,
	                                      (uint32_t)(len - body_start));
	int rc = MDPOST_OK;
	if (!tree) {
		rc = MDPOST_ENOMEM;
	} else {
		walk w = {src, body_start, h, &lines, style, 0};
		visit(&w, ts_tree_root_node(tree));
		if (w.oom || dedupe_ids(h))
			rc = MDPOST_ENOMEM;
		else
			close_sections(h, &lines);
		ts_tree_delete(tree);
	}
	ts_parser_delete(parser);
	md_lines_free(&lines);
	if (rc)
		md_headings_free(h);
	return rc;
}

void md_headings_free(md_headings *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].text);
		free(h->v[i].id);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}
