/*
 * Dates as Hugo 0.111 reads the date fields of front matter (date,
 * publishDate, lastmod, expiryDate and their aliases). Measured behaviour:
 * tests/fixtures/hugo-truth/RESULTS.md, section 1.
 *
 * All functions are pure apart from reading zone files under
 * /usr/share/zoneinfo (and $TZ for the zone name "Local"): no caches, no
 * globals, safe to call from any thread.
 */
#ifndef MDPOST_DATES_H
#define MDPOST_DATES_H

#include <stddef.h>
#include <stdint.h>

/* GCC and Clang predefine `unix` as 1 outside strict ISO modes (-std=gnu11,
 * the default); the field below is named that, so the macro must go. */
#ifdef unix
#undef unix
#endif

typedef struct md_time {
	int64_t unix;     /* seconds since 1970-01-01T00:00:00Z */
	int32_t nsec;     /* 0..999999999 */
	int32_t offset;   /* seconds east of UTC in which the value is expressed */
	int has_zone;     /* the text itself carried Z or a numeric offset */
} md_time;

/* A date string as Hugo 0.111 parses it for date fields: spf13/cast's list
 * of Go layouts run through Go's time.Parse, so a fraction after the seconds
 * is accepted in any layout with seconds, the hour may have one digit, runs
 * of spaces match one space, and Kitchen ("3:04PM") / Stamp ("Jan _2
 * 15:04:05") give year 0 in UTC whatever `zone` is. The same for YAML
 * (quoted or not: go-yaml v2 hands unquoted timestamps over as strings),
 * TOML strings and JSON strings.
 *
 * Values without a numeric offset, and layouts with only a zone name (RFC
 * 1123 "GMT", UnixDate "UTC", RFC 822/850: the name is ignored, except that
 * "GMT+3" moves the clock by 3 hours as Go does), are placed in `zone` (an
 * IANA name like "Asia/Shanghai"; NULL, "" or "UTC" mean UTC; "Local" means
 * $TZ as Go reads it). Named zones are modelled with Hugo's process in
 * TZ=UTC, as measured.
 *
 * Returns 1 when Hugo accepts the value, 0 when Hugo silently drops it, -1
 * when `zone` is unknown (Hugo fails the build; checked first, whatever
 * the value). On 0 and -1 *out is the zero time (see md_time_is_zero). */
int md_date_parse(const char *s, size_t n, const char *zone, md_time *out);

/* A TOML date/time token as go-toml v2 scans it (offset date-time, local
 * date-time, local date; "T", "t" or a space between date and time; "Z"
 * or "z"). Hugo keeps local ones in `zone` with their fraction, and
 * reformats offset ones as RFC 3339 before parsing them again, so their
 * fraction is dropped. A local time ("19:13:10") is valid TOML that Hugo
 * drops: 0. Text that is not a valid token (go-toml fails the build, see
 * md_date_toml_error) also gives 0. Same returns as md_date_parse. */
int md_date_parse_toml(const char *s, size_t n, const char *zone, md_time *out);

/* NULL when s[0..n) is a valid TOML date/time token (local time included),
 * else go-toml's message for it without the "toml: " prefix, e.g.
 * "impossible date" for 2025-02-30 or "dates are expected to have the
 * format YYYY-MM-DD" for 2025-2-12 -- Hugo fails the build with it. For
 * text that is not date-like at all, or has bytes after the token, the
 * message is ours ("not a date or time", "expected newline after a date
 * or time"); go-toml's own wording there depends on the document. */
const char *md_date_toml_error(const char *s, size_t n);

/* A YAML/TOML integer: Hugo reads it as Unix seconds (JSON numbers are
 * floats and are dropped: do not call this for them). Hugo expresses the
 * result in the process's local zone ($TZ), not the site timeZone: pass
 * NULL to get what was measured (TZ=UTC). The instant is the same anyway.
 * An unknown zone gives UTC. */
void md_date_from_unix(int64_t secs, const char *zone, md_time *out);

/* RFC 3339 with the value's offset: 2025-02-12T19:13:10+08:00, Z for
 * offset 0, fractional seconds only when nsec != 0 (trailing zeros trimmed,
 * as Go's RFC3339Nano); an offset with seconds is cut to minutes and years
 * outside 0000..9999 are written out as Go does ("-0001", "10000"). */
void md_date_format_rfc3339(const md_time *t, char out[48]);

/* The layouts Hugo accepts, for messages: a short human list. */
const char *md_date_accepted_forms(void);

/* Is `zone` a valid zone name here, as Hugo's timeZone (Go's
 * time.LoadLocation)? NULL, "", "UTC" and "Local" are. */
int md_zone_valid(const char *zone);

/* Is t Hugo's zero time (0001-01-01T00:00:00Z, the instant, whatever the
 * offset), which Hugo treats as "unset"? A value written as "0001-01-01"
 * parses to it when the zone is UTC. */
int md_time_is_zero(const md_time *t);

#endif
