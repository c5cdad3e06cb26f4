/* msgpack writing helpers: the one place results take their shape. */
#include <math.h>
#include <string.h>
#include <msgpack.h>

#include "internal.h"

int md_pack_buf_write(void *data, const char *p, size_t n)
{
	md_buf *b = data;
	md_buf_put(b, p, n);
	return b->oom ? -1 : 0;
}

void md_pack_str(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

void md_pack_cstr(msgpack_packer *pk, const char *s) { md_pack_str(pk, s, strlen(s)); }

void md_pack_value(msgpack_packer *pk, const md_value *v, int depth)
{
	if (!v || depth > MD_MAX_DEPTH) {
		msgpack_pack_nil(pk);
		return;
	}
	switch (v->kind) {
	case MD_V_NULL: msgpack_pack_nil(pk); break;
	case MD_V_BOOL:
		if (v->boolean)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case MD_V_INT: msgpack_pack_int64(pk, v->integer); break;
	case MD_V_FLOAT:
		/* NaN and infinities do not survive JSON; keep their YAML text. */
		if (isfinite(v->number))
			msgpack_pack_double(pk, v->number);
		else
			md_pack_str(pk, v->str ? v->str : "", v->str ? v->str_len : 0);
		break;
	case MD_V_STRING:
	case MD_V_DATETIME:
		md_pack_str(pk, v->str ? v->str : "", v->str ? v->str_len : 0);
		break;
	case MD_V_ARRAY:
		msgpack_pack_array(pk, v->n_items);
		for (size_t i = 0; i < v->n_items; i++)
			md_pack_value(pk, v->items[i], depth + 1);
		break;
	case MD_V_MAP:
		msgpack_pack_map(pk, v->n_entries);
		for (size_t i = 0; i < v->n_entries; i++) {
			md_pack_str(pk, v->entries[i].key, v->entries[i].key_len);
			md_pack_value(pk, v->entries[i].value, depth + 1);
		}
		break;
	}
}

void md_pack_range(msgpack_packer *pk, const md_lines *lines, size_t start,
                   size_t end)
{
	size_t l1, c1, l2, c2;
	md_lines_pos(lines, start, &l1, &c1);
	md_lines_pos(lines, end, &l2, &c2);
	msgpack_pack_array(pk, 4);
	msgpack_pack_uint64(pk, l1);
	msgpack_pack_uint64(pk, c1);
	msgpack_pack_uint64(pk, l2);
	msgpack_pack_uint64(pk, c2);
}

static void kv_uint(msgpack_packer *pk, const char *k, size_t v)
{
	md_pack_cstr(pk, k);
	msgpack_pack_uint64(pk, v);
}

void md_pack_diags(msgpack_packer *pk, const md_lines *lines, const md_diags *d)
{
	msgpack_pack_array(pk, d->n);
	for (size_t i = 0; i < d->n; i++) {
		const md_diag *x = &d->v[i];
		size_t l1, c1, l2, c2;
		md_lines_pos(lines, x->start, &l1, &c1);
		md_lines_pos(lines, x->end, &l2, &c2);
		msgpack_pack_map(pk, 7);
		kv_uint(pk, "lnum", l1);
		kv_uint(pk, "col", c1);
		kv_uint(pk, "end_lnum", l2);
		kv_uint(pk, "end_col", c2);
		md_pack_cstr(pk, "severity");
		md_pack_cstr(pk, md_severity_name(x->severity));
		md_pack_cstr(pk, "code");
		md_pack_cstr(pk, x->code);
		md_pack_cstr(pk, "message");
		md_pack_cstr(pk, x->message);
	}
}

const msgpack_object *md_pack_get(const msgpack_object *map, const char *key)
{
	if (!map || map->type != MSGPACK_OBJECT_MAP)
		return NULL;
	size_t n = strlen(key);
	for (uint32_t i = 0; i < map->via.map.size; i++) {
		const msgpack_object *k = &map->via.map.ptr[i].key;
		if (k->type == MSGPACK_OBJECT_STR && k->via.str.size == n &&
		    memcmp(k->via.str.ptr, key, n) == 0)
			return &map->via.map.ptr[i].val;
	}
	return NULL;
}
