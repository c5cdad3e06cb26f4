/*
 * TOML front matter through tree-sitter-toml. Error nodes become fm-syntax;
 * the tree becomes md_value maps with TOML's own rules: dotted keys make
 * tables, [table] and [[array]] headers switch the current table, and a key
 * defined twice is an error (Hugo's TOML decoder fails the build on it).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "dates.h"
#include "internal.h"
#include "tsutil.h"

const TSLanguage *tree_sitter_toml(void);

enum { TABLE_DEFINED = 1, TABLE_IMPLICIT = 2, TABLE_INLINE = 4, ARRAY_OF_TABLES = 8 };

typedef struct tp {
	const char *src;   /* whole source */
	size_t base;       /* offset of the TOML text in src */
	md_frontmatter *fm;
	md_diags *diags;
	int failed;
	int oom;
} tp;

static size_t nstart(tp *p, TSNode n) { return p->base + ts_node_start_byte(n); }
static size_t nend(tp *p, TSNode n) { return p->base + ts_node_end_byte(n); }

static int is(TSNode n, const char *type) { return strcmp(ts_node_type(n), type) == 0; }

/* The first error or missing node in document order, if any. */
static int find_error(TSNode n, TSNode *out)
{
	if (!ts_node_has_error(n))
		return 0;
	if (ts_node_is_missing(n) || is(n, "ERROR")) {
		*out = n;
		return 1;
	}
	/* Only the first child that has an error matters: walk with a cursor. */
	TSTreeCursor c = ts_tree_cursor_new(n);
	int found = 0;
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if (ts_node_has_error(ch) || ts_node_is_missing(ch)) {
				found = find_error(ch, out);
				break;
			}
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	if (!found)
		*out = n;
	return 1;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int bare_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* A value TOML accepts unquoted: booleans, numbers, dates, inf/nan. */
static int bare_value_ok(const char *v, size_t n)
{
	if ((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0))
		return 1;
	size_t i = (n && (v[0] == '+' || v[0] == '-')) ? 1 : 0;
	if (n - i == 3 && (memcmp(v + i, "inf", 3) == 0 || memcmp(v + i, "nan", 3) == 0))
		return 1;
	return i < n && v[i] >= '0' && v[i] <= '9';
}

/*
 * tree-sitter says where parsing broke down, not why. Explain the first
 * broken line the way a person reads it: a table header without `]`, a
 * key without `=`, `=` without a value, an unquoted string, an open quote
 * or bracket.
 */
static void explain_line(tp *p, size_t ls, size_t le)
{
	const char *t = p->src;
	size_t i = ls;
	while (i < le && is_blank(t[i]))
		i++;
	if (i < le && t[i] == '[') {
		int array = i + 1 < le && t[i + 1] == '[';
		const char *close = array ? "]]" : "]";
		size_t j = le;
		while (j > i && is_blank(t[j - 1]))
			j--;
		size_t cl = strlen(close);
		if (j - i < cl + 1 || memcmp(t + j - cl, close, cl) != 0) {
			md_diags_add(p->diags, j, j, MD_SEV_ERROR, "fm-syntax",
			             "TOML: the table header needs a closing `%s`", close);
			return;
		}
		md_diags_add(p->diags, i, j, MD_SEV_ERROR, "fm-syntax",
		             "TOML: malformed table header (keys are bare words or quoted)");
		return;
	}
	size_t ks = i;
	if (i < le && (t[i] == '"' || t[i] == '\'')) {
		char q = t[i++];
		while (i < le && t[i] != q)
			i++;
		if (i < le)
			i++;
	} else {
		while (i < le && bare_key_char(t[i]))
			i++;
	}
	size_t ke = i;
	while (i < le && is_blank(t[i]))
		i++;
	if (ke == ks) {
		md_diags_add(p->diags, ks, ks + 1 <= le ? ks + 1 : ks, MD_SEV_ERROR,
		             "fm-syntax", "TOML: expected a key (bare words use A-Z a-z 0-9 _ -)");
		return;
	}
	if (i >= le || t[i] != '=') {
		md_diags_add(p->diags, i, i < le ? i + 1 : i, MD_SEV_ERROR, "fm-syntax",
		             "TOML: expected `=` after the key `%.*s`", (int)(ke - ks), t + ks);
		return;
	}
	size_t eq = i++;
	while (i < le && is_blank(t[i]))
		i++;
	size_t vs = i, ve = le;
	while (ve > vs && is_blank(t[ve - 1]))
		ve--;
	if (vs >= ve || t[vs] == '#') {
		md_diags_add(p->diags, ks, eq + 1, MD_SEV_ERROR, "fm-syntax",
		             "TOML: `%.*s` needs a value after `=` (strings in quotes)",
		             (int)(ke - ks), t + ks);
		return;
	}
	if (t[vs] == '"' || t[vs] == '\'') {
		char q = t[vs];
		size_t j = vs + 1;
		while (j < ve && t[j] != q)
			j += (q == '"' && t[j] == '\\') ? 2 : 1;
		if (j >= ve) {
			md_diags_add(p->diags, vs, vs + 1, MD_SEV_ERROR, "fm-syntax",
			             "TOML: this string is never closed on its line");
			return;
		}
		j++;
		while (j < ve && is_blank(t[j]))
			j++;
		if (j < ve && t[j] != '#') {
			md_diags_add(p->diags, j, ve, MD_SEV_ERROR, "fm-syntax",
			             "TOML: unexpected `%.*s` after the value (one key = value a line)",
			             (int)(ve - j > 40 ? 40 : ve - j), t + j);
			return;
		}
		md_diags_add(p->diags, vs, ve, MD_SEV_ERROR, "fm-syntax",
		             "TOML: invalid string (check its escapes)");
		return;
	}
	if (t[vs] == '[' || t[vs] == '{') {
		md_diags_add(p->diags, vs, vs + 1, MD_SEV_ERROR, "fm-syntax",
		             "TOML: this %s is never closed, or holds an unquoted string",
		             t[vs] == '[' ? "array" : "inline table");
		return;
	}
	size_t we = vs;
	while (we < ve && !is_blank(t[we]) && t[we] != '#')
		we++;
	if (!bare_value_ok(t + vs, we - vs)) {
		md_diags_add(p->diags, vs, ve, MD_SEV_ERROR, "fm-syntax",
		             "TOML: strings must be quoted: %.*s = \"%.*s\"",
		             (int)(ke - ks), t + ks, (int)(ve - vs), t + vs);
		return;
	}
	md_diags_add(p->diags, vs, ve, MD_SEV_ERROR, "fm-syntax",
	             "TOML: `%.*s` is not a valid value", (int)(ve - vs), t + vs);
}

static void report_syntax(tp *p, TSNode err)
{
	size_t s = nstart(p, err);
	/* The broken line: where the error (or missing token) begins. */
	size_t ls = s;
	while (ls > p->base && p->src[ls - 1] != '\n')
		ls--;
	if (ts_node_is_missing(err)) {
		/* A missing token is reported at the end of the previous token:
		 * explain the line that holds the construct it belongs to. */
		TSNode parent = ts_node_parent(err);
		if (!ts_node_is_null(parent)) {
			s = nstart(p, parent);
			ls = s;
			while (ls > p->base && p->src[ls - 1] != '\n')
				ls--;
		}
	}
	size_t le = ls;
	while (le < p->fm->inner_end && p->src[le] != '\n')
		le++;
	if (le > ls && p->src[le - 1] == '\r')
		le--;
	explain_line(p, ls, le);
}

/* ---- strings and keys -------------------------------------------------- */

static int hexval(char c)
{
	return (c >= '0' && c <= '9') ? c - '0'
	     : (c >= 'a' && c <= 'f') ? c - 'a' + 10
	     : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Decodes the text of a string or quoted key, delimiters included. */
static const char *decode_string(tp *p, const char *t, size_t n, size_t *out_len)
{
	md_buf b = {0};
	int basic = t[0] == '"';
	size_t q = (n >= 6 && (memcmp(t, "\"\"\"", 3) == 0 || memcmp(t, "'''", 3) == 0)) ? 3 : 1;
	size_t i = q, stop = n >= 2 * q ? n - q : q;
	if (q == 3) {  /* a newline right after the opening delimiter is dropped */
		if (i < stop && t[i] == '\r' && i + 1 < stop && t[i + 1] == '\n')
			i += 2;
		else if (i < stop && t[i] == '\n')
			i++;
	}
	while (i < stop) {
		char c = t[i];
		if (!basic || c != '\\' || i + 1 >= stop) {
			md_buf_putc(&b, c);
			i++;
			continue;
		}
		char e = t[i + 1];
		const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\";
		const char *hit = NULL;
		for (const char *m = simple; *m; m += 2)
			if (*m == e)
				hit = m;
		if (hit) {
			md_buf_putc(&b, hit[1]);
			i += 2;
		} else if (e == 'u' || e == 'U') {
			size_t digits = e == 'u' ? 4 : 8;
			uint32_t cp = 0;
			size_t k;
			for (k = 0; k < digits && i + 2 + k < stop && hexval(t[i + 2 + k]) >= 0; k++)
				cp = cp * 16 + (uint32_t)hexval(t[i + 2 + k]);
			if (k != digits || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
				cp = 0xFFFD;
			char u[4];
			md_buf_put(&b, u, md_utf8_encode(cp, u));
			i += 2 + k;
		} else {
			/* Line-ending backslash: trims the newline and following blanks. */
			i++;
			while (i < stop && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
				i++;
		}
	}
	const char *s = md_arena_strdup(&p->fm->arena, b.data ? b.data : "", b.len);
	*out_len = b.len;
	if (b.oom || !s)
		p->oom = 1;
	md_buf_free(&b);
	return s;
}

typedef struct keyseg {
	const char *name;
	size_t len, start, end;
} keyseg;

/* Flattens bare_key / quoted_key / dotted_key into segments. */
static int collect_key(tp *p, TSNode n, keyseg *segs, size_t *count, size_t max)
{
	if (is(n, "dotted_key")) {
		TSNode *kids;
		int failed = 0;
		size_t c = md_ts_children(n, 1, &kids, &failed);
		int rc = failed ? (p->oom = 1, -1) : 0;
		for (size_t i = 0; i < c && !rc; i++)
			rc = collect_key(p, kids[i], segs, count, max);
		free(kids);
		return rc;
	}
	if (*count >= max) {
		md_diags_add(p->diags, nstart(p, n), nend(p, n), MD_SEV_ERROR,
		             "fm-syntax", "TOML: a key with too many dotted parts");
		p->failed = 1;
		return -1;
	}
	keyseg *k = &segs[(*count)++];
	k->start = nstart(p, n);
	k->end = nend(p, n);
	const char *t = p->src + k->start;
	size_t len = k->end - k->start;
	if (is(n, "quoted_key"))
		k->name = decode_string(p, t, len, &k->len);
	else {
		k->name = md_arena_strdup(&p->fm->arena, t, len);
		k->len = len;
	}
	if (!k->name)
		return p->oom = 1, -1;
	return 0;
}

static md_entry *find_entry(md_value *map, const keyseg *k)
{
	for (size_t i = 0; i < map->n_entries; i++)
		if (map->entries[i].key_len == k->len &&
		    memcmp(map->entries[i].key, k->name, k->len) == 0)
			return &map->entries[i];
	return NULL;
}

static void duplicate(tp *p, const keyseg *k, const char *what, const md_entry *first)
{
	char where[48] = "";
	if (first)
		snprintf(where, sizeof(where), " (first on line %zu)", md_line_of(p->src, first->key_start));
	md_diags_add(p->diags, k->start, k->end, MD_SEV_ERROR, "fm-duplicate-key",
	             "`%.*s` is %s%s; Hugo fails to build this page (toml: key "
	             "%.*s is already defined)", (int)k->len, k->name, what, where,
	             (int)k->len, k->name);
	p->failed = 1;
}

static md_value *add_entry(tp *p, md_value *map, const keyseg *k, md_value *v)
{
	int oom;
	md_value_set(&p->fm->arena, map, k->name, k->len, k->start, k->end, v, &oom);
	if (oom)
		p->oom = 1;
	return oom ? NULL : v;
}

/* Walks (creating implicit tables) to the table that holds the last key. */
static md_value *descend(tp *p, md_value *table, keyseg *segs, size_t n, size_t at)
{
	for (size_t i = 0; i < n; i++) {
		md_entry *e = find_entry(table, &segs[i]);
		if (!e) {
			md_value *t = md_value_new(&p->fm->arena, MD_V_MAP, at, at);
			if (!t)
				return p->oom = 1, NULL;
			t->flags = TABLE_IMPLICIT;
			if (!add_entry(p, table, &segs[i], t))
				return NULL;
			table = t;
			continue;
		}
		md_value *v = e->value;
		if (v->kind == MD_V_ARRAY && (v->flags & ARRAY_OF_TABLES) && v->n_items)
			v = v->items[v->n_items - 1];
		if (v->kind != MD_V_MAP || (v->flags & TABLE_INLINE)) {
			duplicate(p, &segs[i], "already a value, not a table", e);
			return NULL;
		}
		table = v;
	}
	return table;
}

/* ---- values ------------------------------------------------------------ */

static md_value *convert(tp *p, TSNode n, int depth);

static int insert_pair(tp *p, md_value *table, TSNode pair, int depth)
{
	uint32_t c = ts_node_named_child_count(pair);
	TSNode key = {0}, val = {0};
	int have_key = 0, have_val = 0;
	for (uint32_t i = 0; i < c; i++) {
		TSNode ch = ts_node_named_child(pair, i);
		if (is(ch, "comment"))
			continue;
		if (!have_key) {
			key = ch;
			have_key = 1;
		} else if (!have_val) {
			val = ch;
			have_val = 1;
		}
	}
	if (!have_key || !have_val)
		return 0;  /* already reported as a syntax error */
	keyseg segs[64];
	size_t n = 0;
	if (collect_key(p, key, segs, &n, 64))
		return -1;
	md_value *parent = descend(p, table, segs, n - 1, nstart(p, key));
	if (!parent)
		return -1;
	const md_entry *first = find_entry(parent, &segs[n - 1]);
	if (first) {
		duplicate(p, &segs[n - 1], "already defined", first);
		return -1;
	}
	md_value *v = convert(p, val, depth + 1);
	if (!v || !add_entry(p, parent, &segs[n - 1], v))
		return -1;
	return 0;
}

static long long parse_toml_int(const char *t, size_t n, int *ok)
{
	char tmp[80];
	size_t j = 0;
	for (size_t i = 0; i < n && j < sizeof(tmp) - 1; i++)
		if (t[i] != '_')
			tmp[j++] = t[i];
	tmp[j] = '\0';
	const char *d = tmp;
	int neg = 0, base = 10;
	if (*d == '+' || *d == '-')
		neg = *d++ == '-';
	if (d[0] == '0' && d[1] == 'x') base = 16, d += 2;
	else if (d[0] == '0' && d[1] == 'o') base = 8, d += 2;
	else if (d[0] == '0' && d[1] == 'b') base = 2, d += 2;
	char *end;
	unsigned long long u = strtoull(d, &end, base);
	*ok = *end == '\0' && u <= (unsigned long long)LLONG_MAX;
	return neg ? -(long long)u : (long long)u;
}

static md_value *convert(tp *p, TSNode n, int depth)
{
	md_arena *a = &p->fm->arena;
	size_t s = nstart(p, n), e = nend(p, n);
	const char *t = p->src + s;
	size_t len = e - s;
	if (depth > MD_MAX_DEPTH) {
		md_diags_add(p->diags, s, s, MD_SEV_ERROR, "fm-syntax",
		             "TOML: nested deeper than %d levels", MD_MAX_DEPTH);
		p->failed = 1;
		return NULL;
	}
	const char *type = ts_node_type(n);
	md_value *v;
	if (strcmp(type, "array") == 0) {
		v = md_value_new(a, MD_V_ARRAY, s, e);
		if (!v)
			return p->oom = 1, NULL;
		TSNode *kids;
		int failed = 0;
		size_t c = md_ts_children(n, 1, &kids, &failed);
		if (failed)
			return p->oom = 1, NULL;
		for (size_t i = 0; i < c; i++) {
			if (is(kids[i], "comment"))
				continue;
			md_value *item = convert(p, kids[i], depth + 1);
			if (!item || md_value_push(a, v, item)) {
				if (item)
					p->oom = 1;
				free(kids);
				return NULL;
			}
		}
		free(kids);
		return v;
	}
	if (strcmp(type, "inline_table") == 0) {
		v = md_value_new(a, MD_V_MAP, s, e);
		if (!v)
			return p->oom = 1, NULL;
		TSNode *kids;
		int failed = 0;
		size_t c = md_ts_children(n, 1, &kids, &failed);
		if (failed)
			return p->oom = 1, NULL;
		for (size_t i = 0; i < c; i++) {
			if (is(kids[i], "pair") && insert_pair(p, v, kids[i], depth + 1)) {
				free(kids);
				return NULL;
			}
		}
		free(kids);
		v->flags = TABLE_INLINE;
		return v;
	}
	md_vkind kind = MD_V_STRING;
	if (strcmp(type, "integer") == 0)
		kind = MD_V_INT;
	else if (strcmp(type, "float") == 0)
		kind = MD_V_FLOAT;
	else if (strcmp(type, "boolean") == 0)
		kind = MD_V_BOOL;
	else if (strstr(type, "date") || strstr(type, "time"))
		kind = MD_V_DATETIME;
	v = md_value_new(a, kind, s, e);
	if (!v)
		return p->oom = 1, NULL;
	if (kind == MD_V_STRING) {
		v->str = decode_string(p, t, len, &v->str_len);
		v->quoted = 1;
		return v->str ? v : NULL;
	}
	v->str = md_arena_strdup(a, t, len);
	v->str_len = len;
	if (!v->str)
		return p->oom = 1, NULL;
	if (kind == MD_V_DATETIME) {
		/* The grammar takes 2025-02-30; Hugo's TOML decoder does not. */
		const char *why = md_date_toml_error(t, len);
		if (why) {
			md_diags_add(p->diags, s, e, MD_SEV_ERROR, "fm-syntax",
			             "TOML: %s (Hugo fails to build this page)", why);
			p->failed = 1;
			return NULL;
		}
	}
	if (kind == MD_V_INT) {
		int ok;
		v->integer = parse_toml_int(t, len, &ok);
		v->number = (double)v->integer;
		if (!ok)
			kind = v->kind = MD_V_FLOAT;
	}
	if (kind == MD_V_FLOAT) {
		char tmp[80];
		size_t j = 0;
		for (size_t i = 0; i < len && j < sizeof(tmp) - 1; i++)
			if (t[i] != '_')
				tmp[j++] = t[i];
		tmp[j] = '\0';
		v->number = strtod(tmp, NULL);
	}
	if (kind == MD_V_BOOL)
		v->boolean = t[0] == 't';
	return v;
}

/* ---- document ---------------------------------------------------------- */

static md_value *open_table(tp *p, md_value *root, TSNode header, int array)
{
	TSNode key = ts_node_named_child(header, 0);
	keyseg segs[64];
	size_t n = 0;
	if (ts_node_is_null(key) || collect_key(p, key, segs, &n, 64))
		return NULL;
	size_t at = nstart(p, header);
	md_value *parent = descend(p, root, segs, n - 1, at);
	if (!parent)
		return NULL;
	md_entry *e = find_entry(parent, &segs[n - 1]);
	md_arena *a = &p->fm->arena;
	if (array) {
		md_value *arr = e ? e->value : NULL;
		if (arr && !(arr->kind == MD_V_ARRAY && (arr->flags & ARRAY_OF_TABLES))) {
			duplicate(p, &segs[n - 1], "already defined as something else", e);
			return NULL;
		}
		if (!arr) {
			arr = md_value_new(a, MD_V_ARRAY, at, at);
			if (!arr)
				return p->oom = 1, NULL;
			arr->flags = ARRAY_OF_TABLES;
			if (!add_entry(p, parent, &segs[n - 1], arr))
				return NULL;
		}
		md_value *t = md_value_new(a, MD_V_MAP, at, nend(p, header));
		if (!t || md_value_push(a, arr, t))
			return p->oom = 1, NULL;
		t->flags = TABLE_DEFINED;
		return t;
	}
	if (e) {
		md_value *t = e->value;
		if (t->kind != MD_V_MAP || (t->flags & (TABLE_DEFINED | TABLE_INLINE))) {
			duplicate(p, &segs[n - 1], "defined twice", e);
			return NULL;
		}
		t->flags = TABLE_DEFINED;
		return t;
	}
	md_value *t = md_value_new(a, MD_V_MAP, at, nend(p, header));
	if (!t)
		return p->oom = 1, NULL;
	t->flags = TABLE_DEFINED;
	return add_entry(p, parent, &segs[n - 1], t);
}

int md_toml_parse(md_frontmatter *fm, const char *src, md_diags *diags)
{
	tp p = {src, fm->inner_start, fm, diags, 0, 0};
	size_t len = fm->inner_end - fm->inner_start;
	if (len > UINT32_MAX)
		return MDPOST_ETOOBIG;
	TSParser *parser = ts_parser_new();
	if (!parser)
		return MDPOST_ENOMEM;
	if (!ts_parser_set_language(parser, tree_sitter_toml())) {
		ts_parser_delete(parser);
		return MDPOST_EINTERNAL;
	}
	TSTree *tree = ts_parser_parse_string(parser, NULL, src + fm->inner_start,
	                                      (uint32_t)len);
	if (!tree) {
		ts_parser_delete(parser);
		return MDPOST_ENOMEM;
	}
	TSNode root_node = ts_tree_root_node(tree);
	TSNode err;
	md_value *root = NULL;
	if (find_error(root_node, &err)) {
		report_syntax(&p, err);
		p.failed = 1;
	} else {
		root = md_value_new(&fm->arena, MD_V_MAP, fm->inner_start, fm->inner_end);
		if (!root)
			p.oom = 1;
		md_value *table = root;
		TSNode *top;
		int failed = 0;
		size_t c = md_ts_children(root_node, 1, &top, &failed);
		p.oom |= failed;
		for (size_t i = 0; i < c && !p.failed && !p.oom; i++) {
			TSNode ch = top[i];
			if (is(ch, "pair")) {
				insert_pair(&p, table, ch, 0);
			} else if (is(ch, "table") || is(ch, "table_array_element")) {
				md_value *t = open_table(&p, root, ch, is(ch, "table_array_element"));
				if (!t)
					break;
				TSNode *pairs;
				size_t k = md_ts_children(ch, 1, &pairs, &failed);
				p.oom |= failed;
				for (size_t j = 1; j < k && !p.failed && !p.oom; j++)
					if (is(pairs[j], "pair"))
						insert_pair(&p, t, pairs[j], 0);
				free(pairs);
			}
		}
		free(top);
		if (p.failed && !diags->n)
			p.failed = 1;
	}
	fm->root = (p.failed || p.oom) ? NULL : root;
	ts_tree_delete(tree);
	ts_parser_delete(parser);
	return p.oom || fm->arena.oom ? MDPOST_ENOMEM : MDPOST_OK;
}
