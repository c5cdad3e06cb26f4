/* Tree-sitter helpers shared by markdown.c and toml.c. */
#ifndef MDPOST_TSUTIL_H
#define MDPOST_TSUTIL_H

#include <stdlib.h>
#include <tree_sitter/api.h>

/*
 * A node's children (only the named ones with `named`), in one pass of a
 * cursor: ts_node_named_child(n, i) walks from the first child each time,
 * which makes a loop over a node with many children quadratic. Returns the
 * count and a malloc'd array in *out (NULL when empty or out of memory,
 * with *failed set for the latter).
 */
static inline size_t md_ts_children(TSNode n, int named, TSNode **out, int *failed)
{
	*out = NULL;
	uint32_t total = named ? ts_node_named_child_count(n) : ts_node_child_count(n);
	if (total == 0)
		return 0;
	TSNode *v = malloc(total * sizeof(*v));
	if (!v) {
		*failed = 1;
		return 0;
	}
	size_t k = 0;
	TSTreeCursor c = ts_tree_cursor_new(n);
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			TSNode ch = ts_tree_cursor_current_node(&c);
			if ((!named || ts_node_is_named(ch)) && k < total)
				v[k++] = ch;
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	*out = v;
	return k;
}

#endif
