/*
 * The inline link scanner: exact links for tricky inline text, and the
 * same links, bytes, targets and labels as tree-sitter's inline grammar
 * (MDPOST_INLINE=tree-sitter) gives for each case, which it replaced.
 * Each link is shown as kind`source bytes`, then =target when it has one,
 * then :label when it has one.
 */
#include <stdlib.h>

#include "harness.h"
#include "internal.h"

static char *links_with(const char *src, int raw_html, const char *mode)
{
	static char out[2][4096];
	static int which;
	char *o = out[which ^= 1];
	setenv("MDPOST_INLINE", mode, 1);
	md_doc d;
	o[0] = '\0';
	if (md_doc_parse(&d, src, strlen(src), 0, MD_ANCHOR_GITHUB, raw_html))
		return strcpy(o, "(failed)");
	size_t k = 0;
	for (size_t i = 0; i < d.n_links && k < 3800; i++) {
		const md_link *l = &d.links[i];
		k += (size_t)snprintf(o + k, 4096 - k, "%s`%.*s`", md_link_kind_name(l->kind),
		                      (int)(l->end - l->start), src + l->start);
		if (l->target_len)
			k += (size_t)snprintf(o + k, 4096 - k, "=%s", l->target);
		if (l->label)
			k += (size_t)snprintf(o + k, 4096 - k, ":%s", l->label);
		o[k++] = ' ';
		o[k] = '\0';
	}
	md_doc_free(&d);
	unsetenv("MDPOST_INLINE");
	return o;
}

/* The scanner's links, checked against the grammar's. */
static char *links_of(const char *src, int raw_html)
{
	char *sc = links_with(src, raw_html, "scanner");
	char *ts = links_with(src, raw_html, "tree-sitter");
	if (strcmp(sc, ts) != 0)
		FAIL_("scanner and tree-sitter differ on %s\n  scanner:     %s\n  tree-sitter: %s", src, sc, ts);
	return sc;
}

TEST(inline_links_and_destinations)
{
	CHECK_STR(links_of("[a](b.md) [c](<d e.md>) [f](g.md \"t\") [h](i.md 't') [j](k.md (t))\n", 0),
	          "link`b.md`=b.md link`d e.md`=d e.md link`g.md`=g.md link`i.md`=i.md link`k.md`=k.md ");
	/* Balanced parentheses, escapes, entities; () and ( ) and (<>). */
	CHECK_STR(links_of("[a](m(n)o) [p](q\\)r) [s](t&amp;u) [v]() [w]( ) [x](<>)\n", 0),
	          "link`m(n)o`=m(n)o link`q\\)r`=q)r link`t&amp;u`=t&u link`` link`` ");
	/* Not inline links: a space in the destination, text after the title. */
	CHECK_STR(links_of("[a](b c) [d](e \"t\" junk)\n", 0), "shortcut`a`:a shortcut`d`:d ");
	/* A destination that is a raw HTML tag is the tag. */
	CHECK_STR(links_of("[a](<b>) [c](<http://x.y>)\n", 0), "shortcut`a`:a link`http://x.y`=http://x.y ");
}

TEST(references)
{
	CHECK_STR(links_of("[a][B c] [d][] [e] ![f][g] ![h][] ![i] [][j]\n", 0),
	          "reference`B c`:b c reference`d`:d shortcut`e`:e reference`g`:g reference`j`:j ");
	/* Footnotes stay shortcuts here; resolution tells them apart. */
	CHECK_STR(links_of("x[^1] [^note]\n", 0), "shortcut`^1`:^1 shortcut`^note`:^note ");
	/* Runs of brackets weighed as the grammar weighs them. */
	CHECK_STR(links_of("[a][][b]\n", 0), "shortcut`a`:a reference`b`:b ");
	CHECK_STR(links_of("[a][b](x) [c][](y)\n", 0),
	          "shortcut`a`:a link`x`=x shortcut`c`:c link`y`=y ");
	/* A label holds no raw HTML. */
	CHECK_STR(links_of("[a][<b>]\n", 0), "shortcut`a`:a shortcut`<b>`:<b> ");
}

TEST(nesting)
{
	/* A link holds no link: the inner one wins; an image can be inside. */
	CHECK_STR(links_of("[a [b](c) d](e) [![i](s.png)](h.md) [a [b] c](d)\n", 0),
	          "link`c`=c image`s.png`=s.png link`h.md`=h.md shortcut`b`:b ");
	/* What a reference's or shortcut's text holds is not read. */
	CHECK_STR(links_of("[![i](s.png)][r] [<http://a.b>]\n", 0), "reference`r`:r shortcut`<http://a.b>`:<http://a.b> ");
	CHECK_STR(links_of("[[a]] [a *b* c](d) *[e](f)* **[g](h)**\n", 0),
	          "shortcut`a`:a link`d`=d link`f`=f link`h`=h ");
}

TEST(code_math_autolinks_html)
{
	CHECK_STR(links_of("`[a](b)` ``x ` [c](d)`` [e `]` f](g) ``unclosed [h](i)\n", 0),
	          "link`g`=g link`i`=i ");
	/* $...$ hides what it holds, as the grammar's LaTeX spans do. */
	CHECK_STR(links_of("costs $5 [a](b) or $6, \\$ [c](d)\n", 0), "link`d`=d ");
	CHECK_STR(links_of("<https://x.y/z?a=b> <a@b.c> <x:y> <http://a b>\n", 0),
	          "autolink`https://x.y/z?a=b`=https://x.y/z?a=b ");
	CHECK_STR(links_of("<a href=\"u1\">x</a> <img src='u2'> <!-- <a href=\"u3\"> -->\n", 1),
	          "html`u1`=u1 html`u2`=u2 html`u3`=u3 ");
	CHECK_STR(links_of("<a href=\"u1\">x</a> [a](b)\n", 0), "link`b`=b ");
	/* A tag is one only when each attribute has a value. */
	CHECK_STR(links_of("<input disabled href=\"u\"> <span title=\"[a](b)\">\n", 1), "");
	/* Escapes. */
	CHECK_STR(links_of("\\[a](b) [c\\]d](e) \\![f](g) \\<http://x.y>\n", 0),
	          "link`e`=e link`g`=g ");
}

TEST(unclosed_is_linear)
{
	/* Unclosed comments, quotes, titles and parentheses, many times over:
	 * quick (no search for a closer is repeated, destinations nest at most
	 * 100 deep), and the link after them is read. */
	size_t n = 200000;
	char *s = malloc(n + 32);
	CHECK(s != NULL);
	if (!s)
		return;
	static const char *const unit[] = {"<!--a ", "<a b=\"", "[a](b \"", "<x y='", "<!--a --b ",
	                                   "[a](bb"};
	setenv("MDPOST_INLINE", "scanner", 1);
	for (size_t u = 0; u < sizeof(unit) / sizeof(*unit); u++) {
		size_t k = 2, ul = strlen(unit[u]), units = 0;
		memcpy(s, "x ", 2);
		while (k + ul < n) {
			memcpy(s + k, unit[u], ul);
			k += ul;
			units++;
		}
		strcpy(s + k, " [z](z.md)\n");
		md_doc d;
		CHECK_INT(md_doc_parse(&d, s, strlen(s), 0, MD_ANCHOR_GITHUB, 1), 0);
		CHECK(d.n_links > 0 && strcmp(d.links[d.n_links - 1].target, "z.md") == 0);
		/* [a](b " and [a](bb are shortcuts each time; the others hold
		 * no link. */
		CHECK_INT(d.n_links, u == 2 || u == 5 ? units + 1 : 1);
		md_doc_free(&d);
	}
	unsetenv("MDPOST_INLINE");
	free(s);
}
