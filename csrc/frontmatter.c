/*
 * Front matter: find the block the way Hugo's page lexer does, then hand
 * its inside to the format's parser. Positions stay byte offsets into the
 * whole source.
 */
#include <string.h>

#include "internal.h"

const char *md_fm_format_name(md_fm_format f)
{
	switch (f) {
	case MD_FM_YAML: return "yaml";
	case MD_FM_TOML: return "toml";
	case MD_FM_JSON: return "json";
	default: return "none";
	}
}

/* Consumes one line ending (CRLF or LF) at *pos; returns 1 when there was one. */
static int consume_eol(const char *src, size_t len, size_t *pos)
{
	if (*pos < len && src[*pos] == '\r' && *pos + 1 < len && src[*pos + 1] == '\n') {
		*pos += 2;
		return 1;
	}
	if (*pos < len && (src[*pos] == '\n' || src[*pos] == '\r')) {
		*pos += 1;  /* LF, or a lone CR (old Mac files; Hugo accepts them) */
		return 1;
	}
	return 0;
}

/* The start of the line after `pos`: after LF, CRLF or a lone CR. */
static const char *next_line(const char *src, size_t len, size_t pos)
{
	for (size_t i = pos; i < len; i++) {
		if (src[i] == '\n')
			return src + i + 1;
		if (src[i] == '\r')
			return src + i + 1 + (i + 1 < len && src[i + 1] == '\n');
	}
	return NULL;
}

/*
 * A delimited block (--- or +++). As in Hugo, the closing delimiter is the
 * first line that begins with the three delimiter characters.
 */
static int split_delimited(md_frontmatter *fm, const char *src, size_t len,
                           size_t open, const char *delim, md_diags *diags)
{
	size_t pos = open + 3;
	consume_eol(src, len, &pos);
	fm->inner_start = pos;
	size_t line = pos;
	for (;;) {
		if (len - line >= 3 && memcmp(src + line, delim, 3) == 0) {
			fm->inner_end = line;
			size_t after = line + 3;
			consume_eol(src, len, &after);
			fm->end = after;
			fm->body_start = after;
			return 1;
		}
		const char *nl = next_line(src, len, line);
		if (!nl)
			break;
		line = (size_t)(nl - src);
	}
	md_diags_add(diags, open, open + 3, MD_SEV_ERROR, "fm-unclosed",
	             "front matter opened with `%s` is never closed: add a line "
	             "`%s` after the last key (Hugo fails to build this page)",
	             delim, delim);
	fm->inner_end = len;
	fm->end = len;
	fm->body_start = len;
	return 0;
}

/* JSON front matter ends at the brace that balances the first one. */
static int split_json(md_frontmatter *fm, const char *src, size_t len,
                      size_t open, md_diags *diags)
{
	int level = 0, in_quote = 0;
	for (size_t i = open; i < len; i++) {
		char c = src[i];
		if (c == '\\') {
			i++;
			continue;
		}
		if (c == '"')
			in_quote = !in_quote;
		else if (!in_quote && c == '{')
			level++;
		else if (!in_quote && c == '}')
			level--;
		if (level == 0) {
			size_t after = i + 1;
			fm->inner_start = open;
			fm->inner_end = after;
			consume_eol(src, len, &after);
			fm->end = after;
			fm->body_start = after;
			return 1;
		}
	}
	md_diags_add(diags, open, open + 1, MD_SEV_ERROR, "fm-unclosed",
	             "JSON front matter opened with `{` is never closed: its "
	             "braces do not balance (Hugo fails to build this page)");
	fm->inner_start = open;
	fm->inner_end = len;
	fm->end = len;
	fm->body_start = len;
	return 0;
}

int md_frontmatter_parse(md_frontmatter *fm, const char *src, size_t len,
                         md_diags *diags)
{
	memset(fm, 0, sizeof(*fm));
	size_t pos = 0;
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	/* Hugo skips white space before the front matter. */
	while (pos < len && (src[pos] == ' ' || src[pos] == '\t' ||
	                     src[pos] == '\n' || src[pos] == '\r'))
		pos++;
	fm->start = pos;

	int closed;
	if (len - pos >= 3 && memcmp(src + pos, "---", 3) == 0) {
		fm->format = MD_FM_YAML;
		closed = split_delimited(fm, src, len, pos, "---", diags);
	} else if (len - pos >= 3 && memcmp(src + pos, "+++", 3) == 0) {
		fm->format = MD_FM_TOML;
		closed = split_delimited(fm, src, len, pos, "+++", diags);
	} else if (pos < len && src[pos] == '{') {
		fm->format = MD_FM_JSON;
		closed = split_json(fm, src, len, pos, diags);
	} else {
		fm->format = MD_FM_NONE;
		fm->start = fm->end = fm->body_start = 0;
		return diags->oom ? MDPOST_ENOMEM : MDPOST_OK;
	}
	if (diags->oom)
		return MDPOST_ENOMEM;
	if (!closed)
		return MDPOST_OK;

	int rc;
	switch (fm->format) {
	case MD_FM_YAML: rc = md_yaml_parse(fm, src, diags); break;
	case MD_FM_TOML: rc = md_toml_parse(fm, src, diags); break;
	default: rc = md_json_parse(fm, src, diags); break;
	}
	if (rc == 0 && (diags->oom || fm->arena.oom))
		rc = MDPOST_ENOMEM;
	return rc;
}

void md_frontmatter_free(md_frontmatter *fm)
{
	md_arena_free(&fm->arena);
	fm->root = NULL;
}
