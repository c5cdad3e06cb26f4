/* libFuzzer: a site config (hugo.toml, then .mdpost.yaml after a NUL)
 * written to a scratch site, opened, indexed, and a post checked in it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mdpost.h"

static char root[256];

static void put(const char *name, const char *data, size_t n)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, name);
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/mdpost-fuzz-site-%d", (int)getpid());
		char dir[300];
		mkdir(root, 0700);
		snprintf(dir, sizeof(dir), "%s/content", root);
		mkdir(dir, 0700);
	}
	const char *text = (const char *)data;
	const char *split = memchr(text, '\0', size);
	size_t clen = split ? (size_t)(split - text) : size;
	put("hugo.toml", text, clen);
	put(".mdpost.yaml", split ? split + 1 : "", split ? size - clen - 1 : 0);
	static const char post[] = "---\ntitle: t\ndate: 2025-02-12\n---\n# A\n[x](#a) [y](/z/)\n";
	put("content/p.md", post, sizeof(post) - 1);
	mdpost_site *site = NULL;
	mdpost_result r = {0};
	if (mdpost_site_open(&site, &r, root, strlen(root)) == 0) {
		mdpost_result_free(&r);
		mdpost_site_info(&r, site);
		mdpost_result_free(&r);
		mdpost_index *index = NULL;
		if (mdpost_index_new(&index, &r, site, 0) == 0) {
			mdpost_check(&r, site, index, post, sizeof(post) - 1, NULL, 0);
			mdpost_result_free(&r);
			mdpost_index_free(index);
		}
		mdpost_site_free(site);
	}
	mdpost_result_free(&r);
	return 0;
}
