/*
 * YAML front matter through libyaml's event API, into md_value trees that
 * keep the byte span of every key and value. Scalars resolve as Hugo's YAML
 * decoder (YAML 1.1) reads them: yes/no/on/off are booleans, timestamps stay
 * strings (Hugo parses dates itself), quoted scalars are always strings.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

typedef struct anchor {
	char *name;
	md_value *value;
	struct anchor *next;
} anchor;

typedef struct yp {
	yaml_parser_t parser;
	const char *src;        /* whole source */
	size_t base;            /* byte offset of the YAML text in src */
	const char *text;
	size_t text_len;
	size_t *char_to_byte;   /* libyaml marks count characters, not bytes */
	size_t n_chars;
	md_frontmatter *fm;
	md_diags *diags;
	anchor *anchors;
	int failed;             /* a diagnostic ended the parse */
	int oom;
} yp;

static size_t mark_offset(yp *p, const yaml_mark_t *m)
{
	size_t i = m->index;
	if (i > p->n_chars)
		i = p->n_chars;
	return p->base + p->char_to_byte[i];
}

/* The byte span of the character at a mark (empty at end of line/input). */
static void char_span(yp *p, const yaml_mark_t *m, size_t *start, size_t *end)
{
	*start = mark_offset(p, m);
	size_t stop = p->base + p->text_len;
	uint32_t cp;
	size_t n = md_utf8_decode((const unsigned char *)p->src + *start,
	                          stop - *start, &cp);
	*end = *start + n;
	if (*start >= stop || p->src[*start] == '\n' || p->src[*start] == '\r')
		*end = *start;
}

static int build_char_map(yp *p)
{
	p->char_to_byte = malloc((p->text_len + 1) * sizeof(size_t));
	if (!p->char_to_byte)
		return -1;
	size_t i = 0, c = 0;
	while (i < p->text_len) {
		uint32_t cp;
		p->char_to_byte[c++] = i;
		i += md_utf8_decode((const unsigned char *)p->text + i,
		                    p->text_len - i, &cp);
	}
	p->char_to_byte[c] = i;
	p->n_chars = c;
	return 0;
}

/* libyaml's phrases, said the way a blogger understands them. */
static const char *yaml_hint(const char *problem, const char *text, size_t at,
                             size_t len)
{
	if (!problem)
		return "";
	if (strstr(problem, "cannot start any token") && at < len && text[at] == '\t')
		return " — YAML is indented with spaces, never tabs";
	if (strstr(problem, "mapping values are not allowed"))
		return " — a value that contains `: ` must be quoted";
	if (strstr(problem, "did not find expected key"))
		return " — check the indentation of this line and the one before";
	if (strstr(problem, "did not find expected '-' indicator"))
		return " — list items under a key must line up, each starting with `- `";
	if (strstr(problem, "found unexpected end of stream"))
		return " — a quote or bracket is never closed";
	if (strstr(problem, "could not find expected ':'"))
		return " — a key needs `: ` after it";
	if (strstr(problem, "found undefined alias"))
		return " — define the anchor (`&name`) before using `*name`";
	return "";
}

/* The last `key: "value` line before `at` whose quote does not close on
 * that line (multi-line quoted scalars are legal YAML, but in front matter
 * they are a forgotten quote). */
static int unclosed_quote_before(yp *p, size_t at, size_t *quote)
{
	const char *t = p->src;
	size_t line = p->base, end = p->base + p->text_len;
	int found = 0;
	while (line < at && line < end) {
		size_t eol = line;
		while (eol < end && t[eol] != '\n')
			eol++;
		if (eol >= at)
			break;  /* the fault's own line says nothing about earlier ones */
		size_t i = line;
		while (i < eol && (t[i] == ' ' || t[i] == '-'))
			i++;
		/* key: then the value's first character */
		size_t colon = i;
		while (colon < eol && t[colon] != ':' && t[colon] != '"' && t[colon] != '\'')
			colon++;
		if (colon + 1 < eol && t[colon] == ':' && t[colon + 1] == ' ') {
			size_t v = colon + 1;
			while (v < eol && t[v] == ' ')
				v++;
			if (v < eol && (t[v] == '"' || t[v] == '\'')) {
				char q = t[v];
				int closed = 0;
				for (size_t k = v + 1; k < eol && !closed; k++) {
					if (q == '"' && t[k] == '\\')
						k++;
					else if (t[k] == q && !(q == '\'' && k + 1 < eol && t[k + 1] == '\''))
						closed = 1;
					else if (q == '\'' && t[k] == q)
						k++;
				}
				if (!closed) {
					*quote = v;
					found = 1;
				} else if (closed) {
					found = 0;  /* a later, well-formed line: the earlier one is not it */
				}
			}
		}
		line = eol + 1;
	}
	return found;
}

static void report_parser_error(yp *p)
{
	const yaml_mark_t *m = &p->parser.problem_mark;
	const char *problem = p->parser.problem ? p->parser.problem : "invalid YAML";
	size_t start, end;
	if (p->parser.error == YAML_READER_ERROR) {
		/* Reader errors (bad UTF-8, control characters) give a byte offset. */
		start = p->base + p->parser.problem_offset;
		if (start > p->base + p->text_len)
			start = p->base + p->text_len;
		end = start < p->base + p->text_len ? start + 1 : start;
		md_diags_add(p->diags, start, end, MD_SEV_ERROR, "fm-syntax",
		             "YAML: %s (byte 0x%02X)", problem,
		             (unsigned)(p->parser.problem_value & 0xFF));
		p->failed = 1;
		return;
	}
	char_span(p, m, &start, &end);
	size_t quote;
	if (unclosed_quote_before(p, start, &quote)) {
		/* `title: "abc` runs on into the next lines until some later quote;
		 * libyaml then trips further down. The fault is the open quote. */
		md_diags_add(p->diags, quote, quote + 1, MD_SEV_ERROR, "fm-syntax",
		             "YAML: this quoted value is not closed on its line, so it swallows "
		             "the lines after it — add the closing %c", p->src[quote]);
		p->failed = 1;
		return;
	}
	const char *hint = yaml_hint(problem, p->src, start, p->base + p->text_len);
	md_diags_add(p->diags, start, end, MD_SEV_ERROR, "fm-syntax", "YAML: %s%s",
	             problem, hint);
	p->failed = 1;
}

static int next_event(yp *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->parser, ev)) {
		if (p->parser.error == YAML_MEMORY_ERROR)
			p->oom = 1;
		else
			report_parser_error(p);
		return -1;
	}
	return 0;
}

static int ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static int one_of(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (ieq(s, n, *list))
			return 1;
	return 0;
}

static const char *const yaml_true[] = {"y", "Y", "yes", "Yes", "YES", "true",
	"True", "TRUE", "on", "On", "ON", NULL};
static const char *const yaml_false[] = {"n", "N", "no", "No", "NO", "false",
	"False", "FALSE", "off", "Off", "OFF", NULL};
static const char *const yaml_null[] = {"~", "null", "Null", "NULL", NULL};

/* An integer as YAML 1.1 writes it: sign, 0x/0o/0b/0 prefixes, underscores. */
static int parse_int(const char *s, size_t n, long long *out)
{
	char tmp[72];
	size_t j = 0;
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			tmp[j++] = s[i];
	tmp[j] = '\0';
	const char *d = tmp;
	int neg = 0;
	if (*d == '+' || *d == '-')
		neg = *d++ == '-';
	int base = 10;
	if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X'))
		base = 16, d += 2;
	else if (d[0] == '0' && (d[1] == 'b' || d[1] == 'B'))
		base = 2, d += 2;
	else if (d[0] == '0' && (d[1] == 'o' || d[1] == 'O'))
		base = 8, d += 2;
	else if (d[0] == '0' && d[1])
		base = 8, d += 1;
	if (!*d)
		return 0;
	for (const char *c = d; *c; c++) {
		int v = (*c >= '0' && *c <= '9') ? *c - '0'
		      : (*c >= 'a' && *c <= 'f') ? *c - 'a' + 10
		      : (*c >= 'A' && *c <= 'F') ? *c - 'A' + 10 : 99;
		if (v >= base)
			return 0;
	}
	errno = 0;
	unsigned long long u = strtoull(d, NULL, base);
	if (errno == ERANGE || u > (unsigned long long)LLONG_MAX + (unsigned)neg)
		return 0;
	*out = neg ? (long long)(0 - u) : (long long)u;
	return 1;
}

static int parse_float(const char *s, size_t n, double *out)
{
	char tmp[72];
	size_t j = 0;
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	const char *inf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
	const char *ninf[] = {"-.inf", "-.Inf", "-.INF", NULL};
	const char *nan_[] = {".nan", ".NaN", ".NAN", NULL};
	if (one_of(s, n, inf)) { *out = INFINITY; return 1; }
	if (one_of(s, n, ninf)) { *out = -INFINITY; return 1; }
	if (one_of(s, n, nan_)) { *out = NAN; return 1; }
	int digits = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '_')
			continue;
		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
		      c == '+' || c == '-'))
			return 0;
		digits += c >= '0' && c <= '9';
		tmp[j++] = c;
	}
	tmp[j] = '\0';
	if (!digits)
		return 0;
	char *end;
	errno = 0;
	double d = strtod(tmp, &end);
	if (*end || errno == ERANGE)
		return 0;
	*out = d;
	return 1;
}

static md_value *scalar_value(yp *p, yaml_event_t *ev)
{
	size_t start = mark_offset(p, &ev->start_mark);
	size_t end = mark_offset(p, &ev->end_mark);
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	md_arena *a = &p->fm->arena;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	const char *tag = (const char *)ev->data.scalar.tag;
	md_vkind kind = MD_V_STRING;
	md_value tmp = {0};

	if (tag && strcmp(tag, "!") != 0 && strcmp(tag, YAML_STR_TAG) != 0) {
		plain = 1;  /* an explicit tag other than !!str: resolve the text */
	} else if (tag) {
		plain = 0;
	}
	if (plain) {
		if (n == 0 || one_of(s, n, yaml_null))
			kind = MD_V_NULL;
		else if (one_of(s, n, yaml_true))
			kind = MD_V_BOOL, tmp.boolean = 1;
		else if (one_of(s, n, yaml_false))
			kind = MD_V_BOOL, tmp.boolean = 0;
		else if (parse_int(s, n, &tmp.integer))
			kind = MD_V_INT;
		else if (parse_float(s, n, &tmp.number))
			kind = MD_V_FLOAT;
	}
	/* An explicit tag the text cannot satisfy is an error to Hugo's
	 * decoder ("cannot decode !!str `abc` as a !!int"). */
	if (tag) {
		const char *want = NULL;
		if (strcmp(tag, YAML_INT_TAG) == 0 && kind != MD_V_INT)
			want = "!!int";
		else if (strcmp(tag, YAML_FLOAT_TAG) == 0 && kind != MD_V_FLOAT && kind != MD_V_INT)
			want = "!!float";
		else if (strcmp(tag, YAML_BOOL_TAG) == 0 && kind != MD_V_BOOL)
			want = "!!bool";
		else if (strcmp(tag, YAML_NULL_TAG) == 0 && kind != MD_V_NULL)
			want = "!!null";
		if (want) {
			md_diags_add(p->diags, start, end, MD_SEV_ERROR, "fm-syntax",
			             "YAML: `%.*s` is tagged %s but is not one (Hugo fails "
			             "to build this page)", (int)(n > 40 ? 40 : n), s, want);
			p->failed = 1;
			return NULL;
		}
	}
	md_value *v = md_value_new(a, kind, start, end);
	if (!v)
		return NULL;
	v->boolean = tmp.boolean;
	v->integer = tmp.integer;
	v->number = tmp.number;
	v->str = md_arena_strdup(a, s, n);
	v->str_len = n;
	v->quoted = !plain;
	return v->str ? v : NULL;
}

static int remember_anchor(yp *p, const yaml_char_t *name, md_value *v)
{
	if (!name)
		return 0;
	anchor *an = malloc(sizeof(*an));
	char *copy = strdup((const char *)name);
	if (!an || !copy) {
		free(an);
		free(copy);
		return -1;
	}
	an->name = copy;
	an->value = v;
	an->next = p->anchors;
	p->anchors = an;
	return 0;
}

static md_value *parse_node(yp *p, yaml_event_t *ev, int depth);

static int too_heavy(yp *p, md_value *v)
{
	if (v->weight <= MD_MAX_NODES)
		return 0;
	md_diags_add(p->diags, v->start, v->start, MD_SEV_ERROR, "fm-syntax",
	             "YAML: more than %d values once aliases are expanded "
	             "(an alias bomb?); Hugo refuses such documents too",
	             MD_MAX_NODES);
	p->failed = 1;
	return 1;
}

/* `<<: *defaults` merges a map (or a list of maps) into this one. */
static int merge_into(yp *p, md_value *map, const md_value *src)
{
	if (src->kind == MD_V_ARRAY) {
		for (size_t i = 0; i < src->n_items; i++)
			if (merge_into(p, map, src->items[i]))
				return -1;
		return 0;
	}
	if (src->kind != MD_V_MAP)
		return 0;
	for (size_t i = 0; i < src->n_entries; i++) {
		const md_entry *e = &src->entries[i];
		if (md_value_get(map, e->key))
			continue;  /* keys written in the map win over merged ones */
		int oom;
		md_value_set(&p->fm->arena, map, e->key, e->key_len, e->key_start,
		             e->key_end, e->value, &oom);
		if (oom)
			return -1;
	}
	return 0;
}

static md_value *parse_mapping(yp *p, yaml_event_t *start_ev, int depth)
{
	md_value *map = md_value_new(&p->fm->arena, MD_V_MAP,
	                             mark_offset(p, &start_ev->start_mark), 0);
	if (!map || remember_anchor(p, start_ev->data.mapping_start.anchor, map))
		return p->oom = 1, NULL;
	for (;;) {
		yaml_event_t kev;
		if (next_event(p, &kev))
			return NULL;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			map->end = mark_offset(p, &kev.end_mark);
			yaml_event_delete(&kev);
			return map;
		}
		size_t kstart = mark_offset(p, &kev.start_mark);
		md_value *key = parse_node(p, &kev, depth + 1);
		yaml_event_delete(&kev);
		if (!key)
			return NULL;
		yaml_event_t vev;
		if (next_event(p, &vev))
			return NULL;
		md_value *val = parse_node(p, &vev, depth + 1);
		yaml_event_delete(&vev);
		if (!val)
			return NULL;
		const char *kname = key->str;
		size_t klen = key->str_len;
		if (key->kind == MD_V_MAP || key->kind == MD_V_ARRAY) {
			/* A complex key: Hugo cannot use it; name it by its source. */
			kname = md_arena_strdup(&p->fm->arena, p->src + key->start,
			                        key->end - key->start);
			klen = key->end - key->start;
			if (!kname)
				return p->oom = 1, NULL;
		}
		if (key->kind == MD_V_BOOL) {
			/* YAML 1.1 resolves plain keys too: `y:` and `on:` are the
			 * key "true" to Hugo. */
			kname = key->boolean ? "true" : "false";
			klen = key->boolean ? 4 : 5;
		}
		if (!key->quoted && klen == 2 && memcmp(kname, "<<", 2) == 0) {
			if (merge_into(p, map, val))
				return p->oom = 1, NULL;
			continue;
		}
		int oom;
		md_entry *dup = md_value_set(&p->fm->arena, map, kname, klen,
		                             kstart, key->end, val, &oom);
		if (oom)
			return p->oom = 1, NULL;
		if (dup) {
			md_diags_add(p->diags, kstart, key->end, MD_SEV_ERROR,
			             "fm-duplicate-key",
			             "`%.*s` is given twice (first on line %zu); Hugo silently "
			             "keeps this last value and drops the first",
			             (int)klen, kname, md_line_of(p->src, dup->key_start));
			dup->key_start = kstart;  /* the entry now holds this value */
			dup->key_end = key->end;
		}
		if (too_heavy(p, map))
			return NULL;
	}
}

static md_value *parse_sequence(yp *p, yaml_event_t *start_ev, int depth)
{
	md_value *arr = md_value_new(&p->fm->arena, MD_V_ARRAY,
	                             mark_offset(p, &start_ev->start_mark), 0);
	if (!arr || remember_anchor(p, start_ev->data.sequence_start.anchor, arr))
		return p->oom = 1, NULL;
	for (;;) {
		yaml_event_t ev;
		if (next_event(p, &ev))
			return NULL;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			arr->end = mark_offset(p, &ev.end_mark);
			yaml_event_delete(&ev);
			return arr;
		}
		md_value *item = parse_node(p, &ev, depth + 1);
		yaml_event_delete(&ev);
		if (!item)
			return NULL;
		if (md_value_push(&p->fm->arena, arr, item))
			return p->oom = 1, NULL;
		if (too_heavy(p, arr))
			return NULL;
	}
}

static md_value *parse_node(yp *p, yaml_event_t *ev, int depth)
{
	if (depth > MD_MAX_DEPTH) {
		size_t at = mark_offset(p, &ev->start_mark);
		md_diags_add(p->diags, at, at, MD_SEV_ERROR, "fm-syntax",
		             "YAML: nested deeper than %d levels", MD_MAX_DEPTH);
		p->failed = 1;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		md_value *v = scalar_value(p, ev);
		if (!v && p->failed)
			return NULL;
		if (!v || remember_anchor(p, ev->data.scalar.anchor, v))
			return p->oom = 1, NULL;
		return v;
	}
	case YAML_SEQUENCE_START_EVENT:
		return parse_sequence(p, ev, depth);
	case YAML_MAPPING_START_EVENT:
		return parse_mapping(p, ev, depth);
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		for (anchor *an = p->anchors; an; an = an->next)
			if (strcmp(an->name, name) == 0)
				return an->value;  /* shared, counted by weight */
		size_t s = mark_offset(p, &ev->start_mark);
		size_t e = mark_offset(p, &ev->end_mark);
		md_diags_add(p->diags, s, e, MD_SEV_ERROR, "fm-syntax",
		             "YAML: unknown alias `*%s` — define `&%s` first",
		             name, name);
		p->failed = 1;
		return NULL;
	}
	default: {
		size_t at = mark_offset(p, &ev->start_mark);
		md_diags_add(p->diags, at, at, MD_SEV_ERROR, "fm-syntax",
		             "YAML: unexpected document structure");
		p->failed = 1;
		return NULL;
	}
	}
}

int md_yaml_parse(md_frontmatter *fm, const char *src, md_diags *diags)
{
	yp p = {0};
	p.src = src;
	p.base = fm->inner_start;
	p.text = src + fm->inner_start;
	p.text_len = fm->inner_end - fm->inner_start;
	p.fm = fm;
	p.diags = diags;
	if (build_char_map(&p))
		return MDPOST_ENOMEM;
	if (!yaml_parser_initialize(&p.parser)) {
		free(p.char_to_byte);
		return MDPOST_ENOMEM;
	}
	yaml_parser_set_input_string(&p.parser, (const unsigned char *)p.text,
	                             p.text_len);
	yaml_parser_set_encoding(&p.parser, YAML_UTF8_ENCODING);

	md_value *root = NULL;
	int done = 0;
	while (!done && !p.failed && !p.oom) {
		yaml_event_t ev;
		if (next_event(&p, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		default:
			if (root) {
				size_t at = mark_offset(&p, &ev.start_mark);
				md_diags_add(diags, at, at, MD_SEV_ERROR, "fm-syntax",
				             "YAML: a second document in the front matter");
				p.failed = 1;
				break;
			}
			root = parse_node(&p, &ev, 0);
			if (!root && !p.failed)
				p.oom = 1;
		}
		yaml_event_delete(&ev);
	}

	if (!p.failed && !p.oom) {
		if (!root) {
			/* Empty front matter: an empty map, as Hugo sees it. */
			root = md_value_new(&fm->arena, MD_V_MAP, fm->inner_start,
			                    fm->inner_end);
			if (!root)
				p.oom = 1;
		} else if (root->kind != MD_V_MAP) {
			md_diags_add(diags, root->start, root->end, MD_SEV_ERROR,
			             "fm-syntax",
			             "YAML front matter must be a mapping of keys to "
			             "values (`key: value` lines)");
			p.failed = 1;
		}
	}
	fm->root = (p.failed || p.oom) ? NULL : root;

	while (p.anchors) {
		anchor *next = p.anchors->next;
		free(p.anchors->name);
		free(p.anchors);
		p.anchors = next;
	}
	yaml_parser_delete(&p.parser);
	free(p.char_to_byte);
	return p.oom ? MDPOST_ENOMEM : MDPOST_OK;
}
