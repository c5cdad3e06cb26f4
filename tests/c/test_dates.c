/* Dates as Hugo 0.111 reads them: every measured case (dates_cases.h,
 * generated from tests/fixtures/hugo-truth/cases.json) and the corners the
 * measurements do not reach, checked against Hugo/Go by hand. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "dates.h"
#include "dates_cases.h"

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* md_date_parse in `zone`; the RFC 3339 text when accepted, else "" */
static char got_[48];
static int rc_;
static const char *parse(const char *s, const char *zone)
{
	md_time t;
	rc_ = md_date_parse(s, strlen(s), zone, &t);
	got_[0] = '\0';
	if (rc_ == 1)
		md_date_format_rfc3339(&t, got_);
	return got_;
}

static const char *parse_toml(const char *s, const char *zone)
{
	md_time t;
	rc_ = md_date_parse_toml(s, strlen(s), zone, &t);
	got_[0] = '\0';
	if (rc_ == 1)
		md_date_format_rfc3339(&t, got_);
	return got_;
}

static const char *fmt(int64_t unix, int32_t nsec, int32_t offset)
{
	md_time t = {unix, nsec, offset, 0};
	md_date_format_rfc3339(&t, got_);
	return got_;
}

static const char *from_unix(int64_t secs, const char *zone)
{
	md_time t;
	md_date_from_unix(secs, zone, &t);
	md_date_format_rfc3339(&t, got_);
	return got_;
}

TEST(hugo_measured_cases)
{
	size_t checked = 0, not_dates = 0;
	for (size_t i = 0; i < N_DATES_CASES; i++) {
		const dates_case *c = &dates_cases[i];
		const char *zone = c->zone;
		md_time t;
		int rc;
		if (is(c->format, "yaml-str") || is(c->format, "yaml-unquoted-str") ||
		    is(c->format, "toml-str") || is(c->format, "json-str")) {
			rc = md_date_parse(c->input, c->input_len, zone, &t);
		} else if (is(c->format, "toml-native")) {
			rc = md_date_parse_toml(c->input, c->input_len, zone, &t);
			const char *err = md_date_toml_error(c->input, c->input_len);
			if (c->toml_error ? !err || strcmp(err, c->toml_error) != 0 : err != NULL)
				FAIL_("%s: TOML %s: error \"%s\", want \"%s\"", c->id, c->input,
				      err ? err : "(none)", c->toml_error ? c->toml_error : "(none)");
		} else if (is(c->format, "yaml-int") || is(c->format, "toml-int")) {
			/* Hugo puts Unix seconds in its process's zone (TZ=UTC
			 * when measured), never the site's: hence NULL. */
			md_date_from_unix(strtoll(c->input, NULL, 10), NULL, &t);
			rc = 1;
		} else {
			/* floats, bools, nulls, lists, JSON numbers: no date
			 * parse happens, Hugo drops them */
			not_dates++;
			if (c->want != 0)
				FAIL_("%s: a %s was measured as accepted", c->id, c->format);
			continue;
		}
		checked++;
		if (rc != c->want) {
			FAIL_("%s: %s \"%s\" in zone %s: returned %d, want %d", c->id, c->format,
			      c->input, zone ? zone : "(none)", rc, c->want);
			continue;
		}
		if (rc != 1)
			continue;
		char out[48];
		md_date_format_rfc3339(&t, out);
		if (strcmp(out, c->rfc3339) != 0)
			FAIL_("%s: %s \"%s\" in zone %s: %s, want %s", c->id, c->format, c->input,
			      zone ? zone : "(none)", out, c->rfc3339);
		if (md_time_is_zero(&t) != is(c->rfc3339, "0001-01-01T00:00:00Z"))
			FAIL_("%s: md_time_is_zero is wrong for %s", c->id, out);
	}
	CHECK_INT(checked + not_dates, N_DATES_CASES);
	CHECK(checked >= 600);
}

TEST(layouts)
{
	CHECK_STR(parse("2025-02-12", NULL), "2025-02-12T00:00:00Z");
	CHECK_STR(parse("2025-02-12T19:13:10", ""), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("2025-02-12 19:13:10", "UTC"), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("2025-02-12T19:13:10-0700", NULL), "2025-02-12T19:13:10-07:00");
	CHECK_STR(parse("2025-02-12 19:13:10Z0700", NULL), "");  /* Z then digits: extra text */
	CHECK_STR(parse("2025-02-12 19:13:10-0730", NULL), "2025-02-12T19:13:10-07:30");
	CHECK_STR(parse("Wed Feb 12 19:13:10 2025", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Wed Feb  2 19:13:10 2025", NULL), "2025-02-02T19:13:10Z");
	CHECK_STR(parse("Wed Feb 12 19:13:10 +0800 2025", NULL), "2025-02-12T19:13:10+08:00");
	CHECK_STR(parse("12 Feb 25 19:13 +0800", NULL), "2025-02-12T19:13:00+08:00");
	CHECK_STR(parse("12 Feb 69 19:13 UTC", NULL), "1969-02-12T19:13:00Z");
	CHECK_STR(parse("12 Feb 68 19:13 UTC", NULL), "2068-02-12T19:13:00Z");
	/* Go reads the two-digit year with atoi, sign and all */
	CHECK_STR(parse("12 Feb -5 19:13 UTC", NULL), "1995-02-12T19:13:00Z");
	CHECK_STR(parse("Wednesday, 12-Feb-25 19:13:10 UTC", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("wEDNESDAY, 12-fEB-25 19:13:10 UTC", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("12 FEB 2025", NULL), "2025-02-12T00:00:00Z");
	/* a run of spaces matches one; one-digit hours pass; nothing else bends */
	CHECK_STR(parse("2025-02-12   19:13:10", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("2025-02-12 7:13:10", NULL), "2025-02-12T07:13:10Z");
	CHECK_STR(parse("2025-02-12 19:3:10", NULL), "");
	CHECK_STR(parse(" 2025-02-12", NULL), "");
	CHECK_STR(parse("2025-02-12 ", NULL), "");
	CHECK_STR(parse("2025-02-12\t19:13:10", NULL), "");
	CHECK_STR(parse("2025-02-12 19:13:60", NULL), "");
	CHECK_STR(parse("2025-02-12 23:60:00", NULL), "");
	CHECK_STR(parse("2025-00-12", NULL), "");
	CHECK_STR(parse("2025-02-00", NULL), "");
	CHECK_INT(rc_, 0);
	/* offsets are read with atoi and not range checked (Go 1.19) */
	CHECK_STR(parse("2025-02-12T19:13:10+25:00", NULL), "2025-02-12T19:13:10+25:00");
	CHECK_STR(parse("2025-02-12T19:13:10+-1:00", NULL), "2025-02-12T19:13:10-01:00");
	CHECK_STR(parse("9999-12-31T23:59:59-23:59", NULL), "9999-12-31T23:59:59-23:59");

	md_time t;
	CHECK_INT(md_date_parse("2025-02-12\0", 11, NULL, &t), 0);
	CHECK(md_time_is_zero(&t));
	CHECK_INT(md_date_parse(NULL, 0, NULL, &t), 0);
	CHECK_INT(md_date_parse("2025-02-12xyz", 10, NULL, &t), 1);  /* only n bytes count */
	CHECK_INT(t.has_zone, 0);
	CHECK_INT(md_date_parse("2025-02-12T19:13:10Z", 20, "Asia/Shanghai", &t), 1);
	CHECK_INT(t.has_zone, 1);
	CHECK_INT(t.offset, 0);
	CHECK_INT(t.unix, 1739387590);
	/* Time.String(): "UTC" beats the numeric offset, as in Go */
	CHECK_INT(md_date_parse("2025-02-12 19:13:10 +0800 UTC", 29, NULL, &t), 1);
	CHECK_INT(t.unix, 1739387590);
	CHECK_INT(t.has_zone, 1);
	CHECK_STR(parse("2025-02-12 19:13:10 +0800 CST", "America/New_York"),
	          "2025-02-12T19:13:10+08:00");
}

TEST(leap_years)
{
	CHECK_STR(parse("2024-02-29", NULL), "2024-02-29T00:00:00Z");
	CHECK_STR(parse("2025-02-29", NULL), "");
	CHECK_STR(parse("2000-02-29", NULL), "2000-02-29T00:00:00Z");
	CHECK_STR(parse("1900-02-29", NULL), "");
	CHECK_STR(parse("2100-02-29", NULL), "");
	CHECK_STR(parse("0000-02-29", NULL), "0000-02-29T00:00:00Z");
	CHECK_STR(parse("2024-12-31 23:59:59", NULL), "2024-12-31T23:59:59Z");
	CHECK_STR(parse("29 Feb 2024", NULL), "2024-02-29T00:00:00Z");
	CHECK_STR(parse("29 Feb 2023", NULL), "");
	CHECK_STR(parse("2025-04-31", NULL), "");
	CHECK_STR(parse_toml("2024-02-29", NULL), "2024-02-29T00:00:00Z");
	CHECK_STR(parse_toml("2023-02-29", NULL), "");
	CHECK_STR(md_date_toml_error("2023-02-29", 10), "impossible date");
}

TEST(fractional_seconds)
{
	md_time t;
	CHECK_INT(md_date_parse("2025-02-12T19:13:10.123Z", 24, NULL, &t), 1);
	CHECK_INT(t.nsec, 123000000);
	CHECK_STR(parse("2025-02-12T19:13:10.123Z", NULL), "2025-02-12T19:13:10.123Z");
	CHECK_STR(parse("2025-02-12 19:13:10,5", NULL), "2025-02-12T19:13:10.5Z");
	CHECK_STR(parse("2025-02-12 19:13:10.5", "Asia/Shanghai"), "2025-02-12T19:13:10.5+08:00");
	CHECK_STR(parse("2025-02-12T19:13:10.000000001Z", NULL), "2025-02-12T19:13:10.000000001Z");
	CHECK_STR(parse("2025-02-12T19:13:10.100Z", NULL), "2025-02-12T19:13:10.1Z");
	CHECK_STR(parse("2025-02-12T19:13:10.000Z", NULL), "2025-02-12T19:13:10Z");
	/* digits past nine are dropped where the layout has no fraction... */
	CHECK_STR(parse("2025-02-12T19:13:10.1234567891Z", NULL), "2025-02-12T19:13:10.123456789Z");
	/* ...but Time.String()'s own .999999999 takes nine, then fails */
	CHECK_STR(parse("2025-02-12 19:13:10.1234567891 +0800 CST", NULL), "");
	CHECK_STR(parse("2025-02-12 19:13:10.5 +0800 CST", NULL), "2025-02-12T19:13:10.5+08:00");
	CHECK_STR(parse("2025-02-12 19:13:10.5 +0800", NULL), "2025-02-12T19:13:10.5+08:00");
	CHECK_STR(parse("2025-02-12 19:13:10.", NULL), "");
	/* Go overwrites a missing seconds field's error with the fraction's */
	CHECK_STR(parse("2025-02-12 19:13:.5", NULL), "2025-02-12T19:13:00.5Z");
	CHECK_STR(parse("2025-02-12", NULL), "2025-02-12T00:00:00Z");
	CHECK_STR(parse("Feb 12 19:13:10.123456", NULL), "0000-02-12T19:13:10.123456Z");
	/* StampMilli reads its three digits with atoi: a sign passes */
	CHECK_STR(parse("Feb 12 19:13:10.+12", NULL), "0000-02-12T19:13:10.012Z");
}

TEST(zone_names)
{
	/* RFC 1123 and friends: the name is dropped, the clock kept, and the
	 * value placed in the site zone... */
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 GMT", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 GMT", "Asia/Shanghai"), "2025-02-12T19:13:10+08:00");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 CST", "Asia/Shanghai"), "2025-02-12T19:13:10+08:00");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 UTC", "America/New_York"), "2025-02-12T19:13:10-05:00");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 ChST", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 WITA", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 AEST", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 +03", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Mon Feb 12 19:13:10 UTC 2025", NULL), "2025-02-12T19:13:10Z");
	/* ...except GMT+N, which moves the clock by N hours first */
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 GMT+3", NULL), "2025-02-12T22:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 GMT-11", "Asia/Shanghai"), "2025-02-12T08:13:10+08:00");
	CHECK_STR(parse("Wed, 12 Feb 2025 23:13:10 GMT+3", NULL), "2025-02-13T02:13:10Z");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 GMT+24", NULL), "");
	/* not zone names */
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 gmt", NULL), "");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 ABCDE", NULL), "");
	CHECK_STR(parse("Wed, 12 Feb 2025 19:13:10 XY", NULL), "");
	CHECK_STR(parse("2025-02-12 19:13:10 UTC", NULL), "");
	CHECK_STR(parse("Wed, 2 Feb 2025 19:13:10 GMT", NULL), "");
	/* the weekday is checked for form only */
	CHECK_STR(parse("Sun, 12 Feb 2025 19:13:10 GMT", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse("Xyz, 12 Feb 2025 19:13:10 GMT", NULL), "");
}

TEST(kitchen_and_stamp_are_year_zero)
{
	md_time t;
	CHECK_STR(parse("7:13PM", NULL), "0000-01-01T19:13:00Z");
	/* never placed in the site zone */
	CHECK_STR(parse("7:13PM", "Asia/Shanghai"), "0000-01-01T19:13:00Z");
	CHECK_STR(parse("12:13AM", NULL), "0000-01-01T00:13:00Z");
	CHECK_STR(parse("12:13PM", NULL), "0000-01-01T12:13:00Z");
	CHECK_STR(parse("0:13PM", NULL), "0000-01-01T12:13:00Z");
	CHECK_STR(parse("13:13PM", NULL), "");
	CHECK_STR(parse("7:13pm", NULL), "");
	CHECK_STR(parse("07:13PM", NULL), "0000-01-01T19:13:00Z");  /* "3" takes 1-2 digits */
	CHECK_STR(parse("Feb 12 19:13:10", "America/New_York"), "0000-02-12T19:13:10Z");
	CHECK_STR(parse("Feb  2 19:13:10", NULL), "0000-02-02T19:13:10Z");
	CHECK_STR(parse("Feb 29 19:13:10", NULL), "0000-02-29T19:13:10Z");
	CHECK_INT(md_date_parse("7:13PM", 6, NULL, &t), 1);
	CHECK(!md_time_is_zero(&t));
	CHECK_INT(t.has_zone, 0);
}

TEST(unknown_zones)
{
	md_time t;
	CHECK_INT(md_date_parse("2025-02-12", 10, "Mars/Olympus", &t), -1);
	CHECK(md_time_is_zero(&t));
	/* checked whatever the value: Hugo fails the build on the zone */
	CHECK_INT(md_date_parse("2025-02-12T00:00:00Z", 20, "Mars/Olympus", &t), -1);
	CHECK_INT(md_date_parse("nonsense", 8, "Mars/Olympus", &t), -1);
	CHECK_INT(md_date_parse_toml("2025-02-12", 10, "Mars/Olympus", &t), -1);
	CHECK_INT(md_date_parse("2025-02-12", 10, "asia/shanghai", &t), -1);  /* case matters */
	CHECK(!md_zone_valid("Mars/Olympus"));
	CHECK(!md_zone_valid("Asia"));          /* a directory */
	CHECK(!md_zone_valid("zone.tab"));      /* not a TZif file */
	CHECK(!md_zone_valid("Asia/Shanghai/"));
	CHECK(md_zone_valid(NULL));
	CHECK(md_zone_valid(""));
	CHECK(md_zone_valid("UTC"));
	CHECK(md_zone_valid("Local"));
	CHECK(md_zone_valid("Asia/Shanghai"));
	CHECK(md_zone_valid("Etc/GMT+5"));
	CHECK(md_zone_valid("Asia/./Shanghai"));  /* Go accepts it too */
	/* an unknown zone leaves integers in UTC */
	CHECK_STR(from_unix(0, "Mars/Olympus"), "1970-01-01T00:00:00Z");
}

TEST(zone_paths_rejected)
{
	md_time t;
	CHECK_INT(md_date_parse("2025-02-12", 10, "../etc/passwd", &t), -1);
	CHECK(!md_zone_valid("../etc/passwd"));
	CHECK(!md_zone_valid("../../../../etc/localtime"));
	CHECK(!md_zone_valid("Asia/../Asia/Shanghai"));
	CHECK(!md_zone_valid("/etc/localtime"));
	CHECK(!md_zone_valid("/usr/share/zoneinfo/UTC"));
	CHECK(!md_zone_valid("\\UTC"));
	CHECK(!md_zone_valid(".."));
}

TEST(zone_rules)
{
	/* New York, winter and summer, from the transitions and (2100) from
	 * the footer rule "EST5EDT,M3.2.0,M11.1.0" */
	CHECK_STR(parse("2025-02-12 19:13:10", "America/New_York"), "2025-02-12T19:13:10-05:00");
	CHECK_STR(parse("2025-07-12 19:13:10", "America/New_York"), "2025-07-12T19:13:10-04:00");
	CHECK_STR(parse("2100-07-01 12:00:00", "America/New_York"), "2100-07-01T12:00:00-04:00");
	CHECK_STR(parse("2100-12-01 12:00:00", "America/New_York"), "2100-12-01T12:00:00-05:00");
	/* gap and overlap: what Go's Date picks (measured with Hugo) */
	md_time t;
	CHECK_INT(md_date_parse("2025-03-09 02:30:00", 19, "America/New_York", &t), 1);
	CHECK_INT(t.unix, 1741501800);
	CHECK_STR(parse("2025-03-09 02:30:00", "America/New_York"), "2025-03-09T01:30:00-05:00");
	CHECK_INT(md_date_parse("2025-11-02 01:30:00", 19, "America/New_York", &t), 1);
	CHECK_INT(t.unix, 1762061400);
	CHECK_STR(parse("2025-11-02 01:30:00", "America/New_York"), "2025-11-02T01:30:00-04:00");
	/* southern hemisphere, past the transitions */
	CHECK_STR(parse("2038-01-01 12:00:00", "Australia/Sydney"), "2038-01-01T12:00:00+11:00");
	CHECK_STR(parse("2040-04-06 02:30:00", "Australia/Sydney"), "2040-04-06T02:30:00+10:00");
	CHECK_STR(parse("2038-07-01 12:00:00", "Europe/London"), "2038-07-01T12:00:00+01:00");
	/* Dublin's "negative" DST: GMT in winter */
	CHECK_STR(parse("2025-02-12", "Europe/Dublin"), "2025-02-12T00:00:00Z");
	CHECK_STR(parse("2025-07-12 12:00:00", "Europe/Dublin"), "2025-07-12T12:00:00+01:00");
	/* local mean time before the first transition; offsets in seconds are
	 * written cut to minutes */
	CHECK_STR(parse("1900-01-01 12:00:00", "Asia/Kolkata"), "1900-01-01T12:00:00+05:21");
	CHECK_STR(parse("0001-01-01", "Asia/Shanghai"), "0001-01-01T00:00:00+08:05");
	CHECK_INT(md_date_parse("0001-01-01", 10, "Asia/Shanghai", &t), 1);
	CHECK(!md_time_is_zero(&t));
	CHECK_INT(t.offset, 29143);
	CHECK_INT(md_date_parse("0001-01-01", 10, NULL, &t), 1);
	CHECK(md_time_is_zero(&t));
	/* fixed zones, no transitions */
	CHECK_STR(parse("2025-02-12", "Etc/GMT+5"), "2025-02-12T00:00:00-05:00");
	CHECK_STR(parse("2025-02-12", "Asia/Kolkata"), "2025-02-12T00:00:00+05:30");
}

TEST(local_zone_follows_tz)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "America/New_York", 1);
	CHECK_STR(parse("2025-02-12", "Local"), "2025-02-12T00:00:00-05:00");
	setenv("TZ", ":Asia/Shanghai", 1);
	CHECK_STR(parse("2025-02-12", "Local"), "2025-02-12T00:00:00+08:00");
	setenv("TZ", "", 1);
	CHECK_STR(parse("2025-02-12", "Local"), "2025-02-12T00:00:00Z");
	setenv("TZ", "No/Such_Zone", 1);  /* Go falls back to UTC */
	CHECK_STR(parse("2025-02-12", "Local"), "2025-02-12T00:00:00Z");
	CHECK_INT(rc_, 1);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	free(saved);
}

TEST(toml_tokens)
{
	CHECK_STR(parse_toml("2025-02-12T19:13:10Z", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse_toml("2025-02-12t19:13:10z", NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(parse_toml("2025-02-12 19:13:10-05:00", "Asia/Shanghai"), "2025-02-12T19:13:10-05:00");
	CHECK_STR(parse_toml("2025-02-12T19:13:10+00:00", NULL), "2025-02-12T19:13:10Z");
	/* offset date-times go through RFC 3339 text: the fraction is lost */
	CHECK_STR(parse_toml("2025-02-12T19:13:10.123Z", NULL), "2025-02-12T19:13:10Z");
	/* local ones keep it, cut to nine digits */
	CHECK_STR(parse_toml("2025-02-12T19:13:10.123", NULL), "2025-02-12T19:13:10.123Z");
	CHECK_STR(parse_toml("2025-02-12T19:13:10.1234567891", NULL), "2025-02-12T19:13:10.123456789Z");
	CHECK_STR(parse_toml("2025-02-12 19:13:10", "America/New_York"), "2025-02-12T19:13:10-05:00");
	CHECK_STR(parse_toml("2025-02-12", "Asia/Shanghai"), "2025-02-12T00:00:00+08:00");
	/* second 60 carries into the next minute */
	CHECK_STR(parse_toml("2025-02-12T23:59:60Z", NULL), "2025-02-13T00:00:00Z");
	CHECK_STR(parse_toml("2025-02-12T23:59:60", NULL), "2025-02-13T00:00:00Z");
	CHECK_STR(parse_toml("9999-12-31T23:59:60", NULL), "10000-01-01T00:00:00Z");
	/* ...and a year 10000 cannot be written back as RFC 3339: dropped */
	CHECK_STR(parse_toml("9999-12-31T23:59:60Z", NULL), "");
	CHECK_INT(rc_, 0);
	CHECK(md_date_toml_error("9999-12-31T23:59:60Z", 20) == NULL);
	/* a local time is valid TOML that Hugo drops */
	CHECK_STR(parse_toml("19:13:10", NULL), "");
	CHECK_INT(rc_, 0);
	CHECK(md_date_toml_error("19:13:10", 8) == NULL);
	CHECK(md_date_toml_error("19:13:10.5", 10) == NULL);

	CHECK_STR(md_date_toml_error("2025-02-30", 10), "impossible date");
	CHECK_STR(md_date_toml_error("2025-2-12", 9), "dates are expected to have the format YYYY-MM-DD");
	CHECK_STR(md_date_toml_error("2025-02-12T24:00:00", 19), "hour cannot be greater 23");
	CHECK_STR(md_date_toml_error("2025-02-12T19:60:00", 19), "minutes cannot be greater 59");
	CHECK_STR(md_date_toml_error("2025-02-12T19:13:61", 19), "seconds cannot be greater 60");
	CHECK_STR(md_date_toml_error("2025-02-12T19:13", 16),
	          "times are expected to have the format HH:MM:SS[.NNNNNN]");
	CHECK_STR(md_date_toml_error("2025-02-12T19:13:10+08", 22), "invalid date-time timezone");
	CHECK_STR(md_date_toml_error("2025-02-12T19:13:10+24:00", 25), "invalid timezone offset hours");
	CHECK_STR(md_date_toml_error("2025-02-12T19:13:10.Z", 21),
	          "need at least one digit after fraction point");
	CHECK_STR(md_date_toml_error("19:13:10.", 9), "nanoseconds need at least one digit");
	CHECK(md_date_toml_error("2025-02-12x", 11) != NULL);
	CHECK(md_date_toml_error("20250212", 8) != NULL);  /* an integer */
	CHECK_STR(parse_toml("2025-02-30", NULL), "");
}

TEST(unix_seconds)
{
	CHECK_STR(from_unix(20250212, NULL), "1970-08-23T09:03:32Z");
	CHECK_STR(from_unix(1739387590, NULL), "2025-02-12T19:13:10Z");
	CHECK_STR(from_unix(1739387590, "Asia/Shanghai"), "2025-02-13T03:13:10+08:00");
	CHECK_STR(from_unix(-1, NULL), "1969-12-31T23:59:59Z");
	CHECK_STR(from_unix(99999999999, NULL), "5138-11-16T09:46:39Z");
	/* Go's wrapping arithmetic, as Hugo prints them */
	CHECK_STR(from_unix(INT64_MAX, NULL), "292277026596-12-04T15:30:07Z");
	CHECK_STR(from_unix(INT64_MIN, NULL), "292277026596-12-04T15:30:08Z");
	md_time t;
	md_date_from_unix(-62135596800, NULL, &t);
	CHECK(md_time_is_zero(&t));
	CHECK_STR(from_unix(-62135596800, NULL), "0001-01-01T00:00:00Z");
	CHECK_STR(from_unix(-62167219201, NULL), "-0001-12-31T23:59:59Z");
}

TEST(formatting)
{
	CHECK_STR(fmt(0, 0, 0), "1970-01-01T00:00:00Z");
	CHECK_STR(fmt(0, 500000000, 0), "1970-01-01T00:00:00.5Z");
	CHECK_STR(fmt(0, 1, 0), "1970-01-01T00:00:00.000000001Z");
	CHECK_STR(fmt(0, 123456780, 3600), "1970-01-01T01:00:00.12345678+01:00");
	CHECK_STR(fmt(1739387590, 0, 8 * 3600), "2025-02-13T03:13:10+08:00");
	CHECK_STR(fmt(1739387590, 0, -(8 * 3600 + 1800)), "2025-02-12T10:43:10-08:30");
	CHECK_STR(fmt(0, 0, 29143), "1970-01-01T08:05:43+08:05");
	CHECK_STR(fmt(0, 0, -30), "1969-12-31T23:59:30+00:00");  /* Go's sign rule */
	CHECK_STR(fmt(253402300799, 999999999, 0), "9999-12-31T23:59:59.999999999Z");
	CHECK_STR(fmt(253402300800, 0, 0), "10000-01-01T00:00:00Z");
	CHECK_STR(fmt(-62167219200, 0, 0), "0000-01-01T00:00:00Z");
	char out[48];
	md_time t = {INT64_MIN, 999999999, INT32_MIN, 1};
	md_date_format_rfc3339(&t, out);  /* absurd, but bounded */
	CHECK(strlen(out) < 48);
}

TEST(accepted_forms)
{
	const char *f = md_date_accepted_forms();
	CHECK(f && strstr(f, "2006-01-02T15:04:05") && strstr(f, "RFC 3339"));
}

TEST(many_calls_in_a_zone)
{
	/* zone files are read on each call: keep that cheap and leak-free */
	md_time t;
	int ok = 0;
	for (int i = 0; i < 2000; i++)
		ok += md_date_parse("2025-07-12 19:13:10", 19, "America/New_York", &t) == 1;
	CHECK_INT(ok, 2000);
	CHECK_INT(t.offset, -4 * 3600);
}
