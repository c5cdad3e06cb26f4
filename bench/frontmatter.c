/*
 * Front matter parse + validate time, through the public API exactly as the
 * editor calls it on each pause in typing (mdpost_check with the site).
 *   bench-frontmatter FILE...   (every file is checked ROUNDS times)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "mdpost.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench-frontmatter FILE...\n");
		return 2;
	}
	int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 200;
	mdpost_site *site = NULL;
	mdpost_result res = {0};
	if (mdpost_site_open(&site, &res, argv[1], strlen(argv[1]))) {
		fprintf(stderr, "cannot open the site: %s\n", res.error);
		return 2;
	}
	mdpost_result_free(&res);
	size_t files = 0, bytes = 0, fm_bytes = 0, diags = 0;
	double total = 0, worst = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		char err[256];
		char *text = md_read_file(argv[i], &len, err, sizeof(err));
		if (!text) {
			fprintf(stderr, "%s\n", err);
			continue;
		}
		/* Only the front matter is what this measures: cut the body off. */
		md_frontmatter fm;
		md_diags d = {0};
		md_frontmatter_parse(&fm, text, len, &d);
		/* FULL=1: the whole post, body and links included. */
		size_t cut = getenv("FULL") ? len : fm.end;
		md_frontmatter_free(&fm);
		md_diags_free(&d);
		double best = 1e9;
		for (int r = 0; r < rounds; r++) {
			double t0 = now();
			if (mdpost_check(&res, site, NULL, text, cut, NULL, 0) == 0 && r == 0)
				diags += res.len > 16;
			double t = now() - t0;
			mdpost_result_free(&res);
			total += t;
			if (t < best)
				best = t;
		}
		if (best > worst)
			worst = best;
		files++;
		bytes += len;
		fm_bytes += cut;
		free(text);
	}
	mdpost_site_free(site);
	if (!files)
		return 2;
	printf("%s: %zu files, %d rounds, mean %.1f us, "
	       "slowest file (best of rounds) %.1f us, mean front matter %zu bytes\n",
	       getenv("FULL") ? "whole post check" : "front matter parse+validate", files, rounds, total / (double)(files * (size_t)rounds) * 1e6, worst * 1e6,
	       fm_bytes / files);
	return 0;
}
