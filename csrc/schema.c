/*
 * Front matter validation against a JSON Schema (written in YAML or JSON,
 * as remark-lint-frontmatter-schema and Front Matter CMS users write them).
 * Supported: type, properties, required, additionalProperties, enum, items,
 * minItems, maxItems, minLength, maxLength, pattern, format (date-time, date,
 * uri, uri-reference, hugo-date: a date as Hugo reads it, hugo-alias: a
 * path, never a URL), $ref within
 * the file, oneOf and anyOf. Keys match case-insensitively: Hugo lower-cases
 * every front matter key.
 *
 * Each failure becomes a diagnostic with a rule code (fm-type, fm-required,
 * fm-enum, fm-url, fm-date, fm-length, fm-pattern, fm-unknown-key) at the
 * key or value at fault, in words that say what the generator will do.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "internal.h"

/* ---- helpers ------------------------------------------------------------ */

static int key_eq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

const md_entry *md_value_find(const md_value *map, const char *key, size_t n)
{
	if (!map || map->kind != MD_V_MAP)
		return NULL;
	for (size_t i = 0; i < map->n_entries; i++)
		if (key_eq(map->entries[i].key, map->entries[i].key_len, key, n))
			return &map->entries[i];
	return NULL;
}

static const md_value *sget(const md_value *schema, const char *kw)
{
	const md_entry *e = md_value_find(schema, kw, strlen(kw));
	return e ? e->value : NULL;
}

static int is_str(const md_value *v, const char *s)
{
	return v && v->kind == MD_V_STRING && v->str_len == strlen(s) &&
	       memcmp(v->str, s, v->str_len) == 0;
}

/* Damerau-Levenshtein (optimal string alignment) on code points, ASCII
 * lower-cased, so a CJK character is one edit, not three. Three rolling
 * rows. Callers only care about distances up to 3, so any larger one is
 * answered as 99, as early as it is certain. */
size_t md_edit_distance(const char *as, size_t an_bytes, const char *bs, size_t bn_bytes)
{
	/* Most keys are ASCII: then the byte lengths are the lengths. */
	int ascii = 1;
	for (size_t i = 0; i < an_bytes && ascii; i++)
		ascii = (unsigned char)as[i] < 0x80;
	for (size_t i = 0; i < bn_bytes && ascii; i++)
		ascii = (unsigned char)bs[i] < 0x80;
	if (ascii && (an_bytes > bn_bytes ? an_bytes - bn_bytes : bn_bytes - an_bytes) > 3)
		return 99;
	uint32_t a[64], b[64];
	size_t an = 0, bn = 0;
	for (size_t i = 0; i < an_bytes; an++) {
		if (an == 64)
			return 99;
		i += md_utf8_decode((const unsigned char *)as + i, an_bytes - i, &a[an]);
		if (a[an] >= 'A' && a[an] <= 'Z')
			a[an] += 32;
	}
	for (size_t i = 0; i < bn_bytes; bn++) {
		if (bn == 64)
			return 99;
		i += md_utf8_decode((const unsigned char *)bs + i, bn_bytes - i, &b[bn]);
		if (b[bn] >= 'A' && b[bn] <= 'Z')
			b[bn] += 32;
	}
	if ((an > bn ? an - bn : bn - an) > 3)
		return 99;
	size_t rows[3][65];
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= bn; j++)
		prev[j] = j;
	for (size_t i = 1; i <= an; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= bn; j++) {
			uint32_t x = a[i - 1], y = b[j - 1];
			size_t best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (prev[j - 1] + (x != y) < best)
				best = prev[j - 1] + (x != y);
			if (i > 1 && j > 1 && x == b[j - 2] && a[i - 2] == y && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
		/* Every later row only grows from this one's minimum. */
		size_t row_min = cur[0];
		for (size_t j = 1; j <= bn; j++)
			if (cur[j] < row_min)
				row_min = cur[j];
		if (row_min > 3)
			return 99;
		size_t *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[bn];
}

/* Close enough to be a typo: one edit for short words, two for longer. */
static int near_miss(const char *a, size_t an, const char *b, size_t bn)
{
	size_t shorter = an < bn ? an : bn;
	size_t limit = shorter <= 4 ? 1 : 2;
	size_t dist = md_edit_distance(a, an, b, bn);
	return dist > 0 && dist <= limit;
}

static const char *kind_name(const md_value *v)
{
	switch (v->kind) {
	case MD_V_NULL: return "empty (null)";
	case MD_V_BOOL: return "a boolean";
	case MD_V_INT: return "an integer";
	case MD_V_FLOAT: return "a number";
	case MD_V_STRING: return "a string";
	case MD_V_DATETIME: return "a date";
	case MD_V_ARRAY: return "a list";
	default: return "a map";
	}
}

static int type_matches(const md_value *v, const char *t, size_t n)
{
#define T(lit) (n == sizeof(lit) - 1 && memcmp(t, lit, n) == 0)
	if (T("string"))
		return v->kind == MD_V_STRING || v->kind == MD_V_DATETIME;
	if (T("number"))
		return v->kind == MD_V_INT || v->kind == MD_V_FLOAT;
	if (T("integer"))
		return v->kind == MD_V_INT;
	if (T("boolean"))
		return v->kind == MD_V_BOOL;
	if (T("array"))
		return v->kind == MD_V_ARRAY;
	if (T("object"))
		return v->kind == MD_V_MAP;
	if (T("null"))
		return v->kind == MD_V_NULL;
#undef T
	return 0;
}

/* ---- validation context ---------------------------------------------------- */

typedef struct vctx {
	const md_value *root_schema;
	const char *src;
	const md_frontmatter *fm;
	const char *zone;       /* the site's timeZone, for hugo-date */
	md_diags *diags;
	int depth;
} vctx;

static int validate(vctx *c, const md_value *schema, const md_value *v,
                    const char *key, size_t key_len);

static const md_value *resolve_ref(vctx *c, const md_value *schema)
{
	for (int hops = 0; hops < 32; hops++) {
		const md_value *ref = sget(schema, "$ref");
		if (!ref || ref->kind != MD_V_STRING)
			return schema;
		if (ref->str_len < 2 || ref->str[0] != '#' || ref->str[1] != '/')
			return NULL;
		const md_value *node = c->root_schema;
		const char *p = ref->str + 2, *end = ref->str + ref->str_len;
		while (node && p < end) {
			const char *slash = memchr(p, '/', (size_t)(end - p));
			size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);
			const md_entry *e = md_value_find(node, p, n);
			node = e ? e->value : NULL;
			p += n + (slash ? 1 : 0);
		}
		if (!node)
			return NULL;
		schema = node;
	}
	return NULL;
}

/* The value as the source wrote it, for messages (clipped). */
static void quote_value(md_buf *b, vctx *c, const md_value *v)
{
	size_t n = v->end - v->start;
	if (n > 60) {
		md_buf_put(b, c->src + v->start, 57);
		md_buf_puts(b, "...");
	} else {
		md_buf_put(b, c->src + v->start, n);
	}
}

/* Go's strconv.ParseBool, which Hugo applies to `draft` strings. */
static int go_parse_bool(const char *s, size_t n, int *out)
{
	static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True", NULL};
	static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False", NULL};
	for (int i = 0; t[i]; i++)
		if (strlen(t[i]) == n && memcmp(t[i], s, n) == 0)
			return *out = 1, 1;
	for (int i = 0; f[i]; i++)
		if (strlen(f[i]) == n && memcmp(f[i], s, n) == 0)
			return *out = 0, 1;
	return 0;
}

static void type_error(vctx *c, const md_value *schema_type, const md_value *v,
                       const char *key, size_t key_len)
{
	md_buf want = {0};
	if (schema_type->kind == MD_V_STRING) {
		md_buf_put(&want, schema_type->str, schema_type->str_len);
	} else {
		for (size_t i = 0; i < schema_type->n_items; i++) {
			const md_value *t = schema_type->items[i];
			if (t->kind != MD_V_STRING)
				continue;
			if (want.len)
				md_buf_puts(&want, i + 1 == schema_type->n_items ? " or " : ", ");
			md_buf_put(&want, t->str, t->str_len);
		}
	}
	md_buf got = {0};
	quote_value(&got, c, v);
	int wants_array = strstr(want.data ? want.data : "", "array") != NULL;
	int wants_bool = strstr(want.data ? want.data : "", "boolean") != NULL;
	int k = (int)key_len;
	if (wants_array && v->kind == MD_V_STRING) {
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-type",
		             "`%.*s` is a single string, not a list: Hugo makes it one "
		             "term (\"%.*s\") and themes that loop over `%.*s` (Mainroad's "
		             "range .Params.%.*s) fail to build — write %.*s: [%s]",
		             k, key, (int)v->str_len, v->str, k, key, k, key, k, key,
		             got.data ? got.data : "");
	} else if (wants_bool && v->kind == MD_V_STRING && key_eq(key, key_len, "draft", 5)) {
		int b = 0;
		int known = go_parse_bool(v->str, v->str_len, &b);
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-type",
		             "`draft: %s` is a string: Hugo reads it as %s%s — write "
		             "draft: true or draft: false without quotes",
		             got.data ? got.data : "", known && b ? "true" : "false",
		             known && b ? "" : ", so the post is published");
	} else if (wants_bool && v->kind == MD_V_STRING) {
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-type",
		             "`%.*s: %s` is a string, not a boolean (templates treat any "
		             "non-empty string as true) — write %.*s: true or false "
		             "without quotes", k, key, got.data ? got.data : "", k, key);
	} else {
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-type",
		             "`%.*s` should be %s%s, not %s (%s)", k, key,
		             wants_array ? "a list of " : "",
		             wants_array ? "values" : (want.data ? want.data : "?"),
		             kind_name(v), got.data ? got.data : "");
	}
	md_buf_free(&want);
	md_buf_free(&got);
}

static int empty_value(const md_value *v)
{
	return v->kind == MD_V_NULL || (v->kind == MD_V_STRING && v->str_len == 0) ||
	       (v->kind == MD_V_ARRAY && v->n_items == 0) ||
	       (v->kind == MD_V_MAP && v->n_entries == 0);
}

/* ---- formats --------------------------------------------------------------- */

static int has_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			return 1;
	return 0;
}

/* Returns NULL when fine, else why the URL is malformed. `relative_ok`
 * for uri-reference (a path to an image in static/ is fine). */
static const char *url_problem(const char *s, size_t n, int relative_ok)
{
	if (n == 0)
		return "it is empty";
	if (has_space(s, n))
		return "it contains a space (encode it as %20)";
	size_t i = 0;
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
		while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                 (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
		                 s[i] == '.'))
			i++;
	}
	if (i > 0 && i < n && s[i] == ':') {
		size_t sl = i;
		int http = (sl == 4 && strncasecmp(s, "http", 4) == 0) ||
		           (sl == 5 && strncasecmp(s, "https", 5) == 0);
		if (!http) {
			static const char *const ok[] = {"mailto", "ftp", "data", "tel", NULL};
			for (int k = 0; ok[k]; k++)
				if (strlen(ok[k]) == sl && strncasecmp(s, ok[k], sl) == 0)
					return NULL;
			if (sl <= 6 && (strncasecmp(s, "htp", 3) == 0 || strncasecmp(s, "htps", 4) == 0 ||
			                strncasecmp(s, "http", 4) == 0 || strncasecmp(s, "htt", 3) == 0))
				return "its scheme is misspelt (http: or https:)";
			/* host:port with no scheme reads as scheme "host". */
			if (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
				return "it has a host but no https:// before it";
			return "its scheme is not http: or https:";
		}
		if (n < i + 3 || s[i + 1] != '/' || s[i + 2] != '/')
			return "`//` must follow the scheme";
		size_t h = i + 3;
		if (h >= n || s[h] == '/')
			return "it has no host name";
		return NULL;
	}
	/* No scheme. */
	if ((n > 6 && strncasecmp(s, "http//", 6) == 0) || (n > 7 && strncasecmp(s, "https//", 7) == 0))
		return "the `:` after http is missing";
	if (!relative_ok)
		return "it is not an absolute URL (https://...)";
	/* A first segment like `127.0.0.1:18080` or `www.example.com` is a host. */
	size_t seg = 0;
	while (seg < n && s[seg] != '/')
		seg++;
	int dots = 0, colon = 0;
	for (size_t k = 0; k < seg; k++) {
		dots += s[k] == '.';
		colon += s[k] == ':';
	}
	if ((colon && dots) || (seg > 4 && strncasecmp(s, "www.", 4) == 0))
		return "it starts with a host name but has no https:// before it";
	return NULL;
}

/*
 * The date the author most likely meant, when a mechanical repair makes
 * Hugo read it: `/` or `.` as separators, unpadded month or day, a time
 * without seconds, surrounding spaces. 1 with `out` filled; -1 when the
 * date is well formed but does not exist (2025-02-30); else 0.
 */
static int suggest_date(const char *orig, size_t orig_n, const char *zone, char out[64])
{
	const char *s = orig;
	size_t n = orig_n;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	unsigned y, mo, d, h = 0, mi = 0, sec = 0;
	char sep1, sep2, tsep = ' ';
	int used = 0, fields;
	char tmp[64];
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	fields = sscanf(tmp, "%4u%c%2u%c%2u%n", &y, &sep1, &mo, &sep2, &d, &used);
	if (fields < 5 || sep1 != sep2 || !strchr("-/.", sep1))
		return 0;
	const char *rest = tmp + used;
	int has_time = 0;
	if (*rest == ' ' || *rest == 'T') {
		tsep = *rest;
		int tused = 0;
		int f = sscanf(rest + 1, "%2u:%2u%n", &h, &mi, &tused);
		if (f < 2)
			return 0;
		rest += 1 + tused;
		if (*rest == ':') {
			int sused = 0;
			if (sscanf(rest + 1, "%2u%n", &sec, &sused) < 1)
				return 0;
			rest += 1 + sused;
		}
		has_time = 1;
	}
	if (*rest)
		return 0;
	if (has_time)
		snprintf(out, 64, "%04u-%02u-%02u%c%02u:%02u:%02u", y, mo, d, tsep, h, mi, sec);
	else
		snprintf(out, 64, "%04u-%02u-%02u", y, mo, d);
	md_time t;
	if (md_date_parse(out, strlen(out), zone, &t) == 1)
		return strlen(out) != orig_n || memcmp(out, orig, orig_n) != 0;
	return -1;  /* well formed, but no such day or time */
}

static void check_format(vctx *c, const md_value *fmt, const md_value *v,
                         const char *key, size_t key_len)
{
	int k = (int)key_len;
	md_buf got = {0};
	quote_value(&got, c, v);
	const char *g = got.data ? got.data : "";
	if (is_str(fmt, "hugo-date")) {
		md_time t;
		int ok = 0;
		if (v->kind == MD_V_DATETIME) {
			ok = md_date_parse_toml(v->str, v->str_len, c->zone, &t) == 1;
		} else if (v->kind == MD_V_STRING) {
			ok = md_date_parse(v->str, v->str_len, c->zone, &t) == 1;
		} else if (v->kind == MD_V_INT && c->fm->format != MD_FM_JSON) {
			/* Hugo places Unix seconds in its own process's zone (UTC
			 * on servers), not the site's timeZone. */
			md_date_from_unix(v->integer, NULL, &t);
			char when[48];
			md_date_format_rfc3339(&t, when);
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is a number: Hugo reads it as Unix seconds, "
			             "%s — write a date such as 2025-02-12 or 2025-02-12 19:13:10",
			             k, key, g, when);
			md_buf_free(&got);
			return;
		}
		if (!ok && (v->kind == MD_V_INT || v->kind == MD_V_FLOAT)) {
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is a number, not a date: Hugo silently drops "
			             "it and the page gets 0001-01-01 — write a date such as "
			             "2025-02-12 or 2025-02-12 19:13:10", k, key, g);
			md_buf_free(&got);
			return;
		}
		char fix[64];
		int sug = !ok && v->kind == MD_V_STRING ? suggest_date(v->str, v->str_len, c->zone, fix) : 0;
		if (sug < 0) {
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is not a real date or time: Hugo silently drops "
			             "it and the page gets 0001-01-01", k, key, g);
		} else if (sug > 0) {
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is not a date Hugo can read: it silently "
			             "drops it and the page gets 0001-01-01 — write \"%s\"",
			             k, key, g, fix);
		} else if (!ok) {
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is not a date Hugo can read: it silently "
			             "drops it and the page gets 0001-01-01 — write one of %s",
			             k, key, g, md_date_accepted_forms());
		}
	} else if (is_str(fmt, "date-time") || is_str(fmt, "date")) {
		int date_only = is_str(fmt, "date");
		md_time t;
		int ok = v->kind == MD_V_DATETIME ||
		         (v->kind == MD_V_STRING && md_date_parse(v->str, v->str_len, NULL, &t) == 1 &&
		          v->str_len >= 10 && v->str[4] == '-' && v->str[7] == '-' &&
		          (date_only ? v->str_len == 10 : v->str_len > 10));
		if (!ok)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-date",
			             "`%.*s: %s` is not a valid %s (%s)", k, key, g,
			             date_only ? "date" : "date and time",
			             date_only ? "2006-01-02" : "2006-01-02T15:04:05Z07:00");
	} else if (is_str(fmt, "hugo-alias") && v->kind == MD_V_STRING) {
		if (strncasecmp(v->str, "http://", 7) == 0 || strncasecmp(v->str, "https://", 8) == 0)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-url",
			             "`%.*s: %s` is a URL: Hugo fails to build the site (aliases "
			             "are paths on this site, such as /old/path/)", k, key, g);
	} else if ((is_str(fmt, "uri") || is_str(fmt, "uri-reference")) && v->kind == MD_V_STRING) {
		const char *why = url_problem(v->str, v->str_len, is_str(fmt, "uri-reference"));
		if (why)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-url",
			             "`%.*s: %s` is a malformed URL: %s", k, key, g, why);
	}
	md_buf_free(&got);
}

/* ---- keywords -------------------------------------------------------------- */

static void check_enum(vctx *c, const md_value *en, const md_value *v,
                       const char *key, size_t key_len)
{
	if (en->kind != MD_V_ARRAY)
		return;
	for (size_t i = 0; i < en->n_items; i++) {
		const md_value *e = en->items[i];
		if (e->kind == v->kind && e->kind == MD_V_STRING) {
			if (e->str_len == v->str_len && memcmp(e->str, v->str, e->str_len) == 0)
				return;
		} else if (e->kind == v->kind && e->kind == MD_V_BOOL) {
			if (e->boolean == v->boolean)
				return;
		} else if (e->kind == v->kind && e->kind == MD_V_INT) {
			if (e->integer == v->integer)
				return;
		} else if (e->kind == MD_V_NULL && v->kind == MD_V_NULL) {
			return;
		}
	}
	md_buf list = {0}, got = {0};
	const md_value *best = NULL;
	size_t best_d = 99;
	for (size_t i = 0; i < en->n_items; i++) {
		const md_value *e = en->items[i];
		if (list.len)
			md_buf_puts(&list, ", ");
		/* Enum values live in the schema's text, not the post's: print them. */
		if (e->kind == MD_V_STRING)
			md_buf_put(&list, e->str, e->str_len);
		else if (e->kind == MD_V_BOOL)
			md_buf_puts(&list, e->boolean ? "true" : "false");
		else if (e->kind == MD_V_INT)
			md_buf_printf(&list, "%lld", e->integer);
		else
			md_buf_puts(&list, "null");
		if (e->kind == MD_V_STRING && v->kind == MD_V_STRING) {
			size_t d = md_edit_distance(e->str, e->str_len, v->str, v->str_len);
			if (d < best_d)
				best_d = d, best = e;
		}
	}
	quote_value(&got, c, v);
	if (best && best_d <= 2)
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-enum",
		             "`%.*s: %s` is not one of %s — did you mean %.*s?",
		             (int)key_len, key, got.data ? got.data : "", list.data ? list.data : "",
		             (int)best->str_len, best->str);
	else
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-enum",
		             "`%.*s: %s` is not one of %s", (int)key_len, key,
		             got.data ? got.data : "", list.data ? list.data : "");
	md_buf_free(&list);
	md_buf_free(&got);
}

static void check_pattern(vctx *c, const md_value *pat, const md_value *v,
                          const char *key, size_t key_len)
{
	if (pat->kind != MD_V_STRING || v->kind != MD_V_STRING)
		return;
	regex_t re;
	if (md_regcomp(&re, pat->str) != 0)
		return;  /* reported when the schema is loaded */
	int ok = regexec(&re, v->str, 0, NULL, 0) == 0;
	regfree(&re);
	if (!ok)
		md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-pattern",
		             "`%.*s` does not match the pattern %s", (int)key_len, key, pat->str);
}

static long long num(const md_value *v, long long dflt)
{
	if (!v)
		return dflt;
	if (v->kind == MD_V_INT)
		return v->integer;
	if (v->kind == MD_V_FLOAT)
		return (long long)v->number;
	return dflt;
}

static void check_object(vctx *c, const md_value *schema, const md_value *v)
{
	const md_value *props = sget(schema, "properties");
	const md_value *req = sget(schema, "required");
	const md_value *addl = sget(schema, "additionalProperties");
	int closed = addl && addl->kind == MD_V_BOOL && !addl->boolean;
	/* Keys a typo was meant to be: their "missing" is that typo's news. */
	const md_entry *typo_targets[16];
	int n_typo_targets = 0;

	for (size_t i = 0; i < v->n_entries; i++) {
		const md_entry *e = &v->entries[i];
		const md_entry *p = md_value_find(props, e->key, e->key_len);
		if (p) {
			validate(c, p->value, e->value, e->key, e->key_len);
			continue;
		}
		if (addl && addl->kind == MD_V_MAP)
			validate(c, addl, e->value, e->key, e->key_len);
		/* The closest known key: a typo when near, merely unknown otherwise. */
		const md_entry *best = NULL;
		size_t best_d = 99;
		for (size_t j = 0; props && props->kind == MD_V_MAP && j < props->n_entries; j++) {
			size_t d = md_edit_distance(e->key, e->key_len, props->entries[j].key,
			                            props->entries[j].key_len);
			if (d < best_d)
				best_d = d, best = &props->entries[j];
		}
		int typo = best && near_miss(e->key, e->key_len, best->key, best->key_len);
		if (typo && n_typo_targets < 16)
			typo_targets[n_typo_targets++] = best;
		if (typo && closed)
			md_diags_add(c->diags, e->key_start, e->key_end, MD_SEV_WARNING,
			             "fm-unknown-key", "unknown key `%.*s` — did you mean `%.*s`?",
			             (int)e->key_len, e->key, (int)best->key_len, best->key);
		else if (typo) {
			/* A typo of a required key that is then missing is an error. */
			int required = 0;
			for (size_t r = 0; req && req->kind == MD_V_ARRAY && r < req->n_items; r++)
				required |= req->items[r]->kind == MD_V_STRING &&
				            key_eq(req->items[r]->str, req->items[r]->str_len, best->key, best->key_len);
			required = required && !md_value_find(v, best->key, best->key_len);
			md_diags_add(c->diags, e->key_start, e->key_end,
			             required ? MD_SEV_ERROR : MD_SEV_WARNING, "fm-unknown-key",
			             "unknown key `%.*s` — did you mean `%.*s`? Hugo keeps it "
			             "as a custom param, so `%.*s` stays unset%s",
			             (int)e->key_len, e->key, (int)best->key_len, best->key,
			             (int)best->key_len, best->key,
			             required ? " (and it is required)" : "");
		}
		else if (closed)
			md_diags_add(c->diags, e->key_start, e->key_end, MD_SEV_WARNING,
			             "fm-unknown-key", "unknown key `%.*s`%s%.*s%s",
			             (int)e->key_len, e->key, best && best_d <= 3 ? " (closest: `" : "",
			             best && best_d <= 3 ? (int)best->key_len : 0,
			             best && best_d <= 3 ? best->key : "", best && best_d <= 3 ? "`)" : "");
	}
	if (req && req->kind == MD_V_ARRAY) {
		for (size_t i = 0; i < req->n_items; i++) {
			const md_value *r = req->items[i];
			if (r->kind != MD_V_STRING)
				continue;
			const md_entry *e = md_value_find(v, r->str, r->str_len);
			int typoed = 0;
			for (int t = 0; t < n_typo_targets; t++)
				typoed |= key_eq(typo_targets[t]->key, typo_targets[t]->key_len, r->str, r->str_len);
			if (!e && typoed)
				continue;
			if (!e) {
				size_t at = v == c->fm->root ? c->fm->start : v->start;
				size_t end = v == c->fm->root ? at + (c->fm->format == MD_FM_JSON ? 1 : 3) : at;
				md_diags_add(c->diags, at, end, MD_SEV_ERROR, "fm-required",
				             "required key `%.*s` is missing", (int)r->str_len, r->str);
			} else if (empty_value(e->value)) {
				const md_value *ev = e->value;
				size_t s = ev->end > ev->start ? ev->start : e->key_start;
				size_t t = ev->end > ev->start ? ev->end : e->key_end;
				md_diags_add(c->diags, s, t, MD_SEV_ERROR, "fm-required",
				             "`%.*s` is required but empty", (int)e->key_len, e->key);
			}
		}
	}
}

static int validate(vctx *c, const md_value *schema, const md_value *v,
                    const char *key, size_t key_len)
{
	if (!schema || schema->kind != MD_V_MAP || ++c->depth > MD_MAX_DEPTH) {
		c->depth--;
		return 0;
	}
	schema = resolve_ref(c, schema);
	if (!schema) {
		c->depth--;
		return 0;
	}
	size_t before = c->diags->n;

	const md_value *any = sget(schema, "anyOf");
	const md_value *one = sget(schema, "oneOf");
	const md_value *alts = any ? any : one;
	if (alts && alts->kind == MD_V_ARRAY && alts->n_items) {
		/* Try each alternative on a scratch list. When none fits, speak
		 * with the words of the one meant for this kind of value (its
		 * `type` matches), else of the one with the fewest complaints. */
		size_t passing = 0, best_errs = (size_t)-1, best_i = 0;
		int best_typed = 0;
		for (size_t i = 0; i < alts->n_items; i++) {
			md_diags scratch = {0};
			md_diags *saved = c->diags;
			c->diags = &scratch;
			validate(c, alts->items[i], v, key, key_len);
			c->diags = saved;
			if (scratch.n == 0)
				passing++;
			const md_value *alt = resolve_ref(c, alts->items[i]);
			const md_value *t = alt ? sget(alt, "type") : NULL;
			int typed = t && t->kind == MD_V_STRING && type_matches(v, t->str, t->str_len);
			if ((typed && !best_typed) || (typed == best_typed && scratch.n < best_errs)) {
				best_errs = scratch.n, best_i = i;
				best_typed = typed;
			}
			md_diags_free(&scratch);
		}
		int ok = any ? passing >= 1 : passing == 1;
		if (!ok && passing == 0) {
			validate(c, alts->items[best_i], v, key, key_len);
		} else if (!ok) {
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-type",
			             "`%.*s` matches more than one of its allowed forms",
			             (int)key_len, key);
		}
	}

	const md_value *type = sget(schema, "type");
	if (type) {
		int ok = 0;
		if (type->kind == MD_V_STRING)
			ok = type_matches(v, type->str, type->str_len);
		else if (type->kind == MD_V_ARRAY)
			for (size_t i = 0; i < type->n_items && !ok; i++)
				ok = type->items[i]->kind == MD_V_STRING &&
				     type_matches(v, type->items[i]->str, type->items[i]->str_len);
		else
			ok = 1;
		/* null is "no value": required handles it; other keywords skip it. */
		if (!ok && v->kind == MD_V_NULL)
			goto done;
		if (!ok) {
			type_error(c, type, v, key, key_len);
			goto done;
		}
	}
	const md_value *en = sget(schema, "enum");
	if (en)
		check_enum(c, en, v, key, key_len);
	const md_value *fmt = sget(schema, "format");
	if (fmt)
		check_format(c, fmt, v, key, key_len);
	const md_value *pat = sget(schema, "pattern");
	if (pat)
		check_pattern(c, pat, v, key, key_len);
	if (v->kind == MD_V_STRING) {
		long long maxl = num(sget(schema, "maxLength"), -1);
		long long minl = num(sget(schema, "minLength"), -1);
		size_t chars = md_utf8_count(v->str, v->str_len);
		if (maxl >= 0 && chars > (size_t)maxl)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_WARNING, "fm-length",
			             "`%.*s` is %zu characters long; keep it within %lld "
			             "(search engines cut it off)", (int)key_len, key, chars, maxl);
		if (minl > 0 && chars == 0)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-required",
			             "`%.*s` is empty", (int)key_len, key);
		else if (minl >= 0 && chars < (size_t)minl)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_WARNING, "fm-length",
			             "`%.*s` is %zu characters long; write at least %lld",
			             (int)key_len, key, chars, minl);
	}
	if (v->kind == MD_V_ARRAY) {
		long long mini = num(sget(schema, "minItems"), -1);
		long long maxi = num(sget(schema, "maxItems"), -1);
		if (mini > 0 && v->n_items == 0)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_ERROR, "fm-required",
			             "`%.*s` is an empty list; give at least %lld", (int)key_len,
			             key, mini);
		else if (mini >= 0 && v->n_items < (size_t)mini)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_WARNING, "fm-length",
			             "`%.*s` has %zu items; give at least %lld", (int)key_len,
			             key, v->n_items, mini);
		if (maxi >= 0 && v->n_items > (size_t)maxi)
			md_diags_add(c->diags, v->start, v->end, MD_SEV_WARNING, "fm-length",
			             "`%.*s` has %zu items; at most %lld are used", (int)key_len,
			             key, v->n_items, maxi);
		const md_value *items = sget(schema, "items");
		for (size_t i = 0; items && i < v->n_items; i++)
			validate(c, items, v->items[i], key, key_len);
	}
	if (v->kind == MD_V_MAP)
		check_object(c, schema, v);
done:
	c->depth--;
	return (int)(c->diags->n - before);
}

/* ---- loading ------------------------------------------------------------------ */

/* Finds patterns POSIX regex cannot compile, so the author hears of it. */
static void lint_schema(const md_value *s, md_diags *d, int depth)
{
	if (!s || depth > MD_MAX_DEPTH)
		return;
	if (s->kind == MD_V_MAP) {
		for (size_t i = 0; i < s->n_entries; i++) {
			const md_entry *e = &s->entries[i];
			if (key_eq(e->key, e->key_len, "pattern", 7) && e->value->kind == MD_V_STRING) {
				regex_t re;
				if (md_regcomp(&re, e->value->str) != 0)
					md_diags_add(d, e->value->start, e->value->end, MD_SEV_ERROR,
					             "schema-invalid", "pattern %s is not a valid "
					             "extended regular expression (or repeats more than "
					             "4096 times)", e->value->str);
				else
					regfree(&re);
			}
			lint_schema(e->value, d, depth + 1);
		}
	} else if (s->kind == MD_V_ARRAY) {
		for (size_t i = 0; i < s->n_items; i++)
			lint_schema(s->items[i], d, depth + 1);
	}
}

/* A map holding `base`'s entries, then `own`'s (own wins on a clash). */
static md_value *merge_maps(md_arena *a, const md_value *base, const md_value *own)
{
	md_value *m = md_value_new(a, MD_V_MAP, own ? own->start : 0, own ? own->end : 0);
	int oom = 0;
	for (int pass = 0; m && pass < 2; pass++) {
		const md_value *from = pass ? own : base;
		for (size_t i = 0; from && from->kind == MD_V_MAP && i < from->n_entries; i++) {
			const md_entry *e = &from->entries[i];
			md_value_set(a, m, e->key, e->key_len, e->key_start, e->key_end, e->value, &oom);
			if (oom)
				return NULL;
		}
	}
	return m;
}

static int load(md_schema *s, const char *text, size_t len, md_diags *diags, int depth);

/*
 * `extends: hugo` (mdpost's own keyword) builds on a preset: properties,
 * $defs and definitions are merged (this schema wins), required lists are
 * joined, and other keywords this schema leaves out are inherited.
 */
static int apply_extends(md_schema *s, md_diags *diags, int depth)
{
	const md_entry *ext = md_value_find(s->doc.root, "extends", 7);
	if (!ext || ext->value->kind != MD_V_STRING)
		return MDPOST_OK;
	size_t blen;
	const char *btext = md_preset_schema(ext->value->str, &blen);
	if (!btext || depth > 4) {
		md_diags_add(diags, ext->value->start, ext->value->end, MD_SEV_ERROR,
		             "schema-invalid", "extends: `%s` is not a preset (hugo, "
		             "hugo-mainroad, jekyll, zola, none)", ext->value->str);
		return MDPOST_OK;
	}
	s->base = calloc(1, sizeof(*s->base));
	if (!s->base)
		return MDPOST_ENOMEM;
	md_diags scratch = {0};
	int rc = load(s->base, btext, blen, &scratch, depth + 1);
	md_diags_free(&scratch);  /* presets are tested; their positions are not the user's */
	if (rc || !s->base->doc.root)
		return rc ? rc : MDPOST_EINTERNAL;
	md_arena *a = &s->doc.arena;
	const md_value *base = s->base->doc.root, *own = s->doc.root;
	md_value *root = md_value_new(a, MD_V_MAP, own->start, own->end);
	if (!root)
		return MDPOST_ENOMEM;
	static const char *const merged[] = {"properties", "$defs", "definitions", NULL};
	int oom = 0;
	for (int pass = 0; pass < 2; pass++) {
		const md_value *from = pass ? own : base;
		for (size_t i = 0; i < from->n_entries; i++) {
			const md_entry *e = &from->entries[i];
			if (key_eq(e->key, e->key_len, "extends", 7))
				continue;
			md_value *v = e->value;
			int is_merged = 0;
			for (int k = 0; merged[k]; k++)
				is_merged |= key_eq(e->key, e->key_len, merged[k], strlen(merged[k]));
			if (is_merged) {
				const md_entry *b = md_value_find(base, e->key, e->key_len);
				const md_entry *o = md_value_find(own, e->key, e->key_len);
				v = merge_maps(a, b ? b->value : NULL, o ? o->value : NULL);
			} else if (key_eq(e->key, e->key_len, "required", 8)) {
				const md_entry *b = md_value_find(base, "required", 8);
				const md_entry *o = md_value_find(own, "required", 8);
				v = md_value_new(a, MD_V_ARRAY, e->value->start, e->value->end);
				for (int side = 0; v && side < 2; side++) {
					const md_entry *x = side ? o : b;
					for (size_t j = 0; x && x->value->kind == MD_V_ARRAY && j < x->value->n_items; j++)
						if (md_value_push(a, v, x->value->items[j]))
							return MDPOST_ENOMEM;
				}
			}
			if (!v)
				return MDPOST_ENOMEM;
			md_value_set(a, root, e->key, e->key_len, e->key_start, e->key_end, v, &oom);
			if (oom)
				return MDPOST_ENOMEM;
		}
	}
	s->doc.root = root;
	return MDPOST_OK;
}

static int load(md_schema *s, const char *text, size_t len, md_diags *diags, int depth)
{
	memset(s, 0, sizeof(*s));
	s->text = malloc(len + 1);
	if (!s->text)
		return MDPOST_ENOMEM;
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	md_frontmatter *doc = &s->doc;
	doc->format = MD_FM_YAML;
	doc->inner_start = 0;
	doc->inner_end = len;
	/* JSON is YAML too; one parser serves both schema files. */
	int rc = md_yaml_parse(doc, s->text, diags);
	if (rc || !doc->root)
		return rc;
	lint_schema(doc->root, diags, 0);
	return apply_extends(s, diags, depth);
}

int md_schema_load(md_schema *s, const char *text, size_t len, md_diags *diags)
{
	return load(s, text, len, diags, 0);
}

void md_schema_free(md_schema *s)
{
	if (s->base) {
		md_schema_free(s->base);
		free(s->base);
	}
	md_frontmatter_free(&s->doc);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

void md_schema_validate(const md_schema *s, const md_frontmatter *fm,
                        const char *src, const char *zone, md_diags *diags)
{
	if (!s || !s->doc.root || !fm->root)
		return;
	vctx c = {s->doc.root, src, fm, zone, diags, 0};
	validate(&c, s->doc.root, fm->root, "front matter", 12);
}
