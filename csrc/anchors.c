/*
 * Heading ids in the styles of Hugo's goldmark (autoHeadingIDType):
 * github, github-ascii and blackfriday.
 */
#include <string.h>

#include "internal.h"

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

static int is_ascii_alnum(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Letters and digits outside ASCII: everything from Latin-1 letters up,
 * minus the punctuation and symbol blocks bloggers actually type. */
static int is_unicode_word(uint32_t c)
{
	if (c < 0x80)
		return is_ascii_alnum(c);
	if (c == 0xD7 || c == 0xF7 || (c >= 0xA0 && c <= 0xBF))
		return 0;
	if (c >= 0x2000 && c <= 0x2BFF)   /* punctuation, symbols, arrows */
		return 0;
	if (c >= 0x3000 && c <= 0x303F)   /* CJK punctuation */
		return 0;
	if (c >= 0xFF00 && c <= 0xFF0F)   /* full-width punctuation */
		return 0;
	if ((c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
	    (c >= 0xFF5B && c <= 0xFF65))
		return 0;
	if (c >= 0x1F000 && c <= 0x1FAFF) /* emoji */
		return 0;
	if (c == 0xFE0F || c == 0x200D)
		return 0;
	return 1;
}

static uint32_t lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if ((c >= 0xC0 && c <= 0xDE && c != 0xD7))
		return c + 32;
	return c;
}

void md_anchor_make(md_buf *out, const char *text, size_t len,
                    md_anchor_style style)
{
	size_t i = 0;
	int pending_dash = 0;
	while (i < len) {
		uint32_t c;
		size_t n = md_utf8_decode((const unsigned char *)text + i, len - i, &c);
		i += n;
		if (style == MD_ANCHOR_BLACKFRIDAY) {
			if (is_unicode_word(c)) {
				if (pending_dash && out->len)
					md_buf_putc(out, '-');
				pending_dash = 0;
				char u[4];
				md_buf_put(out, u, md_utf8_encode(lower(c), u));
			} else {
				pending_dash = 1;
			}
			continue;
		}
		if (c == ' ') {
			md_buf_putc(out, '-');
		} else if (c == '-' || c == '_') {
			md_buf_putc(out, (char)c);
		} else if (style == MD_ANCHOR_GITHUB_ASCII ? is_ascii_alnum(c)
		                                           : is_unicode_word(c)) {
			char u[4];
			md_buf_put(out, u, md_utf8_encode(lower(c), u));
		}
	}
	if (out->len == 0)
		md_buf_puts(out, "heading");
}
