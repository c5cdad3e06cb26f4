/*
 * How check time grows on pathological Markdown: each case at N and 4N
 * repetitions. Linear work shows a ratio near 4; quadratic near 16.
 */
#include <stdio.h>
#include <time.h>

#include "../tests/pathological.h"

static double check_time(const char *src, size_t len)
{
	struct timespec a, b;
	mdpost_result r = {0};
	clock_gettime(CLOCK_MONOTONIC, &a);
	mdpost_check(&r, NULL, NULL, src, len, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	mdpost_result_free(&r);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

int main(void)
{
	const size_t n = 10000;
	printf("| case | bytes at N=%zu | time at N | time at 4N | ratio |\n|---|---|---|---|---|\n", n);
	for (size_t k = 0; k < md_pathological_count; k++) {
		md_buf small = {0}, big = {0};
		md_pathological_build(&small, k, n);
		md_pathological_build(&big, k, 4 * n);
		double t1 = check_time(small.data, small.len), t4 = check_time(big.data, big.len);
		printf("| %s | %zu | %.1f ms | %.1f ms | %.1f |\n", md_pathological[k].name, small.len,
		       t1 * 1e3, t4 * 1e3, t1 > 0 ? t4 / t1 : 0);
		md_buf_free(&small);
		md_buf_free(&big);
	}
	return 0;
}
