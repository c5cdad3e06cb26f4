/*
 * What the editor pays per pause in typing, through the public API as the
 * plugin calls it, with the post's site and its index ready:
 *
 *   cold     mdpost_check on the whole post (a buffer's first check)
 *   typing   mdpost_doc_check after typing one character somewhere in the
 *            body (the kept document re-parses what changed)
 *   folds    mdpost_doc_folds after the same edit
 *   render   mdpost_render of the whole post (the preview), and its
 *            throughput in MB/s
 *
 * usage: bench-editor FILE...   (ROUNDS, default 200)
 * Prints one line per file: size, then the median and the slowest round
 * of each, in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdpost.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static unsigned long long rng = 7;
static size_t rnd(size_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (size_t)((rng >> 33) % n);
}

int main(int argc, char **argv)
{
	int rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 200;
	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: bench-editor FILE...\n");
		return 2;
	}
	double *cold = calloc((size_t)rounds, sizeof(double));
	double *typing = calloc((size_t)rounds, sizeof(double));
	double *folds = calloc((size_t)rounds, sizeof(double));
	double *render = calloc((size_t)rounds, sizeof(double));
	printf("%-60s %8s %17s %17s %17s %17s %9s\n", "post", "KB", "cold check ms",
	       "typing check ms", "typing folds ms", "render ms", "render");
	printf("%-60s %8s %17s %17s %17s %17s %9s\n", "", "", "median / max", "median / max",
	       "median / max", "median / max", "MB/s");
	for (int f = 1; f < argc; f++) {
		FILE *fp = fopen(argv[f], "rb");
		if (!fp) {
			perror(argv[f]);
			return 2;
		}
		fseek(fp, 0, SEEK_END);
		long size = ftell(fp);
		fseek(fp, 0, SEEK_SET);
		char *text = malloc((size_t)size + (size_t)rounds + 1);
		size_t len = fread(text, 1, (size_t)size, fp);
		fclose(fp);
		mdpost_site *site = NULL;
		mdpost_index *index = NULL;
		mdpost_result err = {0};
		if (mdpost_site_open(&site, &err, argv[f], strlen(argv[f])) ||
		    mdpost_index_new(&index, &err, site, 0)) {
			fprintf(stderr, "%s: %s\n", argv[f], err.error ? err.error : "no site");
			return 2;
		}
		/* opts = {path = FILE} */
		char opts[4200];
		size_t pl = strlen(argv[f]);
		opts[0] = (char)0x81;
		opts[1] = (char)0xa4;
		memcpy(opts + 2, "path", 4);
		opts[6] = (char)0xda;
		opts[7] = (char)(pl >> 8);
		opts[8] = (char)pl;
		memcpy(opts + 9, argv[f], pl);
		size_t olen = 9 + pl;
		mdpost_doc *doc = NULL;
		mdpost_doc_new(&doc, NULL);
		mdpost_result r = {0};
		/* The body starts after the front matter: type there. */
		const char *body = len > 4 && memcmp(text, "---", 3) == 0 ? strstr(text + 3, "\n---") : NULL;
		size_t body_at = body ? (size_t)(body - text) + 5 : 0;
		mdpost_doc_check(&r, doc, site, index, text, len, opts, olen);
		mdpost_result_free(&r);
		for (int i = 0; i < rounds; i++) {
			double t0 = now();
			mdpost_check(&r, site, index, text, len, opts, olen);
			cold[i] = now() - t0;
			mdpost_result_free(&r);
			/* Type one letter at a place in the body. */
			size_t at = body_at + rnd(len - body_at);
			memmove(text + at + 1, text + at, len - at);
			text[at] = 'x';
			len++;
			t0 = now();
			mdpost_doc_check(&r, doc, site, index, text, len, opts, olen);
			typing[i] = now() - t0;
			mdpost_result_free(&r);
			t0 = now();
			mdpost_doc_folds(&r, doc, text, len, NULL, 0);
			folds[i] = now() - t0;
			mdpost_result_free(&r);
			t0 = now();
			mdpost_render(&r, site, index, text, len, opts, olen);
			render[i] = now() - t0;
			mdpost_result_free(&r);
		}
		double rmed = median(render, rounds), cmed = median(cold, rounds);
		double tmed = median(typing, rounds), fmed = median(folds, rounds);
		printf("%-60s %8.1f %8.2f / %6.2f %8.3f / %6.3f %8.3f / %6.3f %8.2f / %6.2f %9.1f\n",
		       argv[f], len / 1024.0, cmed * 1e3, cold[rounds - 1] * 1e3,
		       tmed * 1e3, typing[rounds - 1] * 1e3, fmed * 1e3, folds[rounds - 1] * 1e3,
		       rmed * 1e3, render[rounds - 1] * 1e3, len / rmed / 1e6);
		mdpost_doc_free(doc);
		mdpost_index_free(index);
		mdpost_site_free(site);
		free(text);
	}
	free(cold);
	free(typing);
	free(folds);
	free(render);
	return 0;
}
