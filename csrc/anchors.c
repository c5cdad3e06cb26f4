/*
 * Heading ids in the styles of Hugo 0.111's goldmark (autoHeadingIDType):
 * github, github-ascii and blackfriday. See anchors.h for the API and
 * tests/fixtures/anchors/RULES.md for the rules; the comments name the Go
 * functions being followed (goldmark 1.5.4 parser/atx_heading.go,
 * parser/attribute.go; Hugo markup/goldmark/autoid.go,
 * markup/blackfriday/anchors.go, common/text/transform.go).
 */
#include <string.h>

#include "anchors.h"
#include "unicode_tables.h"

const char *md_anchor_style_name(md_anchor_style style)
{
	return style == MD_ANCHOR_GITHUB_ASCII ? "github-ascii"
	     : style == MD_ANCHOR_BLACKFRIDAY ? "blackfriday" : "github";
}

int md_anchor_style_parse(const char *name, md_anchor_style *style)
{
	if (strcmp(name, "github") == 0)
		*style = MD_ANCHOR_GITHUB;
	else if (strcmp(name, "github-ascii") == 0)
		*style = MD_ANCHOR_GITHUB_ASCII;
	else if (strcmp(name, "blackfriday") == 0)
		*style = MD_ANCHOR_BLACKFRIDAY;
	else
		return -1;
	return 0;
}

/* ---- source: goldmark's heading text and attributes ------------------- */

/* goldmark util.IsSpace: only these four, not VT or FF. */
static int gm_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* goldmark util.IsPunct: ASCII punctuation. */
static int gm_punct(unsigned char c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
	       (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

static int name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(unsigned char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* A byte reader like goldmark's text.Reader: Peek gives 0xFF at the end,
 * which is also what Go's reader gives for a real 0xFF byte (text.EOF), so
 * both stop the same loops. "Line" operations stop after the next '\n'. */
typedef struct rd {
	const unsigned char *s;
	size_t len, pos;
} rd;

#define RD_EOF 0xFF

static unsigned char peek(const rd *r) { return r->pos < r->len ? r->s[r->pos] : RD_EOF; }

static void skip_spaces(rd *r)
{
	while (r->pos < r->len && gm_space(r->s[r->pos]))
		r->pos++;
}

/* End of PeekLine: just past the next '\n', or the end. */
static size_t line_end(const rd *r)
{
	const unsigned char *nl = r->pos < r->len
	                          ? memchr(r->s + r->pos, '\n', r->len - r->pos) : NULL;
	return nl ? (size_t)(nl - r->s) + 1 : r->len;
}

/* The attribute values goldmark can produce; only the kind of an `id`
 * matters here (Hugo wants []byte). */
enum { V_BYTES, V_OTHER };

typedef struct attrs {
	int has_id, id_kind;
	size_t id_start, id_len;  /* in the reader's bytes; V_BYTES only */
	int id_escaped;           /* a quoted value with backslash escapes */
} attrs;

static int parse_attributes(rd *r, attrs *a, int depth);

/* parseAttributeString, after the quote; the value may not span lines. */
static int parse_string(rd *r, size_t *start, size_t *vlen, int *escaped)
{
	size_t end = line_end(r);
	*start = r->pos;
	*escaped = 0;
	for (size_t i = r->pos; i < end; i++) {
		if (r->s[i] == '\\' && i != end - 1) {
			*escaped = 1;
			if (r->s[i + 1] && strchr("\"/\\bfnrt", r->s[i + 1]))
				i++;  /* the pair; any other backslash stands alone */
			continue;
		}
		if (r->s[i] == '"') {
			*vlen = i - *start;
			r->pos = i + 1;
			return 1;
		}
	}
	return 0;
}

static void scan_digits(rd *r)
{
	while (peek(r) >= '0' && peek(r) <= '9')
		r->pos++;
}

/* 2^1024 - 2^970 as 0.<these digits> * 10^309: from there on a decimal
 * rounds to +Inf as a float64, and Go's ParseFloat fails. */
static const char float_limit[] =
	"17976931348623158079372897140530341507993413271003782693617377898044496829276"
	"47509466490179775872070963302864166928879109465555478519404026306574886715058"
	"20681908902000708383676273854845817711531764475730270069855571366959622842914"
	"819860834936475292719074168444365510704342711559699508093042880177904174497792";

/* Whether digits[.digits][e[+-]digits] overflows a float64, computed the
 * way Go's readFloat sees it: 0.<significant digits> * 10^dp, the exponent
 * saturating once it reaches 10000. */
static int float_overflows(const unsigned char *s, size_t n)
{
	long long dp = 0, nd = 0;
	int sawdot = 0;
	size_t i = 0, first = 0;
	for (; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.') {
			sawdot = 1;
			dp = nd;
		} else if (s[i] == '0' && nd == 0) {
			dp--;  /* leading zero */
		} else if (nd++ == 0) {
			first = i;
		}
	}
	if (!sawdot)
		dp = nd;
	if (nd == 0)
		return 0;  /* zero, whatever the exponent */
	long long e = 0;
	int neg = 0;
	if (i < n) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			neg = s[i++] == '-';
		for (; i < n; i++)
			if (e < 10000)
				e = e * 10 + (s[i] - '0');
	}
	dp += neg ? -e : e;
	if (dp != 309)
		return dp > 309;
	size_t j = 0;
	for (i = first; i < n && s[i] != 'e' && s[i] != 'E'; i++) {
		if (s[i] == '.')
			continue;
		char lim = float_limit[j] ? float_limit[j++] : '0';
		if (s[i] != lim)
			return s[i] > lim;
	}
	return float_limit[j] == '\0';  /* equal to the limit: a tie rounds up */
}

/* parseAttributeNumber: [+-]digits[.digits][e[+-]digits], then Go's
 * ParseFloat, which rejects an exponent without digits ("1e", "1e+") and
 * values out of float64 range ("1e400"). */
static int parse_number(rd *r)
{
	if (peek(r) == '-' || peek(r) == '+')
		r->pos++;
	size_t start = r->pos;
	if (!(peek(r) >= '0' && peek(r) <= '9'))
		return 0;
	scan_digits(r);
	if (peek(r) == '.') {
		r->pos++;
		scan_digits(r);
	}
	if (peek(r) == 'e' || peek(r) == 'E') {
		r->pos++;
		if (peek(r) == '-' || peek(r) == '+')
			r->pos++;
		size_t at = r->pos;
		scan_digits(r);
		if (r->pos == at)
			return 0;
	}
	return !float_overflows(r->s + start, r->pos - start);
}

/* parseAttributeValue. Nesting is bounded to keep the C stack small:
 * goldmark has no limit, but no heading needs 256 levels of brackets. */
static int parse_value(rd *r, int *kind, size_t *start, size_t *vlen, int *escaped,
                       int depth)
{
	skip_spaces(r);
	unsigned char c = peek(r);
	*kind = V_OTHER;
	if (depth > 256 || c == RD_EOF)
		return 0;
	if (c == '{') {
		attrs inner = {0};
		return parse_attributes(r, &inner, depth + 1);
	}
	if (c == '[') {  /* parseAttributeArray: commas optional, "[ ]" invalid */
		r->pos++;
		for (int i = 0;; i++) {
			c = peek(r);
			int comma = 0;
			if (i != 0 && c == ',') {
				r->pos++;
				comma = 1;
			}
			if (c == ']') {
				if (comma)
					return 0;
				r->pos++;
				return 1;
			}
			skip_spaces(r);
			int k, e;
			size_t s0, l0;
			if (!parse_value(r, &k, &s0, &l0, &e, depth + 1))
				return 0;
			skip_spaces(r);
		}
	}
	if (c == '"') {
		r->pos++;
		*kind = V_BYTES;
		return parse_string(r, start, vlen, escaped);
	}
	if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
		return parse_number(r);
	/* parseAttributeOthers: a bare word; true/false/null are not bytes. */
	if (!name_start(c))
		return 0;
	*start = r->pos;
	while (r->pos < r->len && name_char(r->s[r->pos]))
		r->pos++;
	*vlen = r->pos - *start;
	*escaped = 0;
	const char *w = (const char *)r->s + *start;
	int keyword = (*vlen == 4 && (memcmp(w, "true", 4) == 0 || memcmp(w, "null", 4) == 0)) ||
	              (*vlen == 5 && memcmp(w, "false", 5) == 0);
	*kind = keyword ? V_OTHER : V_BYTES;
	return 1;
}

/* parseAttribute: #id, .class or key=value. */
static int parse_attribute(rd *r, attrs *a, int depth)
{
	skip_spaces(r);
	unsigned char c = peek(r);
	if (c == '#' || c == '.') {
		r->pos++;
		size_t end = line_end(r), start = r->pos;
		/* XHTML-ish names: no spaces, no ASCII punctuation but _ - : . */
		while (r->pos < end && !gm_space(r->s[r->pos]) &&
		       (!gm_punct(r->s[r->pos]) || strchr("_-:.", r->s[r->pos])))
			r->pos++;
		if (c == '#') {
			a->has_id = 1;
			a->id_kind = V_BYTES;
			a->id_start = start;
			a->id_len = r->pos - start;
			a->id_escaped = 0;
		}
		return 1;
	}
	if (r->pos >= r->len || !name_start(c))
		return 0;
	size_t name = r->pos;
	while (r->pos < r->len && name_char(r->s[r->pos]))
		r->pos++;
	size_t name_len = r->pos - name;
	skip_spaces(r);
	if (peek(r) != '=')
		return 0;
	r->pos++;
	skip_spaces(r);
	int kind, escaped = 0;
	size_t vs = 0, vl = 0;
	if (!parse_value(r, &kind, &vs, &vl, &escaped, depth))
		return 0;
	const char *n = (const char *)r->s + name;
	if (name_len == 5 && memcmp(n, "class", 5) == 0 && kind != V_BYTES)
		return 0;  /* goldmark rejects the whole block */
	if (name_len == 2 && memcmp(n, "id", 2) == 0) {
		/* Later ids replace earlier ones (ast.SetAttribute). */
		a->has_id = 1;
		a->id_kind = kind;
		a->id_start = vs;
		a->id_len = vl;
		a->id_escaped = escaped;
	}
	return 1;
}

/* ParseAttributes: `{` items `}`, restoring the position when invalid.
 * Note "{}" and "{#a }" are valid, "{ }" is not. */
static int parse_attributes(rd *r, attrs *a, int depth)
{
	size_t saved = r->pos;
	attrs tmp = *a;
	skip_spaces(r);
	if (peek(r) != '{') {
		r->pos = saved;
		return 0;
	}
	r->pos++;
	for (;;) {
		if (peek(r) == '}') {
			r->pos++;
			*a = tmp;
			return 1;
		}
		if (!parse_attribute(r, &tmp, depth)) {
			r->pos = saved;
			return 0;
		}
		skip_spaces(r);
		if (peek(r) == ',') {
			r->pos++;
			skip_spaces(r);
		}
	}
}

static int blank(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!gm_space(s[i]))
			return 0;
	return 1;
}

/* parseLastLineAttributes: every unescaped `{` of T is tried; only the last
 * try counts, and it must run to the end of T (but for spaces). */
static void last_line_attributes(const unsigned char *t, size_t *tlen, attrs *a)
{
	rd r = {t, *tlen, 0};
	attrs got = {0};
	int ok = 0;
	size_t start = 0, end = 0;
	for (;;) {
		unsigned char c = peek(&r);
		if (c == RD_EOF)
			break;
		if (c == '\\') {  /* "\{" is skipped, and only that: "\\{" too */
			r.pos++;
			if (peek(&r) == '{')
				r.pos++;
			continue;
		}
		if (c == '{') {
			start = r.pos;
			got = (attrs){0};
			ok = parse_attributes(&r, &got, 0);
			end = r.pos;
			r.pos = start;
		}
		r.pos++;
	}
	if (ok && blank(t + end, *tlen - end)) {
		if (got.has_id)
			*a = got;
		*tlen = start;
	}
}

static int set_id(md_anchor_src *s, const unsigned char *base, const attrs *a)
{
	if (!a->has_id)
		return 0;
	if (a->id_kind != V_BYTES) {
		s->id_invalid = 1;
		return 0;
	}
	const char *v = (const char *)base + a->id_start;
	if (!a->id_escaped) {
		s->id = v;
		s->id_len = a->id_len;
		return 0;
	}
	/* parseAttributeString's escapes: \" \/ \\ \b \f \n \r \t; any other
	 * backslash stays. */
	md_buf *b = &s->scratch;
	for (size_t i = 0; i < a->id_len; i++) {
		char c = v[i], e = 0;
		if (c == '\\' && i + 1 < a->id_len) {
			switch (v[i + 1]) {
			case '"': case '/': case '\\': e = v[i + 1]; break;
			case 'b': e = '\b'; break;
			case 'f': e = '\f'; break;
			case 'n': e = '\n'; break;
			case 'r': e = '\r'; break;
			case 't': e = '\t'; break;
			}
		}
		if (e) {
			md_buf_putc(b, e);
			i++;
		} else {
			md_buf_putc(b, c);
		}
	}
	if (b->oom)
		return MDPOST_ENOMEM;
	s->id = b->data ? b->data : "";
	s->id_len = b->len;
	return 0;
}

/* atxHeadingParser.Open (attributes on) and Close. */
static int atx_source(md_anchor_src *s, const unsigned char *src, size_t len)
{
	const unsigned char *nl = memchr(src, '\n', len);
	size_t line_len = nl ? (size_t)(nl - src) + 1 : len;  /* Go's line keeps '\n' */
	const unsigned char *line = src;
	s->end = nl ? line_len - 1 : len;
	size_t i = 0;
	while (i < line_len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t pos = i;
	while (i < line_len && line[i] == '#')
		i++;
	if (i == pos || i - pos > 6 || i == line_len)
		return 0;  /* not a heading, or `#` alone at the end: no text */
	size_t l = 0;
	while (i + l < line_len && gm_space(line[i + l]))
		l++;
	if (l == 0)
		return 0;
	size_t start = i + l;
	if (start >= line_len)
		start = line_len - 1;
	size_t origstart = start;
	size_t stop = line_len;
	while (stop > 0 && gm_space(line[stop - 1]))
		stop--;

	/* "### heading ### {#id}": the first blank followed by '#' (escapes
	 * skipped) ends the text if a valid block follows the # run. */
	attrs a = {0};
	int parsed = 0;
	size_t closure_open = 0, closure_close = 0;
	for (size_t j = start - 1; j < stop;) {
		if (line[j] == '\\' && j + 1 < line_len && gm_punct(line[j + 1])) {
			j += 2;
		} else if (gm_space(line[j]) && j + 1 < stop && line[j + 1] == '#') {
			closure_open = j + 1;
			size_t k = j + 1;
			while (k < stop && line[k] == '#')
				k++;
			closure_close = k;
			break;
		} else {
			j++;
		}
	}
	size_t text_start = 0, text_stop = 0;
	if (closure_close > 0) {
		/* goldmark reads on through the raw source, across newlines. */
		rd r = {src, len, closure_close};
		attrs got = {0};
		if (parse_attributes(&r, &got, 0)) {
			size_t rest = r.pos, rest_end = line_end(&r);
			if (blank(src + rest, rest_end - rest)) {
				parsed = 1;
				a = got;
				text_start = origstart;
				text_stop = closure_open;
				if (rest_end > line_len)  /* the block came from later lines */
					s->end = rest_end > 0 && src[rest_end - 1] == '\n'
					         ? rest_end - 1 : rest_end;
			}
		}
	}
	if (!parsed) {
		start = origstart;
		if (stop <= start) {
			stop = start;
		} else {
			/* line[start - 1] is a blank: k stops there at the latest. */
			size_t k = stop - 1;
			while (k >= start && line[k] == '#')
				k--;
			if (k != stop - 1 && !gm_space(line[k]))
				k = stop - 1;
			stop = k + 1;
		}
		/* Only #s (`## ##`): an empty heading without a line. */
		size_t n = stop;
		while (n > start && line[n - 1] == '#')
			n--;
		if (n == start)
			return 0;
		text_start = start;
		text_stop = stop;
	}
	size_t tlen = text_stop - text_start;
	const unsigned char *id_base = src;  /* `a` holds offsets from here */
	if (!a.has_id && tlen) {
		/* Close(): a block at the end of T counts when the one after the
		 * closing #s gave no id. */
		attrs more = {0};
		last_line_attributes(src + text_start, &tlen, &more);
		if (more.has_id) {
			a = more;
			id_base = src + text_start;
		}
	}
	s->text = (const char *)src + text_start;
	s->text_len = tlen;
	return set_id(s, id_base, &a);
}

int md_anchor_source(md_anchor_src *s, const char *src, size_t len, int setext)
{
	memset(s, 0, sizeof(*s));
	s->text = src;
	const unsigned char *u = (const unsigned char *)src;
	if (!setext)
		return atx_source(s, u, len);
	/* setextHeadingParser.Close: the paragraph's last line, trimmed. */
	size_t a = len;
	while (a > 0 && u[a - 1] != '\n')
		a--;
	size_t b = len;
	s->end = len;
	while (a < b && gm_space(u[a]))
		a++;
	while (b > a && gm_space(u[b - 1]))
		b--;
	size_t tlen = b - a;
	attrs at = {0};
	last_line_attributes(u + a, &tlen, &at);
	s->text = src + a;
	s->text_len = tlen;
	return set_id(s, u + a, &at);
}

void md_anchor_source_free(md_anchor_src *s)
{
	md_buf_free(&s->scratch);
	s->id = NULL;
}

/* ---- slugs: Hugo's sanitizeAnchorNameWithHook ---------------------------- */

/* Classes of ASCII; above it, the generated tables. */
static int uc_class(uint32_t c)
{
	if (c < 0x80) {
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return MD_UC_LETTER;
		return c >= '0' && c <= '9' ? MD_UC_DIGIT : MD_UC_OTHER;
	}
	size_t lo = 0, hi = sizeof(md_uc_classes) / sizeof(md_uc_classes[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const md_uc_range *r = &md_uc_classes[mid];
		if (c < r->lo)
			hi = mid;
		else if (c > r->hi_cls >> 3)
			lo = mid + 1;
		else
			return (int)(r->hi_cls & 7);
	}
	return MD_UC_OTHER;
}

/* Go's unicode.ToLower: the simple mapping, one code point to one. */
static uint32_t uc_lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	size_t lo = 0, hi = sizeof(md_uc_lower) / sizeof(md_uc_lower[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const md_uc_lower_run *r = &md_uc_lower[mid];
		if (c < r->lo)
			hi = mid;
		else if (c > r->hi)
			lo = mid + 1;
		else
			return (c - r->lo) % r->stride == 0 ? (uint32_t)((int32_t)c + r->delta) : c;
	}
	return c;
}

/* The ASCII letter or digit a code point keeps through NFD (É -> E). */
static char uc_ascii(uint32_t c)
{
	size_t lo = 0, hi = sizeof(md_uc_ascii) / sizeof(md_uc_ascii[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t e = md_uc_ascii[mid] >> 8;
		if (c < e)
			hi = mid;
		else if (c > e)
			lo = mid + 1;
		else
			return (char)(md_uc_ascii[mid] & 0xFF);
	}
	return 0;
}

/* Go's unicode.IsSpace (bytes.TrimSpace): Unicode White_Space. */
static int uc_white(uint32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r');
	return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static void put_cp(md_buf *out, uint32_t c)
{
	char u[4];
	md_buf_put(out, u, md_utf8_encode(c, u));
}

static void truncate_to(md_buf *out, size_t n)
{
	if (out->len > n) {
		out->len = n;
		out->data[n] = '\0';
	}
}

/* github / github-ascii: trim White_Space, then "-" for ' ' and '-', keep
 * '_' and letters/digits lowercased, drop the rest. github-ascii first
 * removes accents (NFD, drop Mn, NFC): per code point that keeps the ASCII
 * letter a decomposition starts with, and lets marks vanish before the trim
 * (RULES.md 2b). Trailing spaces are written, then cut at the end. */
static void slug_github(md_buf *out, const unsigned char *s, size_t len, int ascii)
{
	size_t keep = out->len;
	int started = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		if (s[i] < 0x80)
			c = s[i++];
		else
			i += md_utf8_decode(s + i, len - i, &c);
		/* bytes.TrimSpace; in github-ascii the marks are gone by then. */
		if (uc_white(c) || (ascii && c >= 0x80 && uc_class(c) == MD_UC_MARK)) {
			if (started && c == ' ')
				md_buf_putc(out, '-');  /* cut below if nothing follows */
			continue;
		}
		started = 1;
		if (c == '-') {
			md_buf_putc(out, '-');
		} else if (c < 0x80) {
			if (c == '_' || uc_class(c) != MD_UC_OTHER)
				md_buf_putc(out, (char)uc_lower(c));
		} else if (ascii) {
			char a = uc_ascii(c);
			if (a)
				md_buf_putc(out, (char)uc_lower((uint32_t)a));
		} else {
			int k = uc_class(c);
			if (k == MD_UC_LETTER || k == MD_UC_DIGIT)
				put_cp(out, uc_lower(c));
		}
		keep = out->len;
	}
	truncate_to(out, keep);
}

/* blackfriday.SanitizedAnchorName: letters and numbers (Nd, Nl, No)
 * lowercased; any run of anything else is one '-' between them. */
static void slug_blackfriday(md_buf *out, const unsigned char *s, size_t len)
{
	size_t begin = out->len;
	int pending = 0;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		if (s[i] < 0x80)
			c = s[i++];
		else
			i += md_utf8_decode(s + i, len - i, &c);
		int k = uc_class(c);
		if (k == MD_UC_LETTER || k == MD_UC_DIGIT || k == MD_UC_NUMBER) {
			if (pending && out->len > begin)
				md_buf_putc(out, '-');
			pending = 0;
			if (c < 0x80)
				md_buf_putc(out, (char)uc_lower(c));
			else
				put_cp(out, uc_lower(c));
		} else {
			pending = 1;
		}
	}
}

void md_anchor_make(md_buf *out, const char *text, size_t len,
                    md_anchor_style style)
{
	size_t begin = out->len;
	const unsigned char *s = (const unsigned char *)text;
	if (style == MD_ANCHOR_BLACKFRIDAY)
		slug_blackfriday(out, s, len);
	else
		slug_github(out, s, len, style == MD_ANCHOR_GITHUB_ASCII);
	/* idFactory.Generate: one fallback for every type, before numbering. */
	if (out->len == begin)
		md_buf_puts(out, "heading");
}

/* ---- the page's ids: Hugo's idFactory ------------------------------------- */

void md_idset_init(md_idset *s) { memset(s, 0, sizeof(*s)); }

void md_idset_free(md_idset *s) { md_strset_free(&s->set); }

int md_idset_has(const md_idset *s, const char *id, size_t len)
{
	return md_strset_has(&s->set, id, len);
}

int md_idset_add(md_idset *s, const char *id, size_t len)
{
	/* Re-adding would reset the key's numbering hint. */
	if (md_strset_has(&s->set, id, len))
		return 0;
	return md_strset_put(&s->set, id, len, NULL) ? MDPOST_ENOMEM : 0;
}

/* Numbers out[mark..] in place. The first free "-N" is what Hugo takes;
 * starting after the number the base got last time finds the same one,
 * since the set only grows (and keeps N identical headings linear). */
static int unique_tail(md_idset *s, md_buf *out, size_t mark)
{
	if (out->len == mark)
		md_buf_puts(out, "heading");
	if (out->oom)
		return MDPOST_ENOMEM;
	size_t blen = out->len - mark;
	int found;
	void *hint = md_strset_get(&s->set, out->data + mark, blen, &found);
	if (!found)
		return md_strset_put(&s->set, out->data + mark, blen, NULL) ? MDPOST_ENOMEM : 0;
	for (uintptr_t n = (uintptr_t)hint + 1;; n++) {
		truncate_to(out, mark + blen);
		md_buf_printf(out, "-%lu", (unsigned long)n);
		if (out->oom)
			return MDPOST_ENOMEM;
		if (md_strset_has(&s->set, out->data + mark, out->len - mark))
			continue;
		if (md_strset_put(&s->set, out->data + mark, out->len - mark, NULL) ||
		    md_strset_put(&s->set, out->data + mark, blen, (void *)n))
			return MDPOST_ENOMEM;
		return 0;
	}
}

int md_idset_unique(md_idset *s, const char *base, size_t len, md_buf *out)
{
	size_t mark = out->len;
	md_buf_put(out, base, len);
	return unique_tail(s, out, mark);
}

int md_anchor_id(md_idset *ids, const md_anchor_src *src, md_anchor_style style,
                 md_buf *out)
{
	if (src->id && !src->id_invalid) {
		/* idFactory.Put: as written, no check, no number. */
		md_buf_put(out, src->id, src->id_len);
		if (!out->data) {  /* "" ({#}): still a C string */
			md_buf_putc(out, '\0');
			out->len = 0;
		}
		if (out->oom)
			return MDPOST_ENOMEM;
		return md_idset_add(ids, src->id, src->id_len);
	}
	size_t mark = out->len;
	md_anchor_make(out, src->text, src->text_len, style);
	return unique_tail(ids, out, mark);
}
