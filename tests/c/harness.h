/*
 * A dependency-free test harness: TEST(name) defines a test, CHECK* record
 * failures with file:line, and main() (from TESTS_MAIN) runs them all and
 * prints "N passed, N failed".
 */
#ifndef MDPOST_HARNESS_H
#define MDPOST_HARNESS_H

#include <stdio.h>
#include <string.h>

/* A small deterministic generator for randomized tests (LCG; a test may
 * set the seed). */
static unsigned long long test_rng_state = 42;
static inline unsigned test_rnd(unsigned n)
{
	test_rng_state = test_rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((test_rng_state >> 33) % n);
}

typedef void (*test_fn)(void);
static struct { const char *name; test_fn fn; } tests_[512];
static int n_tests_, failures_;
static const char *current_;

#define TEST(t)                                                             \
	static void test_##t(void);                                             \
	__attribute__((constructor)) static void reg_##t(void)                  \
	{ tests_[n_tests_].name = #t; tests_[n_tests_++].fn = test_##t; }       \
	static void test_##t(void)

#define FAIL_(...)                                                         \
	do {                                                                    \
		failures_++;                                                        \
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, current_);      \
		fprintf(stderr, __VA_ARGS__);                                       \
		fputc('\n', stderr);                                                \
	} while (0)

#define CHECK(cond)                                                         \
	do { if (!(cond)) FAIL_("CHECK(%s)", #cond); } while (0)

#define CHECK_INT(got, want)                                                \
	do {                                                                    \
		long long g_ = (long long)(got), w_ = (long long)(want);            \
		if (g_ != w_) FAIL_("%s == %lld, want %lld", #got, g_, w_);         \
	} while (0)

#define CHECK_STR(got, want)                                                \
	do {                                                                    \
		const char *g_ = (got), *w_ = (want);                               \
		if (!g_ || strcmp(g_, w_) != 0)                                     \
			FAIL_("%s == \"%s\", want \"%s\"", #got, g_ ? g_ : "(null)", w_); \
	} while (0)

#define CHECK_MEM(got, got_len, want)                                       \
	do {                                                                    \
		const char *w_ = (want);                                            \
		size_t gl_ = (got_len);                                             \
		if (gl_ != strlen(w_) || memcmp((got), w_, gl_) != 0)               \
			FAIL_("%s == \"%.*s\", want \"%s\"", #got, (int)gl_, (got), w_); \
	} while (0)

int main(void)
{
	int failed_tests = 0;
	for (int i = 0; i < n_tests_; i++) {
		int before = failures_;
		current_ = tests_[i].name;
		tests_[i].fn();
		if (failures_ != before) {
			failed_tests++;
			fprintf(stderr, "FAIL %s\n", tests_[i].name);
		}
	}
	printf("%s: %d passed, %d failed\n", __BASE_FILE__, n_tests_ - failed_tests,
	       failed_tests);
	return failed_tests ? 1 : 0;
}

#endif
