/*
 * JSON front matter: a small strict parser (RFC 8259) that keeps byte
 * spans. Hugo decodes it with Go's encoding/json, which keeps the last of
 * duplicate keys silently.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct jp {
	const char *src;
	size_t pos, end;
	md_arena *arena;
	md_diags *diags;
	int failed;
} jp;

static void jfail(jp *p, size_t at, const char *what)
{
	if (p->failed)
		return;
	size_t end = at < p->end ? at + 1 : at;
	md_diags_add(p->diags, at, end, MD_SEV_ERROR, "fm-syntax", "JSON: %s", what);
	p->failed = 1;
}

static void skip_ws(jp *p)
{
	while (p->pos < p->end) {
		char c = p->src[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = (c >= '0' && c <= '9') ? c - '0'
		      : (c >= 'a' && c <= 'f') ? c - 'a' + 10
		      : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Parses a string at p->pos (on the quote) into a fresh arena string. */
static int parse_string(jp *p, const char **out, size_t *out_len)
{
	size_t start = p->pos++;
	md_buf b = {0};
	while (p->pos < p->end) {
		unsigned char c = (unsigned char)p->src[p->pos];
		if (c == '"') {
			p->pos++;
			*out = md_arena_strdup(p->arena, b.data ? b.data : "", b.len);
			*out_len = b.len;
			int oom = b.oom || !*out;
			md_buf_free(&b);
			return oom ? -2 : 0;
		}
		if (c < 0x20) {
			md_buf_free(&b);
			jfail(p, p->pos, c == '\n' ? "a string is not closed on its line"
			                           : "control character inside a string");
			return -1;
		}
		if (c != '\\') {
			md_buf_putc(&b, (char)c);
			p->pos++;
			continue;
		}
		if (p->pos + 1 >= p->end)
			break;
		char e = p->src[p->pos + 1];
		const char *map = "\"\"\\\\//b\bf\fn\nr\rt\t";
		const char *hit = NULL;
		for (const char *m = map; *m; m += 2)
			if (*m == e)
				hit = m;
		if (hit) {
			md_buf_putc(&b, hit[1]);
			p->pos += 2;
			continue;
		}
		uint32_t cp;
		if (e != 'u' || p->end - p->pos < 6 || hex4(p->src + p->pos + 2, &cp)) {
			md_buf_free(&b);
			jfail(p, p->pos, "invalid escape in a string");
			return -1;
		}
		p->pos += 6;
		if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->pos >= 6 &&
		    p->src[p->pos] == '\\' && p->src[p->pos + 1] == 'u') {
			uint32_t lo;
			if (!hex4(p->src + p->pos + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				p->pos += 6;
			}
		}
		if (cp >= 0xD800 && cp < 0xE000)
			cp = 0xFFFD;
		char u[4];
		md_buf_put(&b, u, md_utf8_encode(cp, u));
	}
	md_buf_free(&b);
	jfail(p, start, "a string is never closed");
	return -1;
}

static md_value *parse_value(jp *p, int depth);

static md_value *parse_object(jp *p, int depth)
{
	md_value *obj = md_value_new(p->arena, MD_V_MAP, p->pos, 0);
	if (!obj)
		return NULL;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->end && p->src[p->pos] == '}') {
		obj->end = ++p->pos;
		return obj;
	}
	for (;;) {
		skip_ws(p);
		if (p->pos >= p->end || p->src[p->pos] != '"') {
			jfail(p, p->pos, p->pos < p->end && p->src[p->pos] == '}'
			      ? "trailing comma before `}`"
			      : "expected a key in double quotes");
			return NULL;
		}
		size_t kstart = p->pos;
		const char *key;
		size_t klen;
		if (parse_string(p, &key, &klen))
			return NULL;
		size_t kend = p->pos;
		skip_ws(p);
		if (p->pos >= p->end || p->src[p->pos] != ':') {
			jfail(p, p->pos, "expected `:` after the key");
			return NULL;
		}
		p->pos++;
		skip_ws(p);
		md_value *v = parse_value(p, depth + 1);
		if (!v)
			return NULL;
		int oom;
		md_entry *dup = md_value_set(p->arena, obj, key, klen, kstart, kend, v, &oom);
		if (oom)
			return NULL;
		if (dup) {
			md_diags_add(p->diags, kstart, kend, MD_SEV_ERROR,
			             "fm-duplicate-key",
			             "`%.*s` is given twice (first on line %zu); Hugo silently "
			             "keeps this last value and drops the first", (int)klen, key,
			             md_line_of(p->src, dup->key_start));
			dup->key_start = kstart;  /* the entry now holds this value */
			dup->key_end = kend;
		}
		if (obj->weight > MD_MAX_NODES) {
			jfail(p, kstart, "too many values");
			return NULL;
		}
		skip_ws(p);
		if (p->pos < p->end && p->src[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->end && p->src[p->pos] == '}') {
			obj->end = ++p->pos;
			return obj;
		}
		jfail(p, p->pos, "expected `,` or `}` after a value");
		return NULL;
	}
}

static md_value *parse_array(jp *p, int depth)
{
	md_value *arr = md_value_new(p->arena, MD_V_ARRAY, p->pos, 0);
	if (!arr)
		return NULL;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->end && p->src[p->pos] == ']') {
		arr->end = ++p->pos;
		return arr;
	}
	for (;;) {
		skip_ws(p);
		if (p->pos < p->end && p->src[p->pos] == ']') {
			jfail(p, p->pos, "trailing comma before `]`");
			return NULL;
		}
		md_value *v = parse_value(p, depth + 1);
		if (!v || md_value_push(p->arena, arr, v))
			return NULL;
		if (arr->weight > MD_MAX_NODES) {
			jfail(p, v->start, "too many values");
			return NULL;
		}
		skip_ws(p);
		if (p->pos < p->end && p->src[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->end && p->src[p->pos] == ']') {
			arr->end = ++p->pos;
			return arr;
		}
		jfail(p, p->pos, "expected `,` or `]` after a value");
		return NULL;
	}
}

static md_value *parse_number(jp *p)
{
	size_t s = p->pos, i = p->pos;
	const char *t = p->src;
	int is_float = 0;
	if (i < p->end && t[i] == '-')
		i++;
	if (i < p->end && t[i] == '0')
		i++;
	else if (i < p->end && t[i] >= '1' && t[i] <= '9')
		while (i < p->end && t[i] >= '0' && t[i] <= '9')
			i++;
	else {
		jfail(p, s, "unexpected character (strings need double quotes)");
		return NULL;
	}
	if (i < p->end && t[i] == '.') {
		is_float = 1;
		i++;
		size_t d = i;
		while (i < p->end && t[i] >= '0' && t[i] <= '9')
			i++;
		if (i == d) {
			jfail(p, i, "a digit must follow the decimal point");
			return NULL;
		}
	}
	if (i < p->end && (t[i] == 'e' || t[i] == 'E')) {
		is_float = 1;
		i++;
		if (i < p->end && (t[i] == '+' || t[i] == '-'))
			i++;
		size_t d = i;
		while (i < p->end && t[i] >= '0' && t[i] <= '9')
			i++;
		if (i == d) {
			jfail(p, i, "a digit must follow the exponent");
			return NULL;
		}
	}
	char tmp[64];
	size_t n = i - s < sizeof(tmp) - 1 ? i - s : sizeof(tmp) - 1;
	memcpy(tmp, t + s, n);
	tmp[n] = '\0';
	md_value *v = md_value_new(p->arena, MD_V_FLOAT, s, i);
	if (!v)
		return NULL;
	errno = 0;
	long long ll = is_float ? 0 : strtoll(tmp, NULL, 10);
	if (!is_float && errno != ERANGE) {
		v->kind = MD_V_INT;
		v->integer = ll;
	}
	v->number = strtod(tmp, NULL);
	v->str = md_arena_strdup(p->arena, t + s, i - s);
	v->str_len = i - s;
	p->pos = i;
	return v->str ? v : NULL;
}

static int literal(jp *p, const char *lit)
{
	size_t n = strlen(lit);
	if (p->end - p->pos >= n && memcmp(p->src + p->pos, lit, n) == 0) {
		p->pos += n;
		return 1;
	}
	return 0;
}

static md_value *parse_value(jp *p, int depth)
{
	if (depth > MD_MAX_DEPTH) {
		jfail(p, p->pos, "nested too deeply");
		return NULL;
	}
	skip_ws(p);
	if (p->pos >= p->end) {
		jfail(p, p->pos, "unexpected end of the front matter");
		return NULL;
	}
	size_t s = p->pos;
	char c = p->src[p->pos];
	md_value *v;
	switch (c) {
	case '{': return parse_object(p, depth);
	case '[': return parse_array(p, depth);
	case '"': {
		const char *str;
		size_t n;
		if (parse_string(p, &str, &n))
			return NULL;
		v = md_value_new(p->arena, MD_V_STRING, s, p->pos);
		if (v) {
			v->str = str;
			v->str_len = n;
			v->quoted = 1;
		}
		return v;
	}
	case '\'':
		jfail(p, s, "strings need double quotes, not single quotes");
		return NULL;
	default:
		break;
	}
	if (literal(p, "true") || literal(p, "false")) {
		v = md_value_new(p->arena, MD_V_BOOL, s, p->pos);
		if (v)
			v->boolean = p->src[s] == 't';
		return v;
	}
	if (literal(p, "null"))
		return md_value_new(p->arena, MD_V_NULL, s, p->pos);
	return parse_number(p);
}

int md_json_parse(md_frontmatter *fm, const char *src, md_diags *diags)
{
	jp p = {src, fm->inner_start, fm->inner_end, &fm->arena, diags, 0};
	md_value *root = parse_value(&p, 0);
	if (fm->arena.oom)
		return MDPOST_ENOMEM;
	if (root && !p.failed) {
		skip_ws(&p);
		if (p.pos < p.end)
			jfail(&p, p.pos, "unexpected text after the closing `}`");
	}
	fm->root = p.failed ? NULL : root;
	return MDPOST_OK;
}
