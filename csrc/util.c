/* Small shared pieces: buffers, line index, diagnostics, arena, UTF-8. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- buffer ------------------------------------------------------------ */

static int buf_grow(md_buf *b, size_t extra)
{
	if (b->oom)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void md_buf_put(md_buf *b, const void *p, size_t n)
{
	if (n == 0 || buf_grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void md_buf_puts(md_buf *b, const char *s) { md_buf_put(b, s, strlen(s)); }

void md_buf_putc(md_buf *b, char c) { md_buf_put(b, &c, 1); }

void md_buf_printf(md_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void md_buf_free(md_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int md_buf_to_result(md_buf *b, mdpost_result *out)
{
	if (b->oom) {
		md_buf_free(b);
		return md_result_error(out, MDPOST_ENOMEM, "out of memory");
	}
	if (!b->data && buf_grow(b, 0))
		return md_result_error(out, MDPOST_ENOMEM, "out of memory");
	out->data = b->data;
	out->len = b->len;
	out->error = NULL;
	memset(b, 0, sizeof(*b));
	return MDPOST_OK;
}

int md_result_error(mdpost_result *out, int code, const char *fmt, ...)
{
	/* A failed message allocation still leaves the code to report. */
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	free(out->data);
	free(out->error);
	out->data = NULL;
	out->len = 0;
	out->error = strdup(tmp);
	return code;
}

void mdpost_result_free(mdpost_result *r)
{
	if (!r)
		return;
	free(r->data);
	free(r->error);
	r->data = NULL;
	r->error = NULL;
	r->len = 0;
}

/* The first `a` followed by `b`. glibc's memmem reads a two-byte needle a
 * byte at a time; memchr is many times faster. */
const char *md_find_pair(const char *s, size_t n, char a, char b)
{
	const char *end = s + n;
	while (s < end) {
		const char *p = memchr(s, a, (size_t)(end - s));
		if (!p || p + 1 >= end)
			return NULL;
		if (p[1] == b)
			return p;
		s = p + 1;
	}
	return NULL;
}

/* ---- line index -------------------------------------------------------- */

int md_lines_init(md_lines *l, const char *src, size_t len)
{
	/* memchr, not a byte loop: every check starts here, on the whole post. */
	size_t n = 1;
	for (const char *p = src, *end = src + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	l->starts = malloc(n * sizeof(size_t));
	if (!l->starts)
		return MDPOST_ENOMEM;
	l->n = 0;
	l->len = len;
	l->starts[l->n++] = 0;
	for (const char *p = src, *end = src + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		l->starts[l->n++] = (size_t)(p - src) + 1;
	return MDPOST_OK;
}

void md_lines_pos(const md_lines *l, size_t off, size_t *line, size_t *col)
{
	if (off > l->len)
		off = l->len;
	size_t lo = 0, hi = l->n;  /* last start <= off */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo;
	*col = off - l->starts[lo];
}

void md_lines_free(md_lines *l)
{
	free(l->starts);
	memset(l, 0, sizeof(*l));
}

size_t md_line_of(const char *src, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		line += src[i] == '\n';
	return line;
}

/* ---- diagnostics ------------------------------------------------------- */

void md_diags_add(md_diags *d, size_t start, size_t end, int severity,
                  const char *code, const char *fmt, ...)
{
	if (d->oom)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		md_diag *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			d->oom = 1;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	md_buf msg = {0};
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		char *m = malloc((size_t)n + 1);
		if (m) {
			va_start(ap, fmt);
			vsnprintf(m, (size_t)n + 1, fmt, ap);
			va_end(ap);
			msg.data = m;
		}
	}
	if (!msg.data) {
		d->oom = 1;
		return;
	}
	if (end < start)
		end = start;
	d->v[d->n++] = (md_diag){start, end, severity, code, msg.data};
}

static int diag_cmp(const void *a, const void *b)
{
	const md_diag *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	return strcmp(x->code, y->code);
}

void md_diags_sort(md_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

void md_diags_free(md_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].message);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

const char *md_severity_name(int severity)
{
	switch (severity) {
	case MD_SEV_ERROR: return "error";
	case MD_SEV_WARNING: return "warning";
	case MD_SEV_INFO: return "info";
	default: return "hint";
	}
}

/* ---- arena ------------------------------------------------------------- */

struct md_arena_block {
	struct md_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *md_arena_alloc(md_arena *a, size_t n)
{
	if (a->oom)
		return NULL;
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	struct md_arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > 16384 ? n : 16384;
		b = malloc(sizeof(*b) + size);
		if (!b) {
			a->oom = 1;
			return NULL;
		}
		b->size = size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *md_arena_strdup(md_arena *a, const char *s, size_t n)
{
	char *p = md_arena_alloc(a, n + 1);
	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

void md_arena_free(md_arena *a)
{
	struct md_arena_block *b = a->head;
	while (b) {
		struct md_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->oom = 0;
}

/* ---- values ------------------------------------------------------------ */

md_value *md_value_new(md_arena *a, md_vkind kind, size_t start, size_t end)
{
	md_value *v = md_arena_alloc(a, sizeof(*v));
	if (v) {
		v->kind = kind;
		v->start = start;
		v->end = end;
		v->weight = 1;
	}
	return v;
}

/* Arrays grow by copying into the arena: capacity runs 4, 8, 16..., so a
 * count that is 0 or a power of two of at least 4 means "full". The waste
 * is at most what the array holds. */
static int arena_grow(md_arena *a, void **arr, size_t n, size_t elem)
{
	int full = n == 0 || (n >= 4 && (n & (n - 1)) == 0);
	if (!full)
		return 0;
	size_t cap = n ? n * 2 : 4;
	void *p = md_arena_alloc(a, cap * elem);
	if (!p)
		return -1;
	if (n)
		memcpy(p, *arr, n * elem);
	*arr = p;
	return 0;
}

int md_value_push(md_arena *a, md_value *array, md_value *item)
{
	if (arena_grow(a, (void **)&array->items, array->n_items, sizeof(md_value *)))
		return -1;
	array->items[array->n_items++] = item;
	array->weight += item->weight;
	return 0;
}

md_entry *md_value_set(md_arena *a, md_value *map, const char *key,
                       size_t key_len, size_t key_start, size_t key_end,
                       md_value *value, int *oom)
{
	*oom = 0;
	for (size_t i = 0; i < map->n_entries; i++) {
		md_entry *e = &map->entries[i];
		if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0) {
			map->weight += value->weight;
			e->value = value;  /* the last one wins */
			return e;
		}
	}
	if (arena_grow(a, (void **)&map->entries, map->n_entries, sizeof(md_entry))) {
		*oom = 1;
		return NULL;
	}
	md_entry *e = &map->entries[map->n_entries++];
	e->key = key;
	e->key_len = key_len;
	e->key_start = key_start;
	e->key_end = key_end;
	e->value = value;
	map->weight += value->weight;
	return NULL;
}

const md_value *md_value_get(const md_value *map, const char *key)
{
	if (!map || map->kind != MD_V_MAP)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < map->n_entries; i++)
		if (map->entries[i].key_len == n &&
		    memcmp(map->entries[i].key, key, n) == 0)
			return map->entries[i].value;
	return NULL;
}

/* ---- UTF-8 ------------------------------------------------------------- */

size_t md_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0) {
		*cp = 0xFFFD;
		return 0;
	}
	unsigned c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2; v = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3; v = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (n < len) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

size_t md_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t md_utf8_count(const char *s, size_t n)
{
	size_t count = 0, i = 0;
	uint32_t cp;
	while (i < n) {
		i += md_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		count++;
	}
	return count;
}

/* ---- files (used by the CLI and the site walk) -------------------------- */

char *md_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %m", path);
		return NULL;
	}
	md_buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		md_buf_put(&b, chunk, n);
		if (b.len > MD_MAX_INPUT) {
			snprintf(err, errlen, "%s is larger than %zu MiB",
			         path, MD_MAX_INPUT >> 20);
			fclose(f);
			md_buf_free(&b);
			return NULL;
		}
	}
	int failed = ferror(f);
	fclose(f);
	if (failed || b.oom) {
		snprintf(err, errlen, "cannot read %s", path);
		md_buf_free(&b);
		return NULL;
	}
	if (!b.data)
		b.data = calloc(1, 1);  /* an empty file */
	if (!b.data) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* ---- string set ------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int strset_grow(md_strset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 16;
	md_strset_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		md_strset_slot *old = &s->slots[i];
		if (!old->key)
			continue;
		size_t j = old->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *old;
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

void *md_strset_get(const md_strset *s, const char *key, size_t n, int *found)
{
	*found = 0;
	if (!s->cap)
		return NULL;
	uint64_t h = hash_bytes(key, n);
	for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		const md_strset_slot *e = &s->slots[i];
		if (!e->key)
			return NULL;
		if (e->hash == h && e->len == n && memcmp(e->key, key, n) == 0) {
			*found = 1;
			return e->value;
		}
	}
}

int md_strset_put(md_strset *s, const char *key, size_t n, void *value)
{
	int found;
	if (s->cap) {
		uint64_t h = hash_bytes(key, n);
		for (size_t i = h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
			md_strset_slot *e = &s->slots[i];
			if (!e->key)
				break;
			if (e->hash == h && e->len == n && memcmp(e->key, key, n) == 0) {
				e->value = value;
				return 0;
			}
		}
	}
	(void)found;
	if ((s->n + 1) * 4 > s->cap * 3 && strset_grow(s))
		return -1;
	char *copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, key, n);
	copy[n] = '\0';
	uint64_t h = hash_bytes(key, n);
	size_t i = h & (s->cap - 1);
	while (s->slots[i].key)
		i = (i + 1) & (s->cap - 1);
	s->slots[i] = (md_strset_slot){copy, n, h, value};
	s->n++;
	return 0;
}

int md_strset_has(const md_strset *s, const char *key, size_t n)
{
	int found;
	md_strset_get(s, key, n, &found);
	return found;
}

void md_strset_free(md_strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slots[i].key);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

/* ---- regular expressions ------------------------------------------------------ */

/*
 * regcomp for patterns users write in schemas and settings. glibc expands
 * bounded repetitions into automaton states, so `[0-9]{1,20000}` takes
 * gigabytes and seconds: patterns whose repetition counts multiply past
 * 4096 (or are longer than 4 KB) are refused like invalid ones.
 */
int md_regcomp(regex_t *re, const char *pat)
{
	size_t len = strlen(pat);
	if (len > 4096)
		return -1;
	unsigned long weight = 1;
	for (size_t i = 0; i < len; i++) {
		if (pat[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (pat[i] != '{')
			continue;
		unsigned long a = 0, b = 0;
		size_t j = i + 1;
		int digits = 0;
		while (j < len && pat[j] >= '0' && pat[j] <= '9' && a <= 100000)
			a = a * 10 + (unsigned long)(pat[j++] - '0'), digits++;
		b = a;
		if (j < len && pat[j] == ',') {
			j++;
			b = 0;
			while (j < len && pat[j] >= '0' && pat[j] <= '9' && b <= 100000)
				b = b * 10 + (unsigned long)(pat[j++] - '0'), digits++;
			if (b < a)
				b = a;  /* {n,}: counts as n */
		}
		if (!digits || j >= len || pat[j] != '}')
			continue;
		weight *= b ? b : 1;
		if (weight > 4096)
			return -1;
		i = j;
	}
	return regcomp(re, pat, REG_EXTENDED | REG_NOSUB) != 0 ? -1 : 0;
}
