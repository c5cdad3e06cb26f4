/* The site around a post: its root, found by the generator's config file. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* The first of these that exists in a directory marks the site's root. */
static const struct {
	const char *file;
	const char *generator;
} markers[] = {
	{"hugo.toml", "hugo"}, {"hugo.yaml", "hugo"}, {"hugo.json", "hugo"},
	{"config.toml", "hugo"}, {"config.yaml", "hugo"}, {"config.json", "hugo"},
	{"_config.yml", "jekyll"},
	{".mdpost.yaml", "mdpost"},  /* last: a generator's file beside it tells more */
	{NULL, NULL}
};

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int md_site_find(md_site *site, const char *path)
{
	char dir[PATH_MAX];
	if (!realpath(path, dir))
		return 0;
	struct stat st;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
	}
	for (;;) {
		for (int i = 0; markers[i].file; i++) {
			char cand[PATH_MAX];
			int n = snprintf(cand, sizeof(cand), "%s%s%s", dir,
			                 strcmp(dir, "/") ? "/" : "", markers[i].file);
			if (n < 0 || (size_t)n >= sizeof(cand) || !is_file(cand))
				continue;
			snprintf(site->root, sizeof(site->root), "%s", dir);
			snprintf(site->config, sizeof(site->config), "%s", cand);
			site->generator = markers[i].generator;
			/* zola also uses config.toml; its [markdown] table tells. */
			if (strcmp(markers[i].file, "config.toml") == 0) {
				size_t len;
				char err[256];
				char *text = md_read_file(cand, &len, err, sizeof(err));
				if (text && strstr(text, "[markdown]") && !strstr(text, "[markup]"))
					site->generator = "zola";
				free(text);
			}
			return 1;
		}
		if (strcmp(dir, "/") == 0)
			return 0;
		char *slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		*(slash == dir ? slash + 1 : slash) = '\0';
	}
}
