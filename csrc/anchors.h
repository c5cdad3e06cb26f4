/*
 * Heading ids exactly as Hugo 0.111 (goldmark 1.5.4) makes them, for the
 * autoHeadingIDType values github, github-ascii and blackfriday. The rules,
 * measured with Hugo itself: tests/fixtures/anchors/RULES.md.
 *
 * Per heading, in document order:
 *
 *     md_anchor_src src;
 *     md_anchor_source(&src, line, len, setext);   // T and {#id}, from the raw source
 *     md_anchor_id(&ids, &src, style, &out);       // custom id, or slug + numbering
 *     md_anchor_source_free(&src);
 *
 * with one md_idset per page (zeroed, then md_idset_free). Everything is per
 * call or per set: no global state.
 */
#ifndef MDPOST_ANCHORS_H
#define MDPOST_ANCHORS_H

#include "internal.h"

/* What goldmark takes a heading's id from. */
typedef struct md_anchor_src {
	const char *text;   /* T, the id text: a slice of the input (may be empty) */
	size_t text_len;
	const char *id;     /* the custom id ({#id}, id="..." or id=word), NULL if
	                     * none; may be "" ({#}). Points into the input, or
	                     * into `scratch` when a quoted value had escapes. */
	size_t id_len;
	int id_invalid;     /* the id attribute is not a string (id=5, id=true,
	                     * id=null, id=[...]): Hugo 0.111 fails the build */
	size_t end;         /* ATX: bytes of the input the heading took: its line
	                     * (without the newline), or more when goldmark read the
	                     * attribute block after `## Foo ##` from later lines,
	                     * which then are not a paragraph. Setext: len. */
	md_buf scratch;
} md_anchor_src;

/*
 * Finds T and the custom id of one heading, as goldmark does, from the RAW
 * markdown source (inline markup, escapes and entities all stay in T).
 *
 * ATX (setext == 0): `src` starts at the heading's line after its container
 * prefix (`> `, list indentation); indentation before the #s may be
 * included. `len` may run past the line, up to the end of the document: only
 * the first line is used, except that after a closing sequence (`## Foo ##`)
 * goldmark skips blank space, newlines included, looking for `{...}` and takes
 * an attribute block from the following raw lines. Pass just the line to
 * ignore that quirk.
 *
 * Setext (setext != 0): `src` is the last line of the heading's text (not
 * the underline), after its container prefix. If it holds newlines, the part
 * after the last one is used. Surrounding whitespace is trimmed here.
 *
 * Returns 0, or MDPOST_ENOMEM. Free with md_anchor_source_free.
 */
int md_anchor_source(md_anchor_src *s, const char *src, size_t len, int setext);
void md_anchor_source_free(md_anchor_src *s);

int md_anchor_style_parse(const char *name, md_anchor_style *style);

/* Appends the slug of `text` in `style` -- "heading" when the slug is empty
 * -- without numbering: the base id of Hugo's idFactory.Generate. */
void md_anchor_make(md_buf *out, const char *text, size_t len,
                    md_anchor_style style);

/* The ids used on one page so far, auto and custom alike; byte-exact and
 * case-sensitive. Zero it (or md_idset_init) before use. `set` may be
 * searched directly with md_strset_has. */
typedef struct md_idset {
	md_strset set;  /* values: for a base id, the last number it was given */
} md_idset;

void md_idset_init(md_idset *s);
void md_idset_free(md_idset *s);
int md_idset_has(const md_idset *s, const char *id, size_t len);
/* A custom id: recorded as is, even when already there. 0 or MDPOST_ENOMEM. */
int md_idset_add(md_idset *s, const char *id, size_t len);
/* An auto id: appends `base` ("" counts as "heading"), or base-1, base-2, ...
 * the first that is not used yet, and records it. `base` must not point into
 * `out`. Returns 0 or MDPOST_ENOMEM. */
int md_idset_unique(md_idset *s, const char *base, size_t len, md_buf *out);

/* The final id of a heading: its custom id (recorded, never renumbered), or
 * its slug numbered against the page. Appends to `out`; 0 or MDPOST_ENOMEM.
 * With src->id_invalid Hugo fails the build; this then gives the auto id. */
int md_anchor_id(md_idset *ids, const md_anchor_src *src, md_anchor_style style,
                 md_buf *out);

#endif
