/*
 * Dates the way Hugo 0.111 reads date, publishDate, lastmod and expiryDate.
 *
 * Hugo hands a string to spf13/cast 1.5.0, which tries a fixed list of Go
 * layouts with time.Parse (Hugo 0.111.3 is built with Go 1.19); TOML dates
 * come from go-toml v2.0.6; integers are Unix seconds. Rather than
 * approximate that with patterns, this file ports the pieces of Go's time
 * package involved -- layout chunks, Parse, Date, the zone lookup with its
 * POSIX TZ footer -- so that odd inputs ("7:13:10", "GMT+3", runs of spaces,
 * ",5" fractions, offsets like "+25:00") come out as Hugo has them. The
 * comments name the Go functions being followed.
 *
 * Everything is per call: a zone file is read each time it is needed (they
 * are a few KB), so there is no cache to lock and no global state.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dates.h"

/* ---- calendar: Go's time arithmetic ---------------------------------- */

/* Go counts seconds from an "absolute" epoch far in the past and does its
 * sums in uint64, wrapping. Doing the same gives Go's answers even for the
 * absurd Unix seconds a YAML integer can hold (9223372036854775807 prints
 * as year 292277026596 in Hugo). */
#define SECS_PER_DAY 86400
#define ABS_ZERO_YEAR INT64_C(-292277022399)
#define ABS_TO_UNIX INT64_C(-9223372028715321600) /* absoluteToInternal + internalToUnix */
#define UNIX_TO_ABS INT64_C(9223372028715321600)
#define UNIX_ZERO_TIME INT64_C(-62135596800)      /* 0001-01-01T00:00:00Z */
#define DAYS_400Y (365 * 400 + 97)
#define DAYS_100Y (365 * 100 + 24)
#define DAYS_4Y (365 * 4 + 1)
#define ALPHA INT64_MIN
#define OMEGA INT64_MAX

static const int days_before[13] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365,
};

/* Go's int64 arithmetic wraps; C's signed overflow is undefined. */
static int64_t wadd(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wsub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }

static int is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static int days_in(int month, int64_t year)
{
	if (month == 2 && is_leap(year))
		return 29;
	return days_before[month] - days_before[month - 1];
}

/* Go's absDate: year, day of year and (when month != NULL) month/day. */
static void abs_date(uint64_t abs, int64_t *year, int *yday, int *month, int *day)
{
	uint64_t d = abs / SECS_PER_DAY;
	uint64_t n = d / DAYS_400Y;
	uint64_t y = 400 * n;
	d -= DAYS_400Y * n;
	n = d / DAYS_100Y;
	n -= n >> 2;  /* the last day of a 400-year cycle */
	y += 100 * n;
	d -= DAYS_100Y * n;
	n = d / DAYS_4Y;
	y += 4 * n;
	d -= DAYS_4Y * n;
	n = d / 365;
	n -= n >> 2;  /* the last day of a leap year */
	y += n;
	d -= 365 * n;
	*year = wadd((int64_t)y, ABS_ZERO_YEAR);
	*yday = (int)d;
	if (!month)
		return;
	int dd = (int)d;
	if (is_leap(*year)) {
		if (dd == 31 + 29 - 1) {
			*month = 2;
			*day = 29;
			return;
		}
		if (dd > 31 + 29 - 1)
			dd--;
	}
	int m = dd / 31;  /* may be one month low */
	int end = days_before[m + 1], begin;
	if (dd >= end) {
		m++;
		begin = end;
	} else {
		begin = days_before[m];
	}
	*month = m + 1;
	*day = dd - begin + 1;
}

/* Go's daysSinceEpoch (days from the absolute epoch to Jan 1 of year). */
static uint64_t days_since_epoch(int64_t year)
{
	uint64_t y = (uint64_t)year - (uint64_t)ABS_ZERO_YEAR;
	uint64_t n = y / 400;
	y -= 400 * n;
	uint64_t d = DAYS_400Y * n;
	n = y / 100;
	y -= 100 * n;
	d += DAYS_100Y * n;
	n = y / 4;
	y -= 4 * n;
	d += DAYS_4Y * n;
	return d + 365 * y;
}

/* A wall clock read as if it were UTC (Go's Date before its zone step).
 * Fields are in range, except that sec may be 60 (TOML allows it): Go
 * normalises that into the next minute, which plain addition does too. */
static int64_t wall_unix(int64_t year, int month, int day, int hour, int min, int sec)
{
	uint64_t d = days_since_epoch(year) + (uint64_t)days_before[month - 1];
	if (is_leap(year) && month >= 3)
		d++;
	d += (uint64_t)(day - 1);
	uint64_t abs = d * SECS_PER_DAY + (uint64_t)(hour * 3600 + min * 60 + sec);
	return (int64_t)(abs + (uint64_t)ABS_TO_UNIX);
}

/* ---- zones: TZif files and Go's lookup ------------------------------- */

#define ZONEINFO_DIR "/usr/share/zoneinfo/"
#define MAX_ZONE_FILE (10 << 20)  /* Go's limit for a zone file */

typedef struct zone {
	unsigned char *file;           /* owned; NULL for UTC */
	const unsigned char *tx_when;  /* n_tx times of tx_size bytes, big-endian */
	const unsigned char *tx_type;  /* n_tx indexes into types */
	const unsigned char *types;    /* n_types * (int32 offset, isdst, abbrev) */
	size_t n_tx, n_types, tx_size;
	const char *extend;            /* POSIX TZ footer, for after the last transition */
	size_t extend_len;
} zone;

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* A file without transitions gets one at the beginning of time, as Go adds
 * it (Etc/GMT+5, UTC): index 0, so that zone counts as used. */
static size_t tx_count(const zone *z) { return z->n_tx ? z->n_tx : 1; }

static int64_t tx_when(const zone *z, size_t i)
{
	if (!z->n_tx)
		return ALPHA;
	const unsigned char *p = z->tx_when + i * z->tx_size;
	return z->tx_size == 4 ? (int64_t)(int32_t)be32(p) : (int64_t)be64(p);
}

static size_t tx_type(const zone *z, size_t i) { return z->n_tx ? z->tx_type[i] : 0; }

static int32_t type_offset(const zone *z, size_t i) { return (int32_t)be32(z->types + 6 * i); }

static int type_dst(const zone *z, size_t i) { return z->types[6 * i + 4] != 0; }

typedef struct reader {
	const unsigned char *p;
	size_t n;
	int bad;  /* sticky: ran out of data */
} reader;

static const unsigned char *rd(reader *r, size_t n)
{
	if (r->bad || r->n < n) {
		r->bad = 1;
		return NULL;
	}
	const unsigned char *p = r->p;
	r->p += n;
	r->n -= n;
	return p;
}

/* Go's LoadLocationFromTZData: what it rejects, we reject. */
static int tzif_parse(zone *z, const unsigned char *data, size_t len)
{
	reader r = {data, len, 0};
	const unsigned char *p = rd(&r, 4);
	if (!p || memcmp(p, "TZif", 4) != 0)
		return -1;
	if (!(p = rd(&r, 16)))
		return -1;
	int version = p[0] == 0 ? 1 : p[0] == '2' ? 2 : p[0] == '3' ? 3 : 0;
	if (!version)
		return -1;
	enum { UTCLOCAL, STDWALL, LEAP, TIME, ZONE, CHAR };
	size_t cnt[6];
	for (int i = 0; i < 6; i++) {
		if (!(p = rd(&r, 4)))
			return -1;
		cnt[i] = be32(p);
	}
	size_t size = 4;
	if (version > 1) {
		/* The 32-bit data comes first; the 64-bit copy after it covers
		 * a broader range, so skip to it (and its header). */
		rd(&r, cnt[TIME] * 4 + cnt[TIME] + cnt[ZONE] * 6 + cnt[CHAR] +
		       cnt[LEAP] * 8 + cnt[STDWALL] + cnt[UTCLOCAL] + 4 + 16);
		for (int i = 0; i < 6; i++) {
			if (!(p = rd(&r, 4)))
				return -1;
			cnt[i] = be32(p);
		}
		size = 8;
	}
	z->tx_when = rd(&r, cnt[TIME] * size);
	z->tx_type = rd(&r, cnt[TIME]);
	z->types = rd(&r, cnt[ZONE] * 6);
	rd(&r, cnt[CHAR]);
	rd(&r, cnt[LEAP] * (size + 4));
	rd(&r, cnt[STDWALL]);
	rd(&r, cnt[UTCLOCAL]);
	if (r.bad || cnt[ZONE] == 0)
		return -1;
	z->n_tx = cnt[TIME];
	z->n_types = cnt[ZONE];
	z->tx_size = size;
	for (size_t i = 0; i < z->n_types; i++)
		if (z->types[6 * i + 5] >= cnt[CHAR])
			return -1;
	for (size_t i = 0; i < z->n_tx; i++)
		if (z->tx_type[i] >= z->n_types)
			return -1;
	if (r.n > 2 && r.p[0] == '\n' && r.p[r.n - 1] == '\n') {
		z->extend = (const char *)r.p + 1;
		z->extend_len = r.n - 2;
	}
	return 0;
}

static int zone_load_path(zone *z, const char *path)
{
	memset(z, 0, sizeof(*z));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	/* Regular files only: a directory is an error in Go too, and a FIFO
	 * must not block us. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_ZONE_FILE) {
		close(fd);
		return -1;
	}
	size_t cap = (size_t)st.st_size, len = 0;
	unsigned char *buf = malloc(cap ? cap : 1);
	if (!buf) {
		close(fd);
		return -1;
	}
	while (len < cap) {
		ssize_t k = read(fd, buf + len, cap - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	if (tzif_parse(z, buf, len) != 0) {
		free(buf);
		memset(z, 0, sizeof(*z));
		return -1;
	}
	z->file = buf;
	return 0;
}

static int zone_load_dir(zone *z, const char *name)
{
	char path[PATH_MAX];
	int k = snprintf(path, sizeof(path), "%s%s", ZONEINFO_DIR, name);
	if (k < 0 || (size_t)k >= sizeof(path))
		return -1;
	return zone_load_path(z, path);
}

static int contains_dotdot(const char *s)
{
	for (; s[0] && s[1]; s++)
		if (s[0] == '.' && s[1] == '.')
			return 1;
	return 0;
}

/* Go's LoadLocation, from /usr/share/zoneinfo only. 0 or -1 (unknown). */
static int zone_load(zone *z, const char *name)
{
	memset(z, 0, sizeof(*z));
	if (!name || !*name || strcmp(name, "UTC") == 0)
		return 0;
	if (strcmp(name, "Local") == 0) {
		/* Go's initLocal: $TZ unset means /etc/localtime, "" means
		 * UTC, ":NAME" or "NAME" a zone, "/path" a file; anything
		 * that fails to load is UTC. */
		const char *tz = getenv("TZ");
		if (!tz) {
			zone_load_path(z, "/etc/localtime");
		} else if (*tz) {
			if (*tz == ':')
				tz++;
			if (*tz == '/')
				zone_load_path(z, tz);
			else if (*tz && strcmp(tz, "UTC") != 0)
				zone_load_dir(z, tz);
		}
		return 0;
	}
	/* No IANA name contains "..", or starts with a slash: that keeps
	 * the name inside the zoneinfo directory. */
	if (contains_dotdot(name) || name[0] == '/' || name[0] == '\\')
		return -1;
	return zone_load_dir(z, name);
}

static void zone_free(zone *z)
{
	free(z->file);
	memset(z, 0, sizeof(*z));
}

/* Go's tzset: the POSIX TZ footer ("CST-8", "EST5EDT,M3.2.0,M11.1.0",
 * "<+0330>-3:30") for times after the last transition. */
typedef struct cur {
	const char *p;
	size_t n;
} cur;

static int tz_name(cur *s)
{
	if (!s->n)
		return 0;
	if (s->p[0] != '<') {
		for (size_t i = 0; i < s->n; i++) {
			char c = s->p[i];
			if ((c >= '0' && c <= '9') || c == ',' || c == '-' || c == '+') {
				if (i < 3)
					return 0;
				s->p += i;
				s->n -= i;
				return 1;
			}
		}
		if (s->n < 3)
			return 0;
		s->p += s->n;
		s->n = 0;
		return 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->p[i] == '>') {
			s->p += i + 1;
			s->n -= i + 1;
			return 1;
		}
	}
	return 0;
}

static int tz_num(cur *s, int min, int max, int *num)
{
	if (!s->n)
		return 0;
	int v = 0;
	size_t i = 0;
	for (; i < s->n; i++) {
		char c = s->p[i];
		if (c < '0' || c > '9') {
			if (i == 0 || v < min)
				return 0;
			break;
		}
		v = v * 10 + (c - '0');
		if (v > max)
			return 0;
	}
	if (v < min)
		return 0;
	s->p += i;
	s->n -= i;
	*num = v;
	return 1;
}

static int tz_offset(cur *s, int *off)
{
	if (!s->n)
		return 0;
	int neg = 0, v;
	if (s->p[0] == '+' || s->p[0] == '-') {
		neg = s->p[0] == '-';
		s->p++;
		s->n--;
	}
	if (!tz_num(s, 0, 24 * 7, &v))  /* tzcode allows a week */
		return 0;
	int o = v * 3600;
	if (s->n && s->p[0] == ':') {
		s->p++;
		s->n--;
		if (!tz_num(s, 0, 59, &v))
			return 0;
		o += v * 60;
		if (s->n && s->p[0] == ':') {
			s->p++;
			s->n--;
			if (!tz_num(s, 0, 59, &v))
				return 0;
			o += v;
		}
	}
	*off = neg ? -o : o;
	return 1;
}

enum { RULE_JULIAN, RULE_DOY, RULE_MWD };
typedef struct tz_rule {
	int kind, day, week, mon, time;
} tz_rule;

static int tz_rule_parse(cur *s, tz_rule *r)
{
	memset(r, 0, sizeof(*r));
	if (!s->n)
		return 0;
	if (s->p[0] == 'J') {
		s->p++;
		s->n--;
		r->kind = RULE_JULIAN;
		if (!tz_num(s, 1, 365, &r->day))
			return 0;
	} else if (s->p[0] == 'M') {
		s->p++;
		s->n--;
		r->kind = RULE_MWD;
		if (!tz_num(s, 1, 12, &r->mon) || !s->n || s->p[0] != '.')
			return 0;
		s->p++;
		s->n--;
		if (!tz_num(s, 1, 5, &r->week) || !s->n || s->p[0] != '.')
			return 0;
		s->p++;
		s->n--;
		if (!tz_num(s, 0, 6, &r->day))
			return 0;
	} else {
		r->kind = RULE_DOY;
		if (!tz_num(s, 0, 365, &r->day))
			return 0;
	}
	if (!s->n || s->p[0] != '/') {
		r->time = 2 * 3600;  /* 2am is the default */
		return 1;
	}
	s->p++;
	s->n--;
	return tz_offset(s, &r->time);
}

/* Go's tzruleTime: seconds from the start of the year (UTC) to the rule. */
static int64_t tz_rule_time(int64_t year, const tz_rule *r, int off)
{
	int64_t s = 0;
	switch (r->kind) {
	case RULE_JULIAN:
		s = (int64_t)(r->day - 1) * SECS_PER_DAY;
		if (is_leap(year) && r->day >= 60)
			s += SECS_PER_DAY;
		break;
	case RULE_DOY:
		s = (int64_t)r->day * SECS_PER_DAY;
		break;
	case RULE_MWD: {
		/* Zeller's congruence: weekday of the month's first day. */
		int64_t m1 = (r->mon + 9) % 12 + 1;
		int64_t yy0 = r->mon <= 2 ? year - 1 : year;
		int64_t yy1 = yy0 / 100, yy2 = yy0 % 100;
		int64_t dow = ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 - 2 * yy1) % 7;
		if (dow < 0)
			dow += 7;
		int64_t d = r->day - dow;
		if (d < 0)
			d += 7;
		for (int i = 1; i < r->week; i++) {
			if (d + 7 >= days_in(r->mon, year))
				break;
			d += 7;
		}
		d += days_before[r->mon - 1];
		if (is_leap(year) && r->mon > 2)
			d++;
		s = d * SECS_PER_DAY;
		break;
	}
	}
	return s + r->time - off;
}

static int tzset(const char *str, size_t len, int64_t last_tx, int64_t sec,
                 int32_t *offset, int64_t *start, int64_t *end)
{
	cur s = {str, len};
	int std_off, dst_off;
	if (!tz_name(&s) || !tz_offset(&s, &std_off))
		return 0;
	/* POSIX offsets are west of UTC; ours are east. */
	std_off = -std_off;
	if (!s.n || s.p[0] == ',') {
		*offset = std_off;
		*start = last_tx;
		*end = OMEGA;
		return 1;
	}
	if (!tz_name(&s))
		return 0;
	if (!s.n || s.p[0] == ',') {
		dst_off = std_off + 3600;
	} else {
		if (!tz_offset(&s, &dst_off))
			return 0;
		dst_off = -dst_off;
	}
	static const char default_rules[] = ",M3.2.0,M11.1.0";  /* tzcode's */
	if (!s.n) {
		s.p = default_rules;
		s.n = sizeof(default_rules) - 1;
	}
	if (s.p[0] != ',' && s.p[0] != ';')
		return 0;
	s.p++;
	s.n--;
	tz_rule rs, re;
	if (!tz_rule_parse(&s, &rs) || !s.n || s.p[0] != ',')
		return 0;
	s.p++;
	s.n--;
	if (!tz_rule_parse(&s, &re) || s.n)
		return 0;

	int64_t year;
	int yday;
	abs_date((uint64_t)wadd(sec, UNIX_TO_ABS), &year, &yday, NULL, NULL);
	int64_t ysec = (int64_t)yday * SECS_PER_DAY + sec % SECS_PER_DAY;
	int64_t abs = wadd((int64_t)(days_since_epoch(year) * SECS_PER_DAY), ABS_TO_UNIX);
	int64_t ss = tz_rule_time(year, &rs, std_off);
	int64_t es = tz_rule_time(year, &re, dst_off);
	if (es < ss) {  /* southern hemisphere: the labels swap */
		int64_t t = ss;
		ss = es;
		es = t;
		int o = std_off;
		std_off = dst_off;
		dst_off = o;
	}
	/* Exact near a transition, else the start/end of the year: enough
	 * for Date, the only caller that cares. */
	if (ysec < ss) {
		*offset = std_off;
		*start = abs;
		*end = wadd(ss, abs);
	} else if (ysec >= es) {
		*offset = std_off;
		*start = wadd(es, abs);
		*end = wadd(abs, 365 * SECS_PER_DAY);
	} else {
		*offset = dst_off;
		*start = wadd(ss, abs);
		*end = wadd(es, abs);
	}
	return 1;
}

/* Go's lookupFirstZone: the zone before the first transition. */
static size_t first_zone(const zone *z)
{
	int used = 0;
	for (size_t i = 0; i < tx_count(z) && !used; i++)
		used = tx_type(z, i) == 0;
	if (!used)
		return 0;
	if (type_dst(z, tx_type(z, 0)))
		for (size_t zi = tx_type(z, 0); zi-- > 0;)
			if (!type_dst(z, zi))
				return zi;
	for (size_t zi = 0; zi < z->n_types; zi++)
		if (!type_dst(z, zi))
			return zi;
	return 0;
}

/* Go's Location.lookup: the offset at Unix time sec, and the span
 * [start, end) it holds for. */
static int32_t zone_lookup(const zone *z, int64_t sec, int64_t *startp, int64_t *endp)
{
	int64_t start = ALPHA, end = OMEGA;
	int32_t off = 0;
	if (!z->file)
		goto done;
	if (sec < tx_when(z, 0)) {
		off = type_offset(z, first_zone(z));
		end = tx_when(z, 0);
		goto done;
	}
	size_t lo = 0, hi = tx_count(z);
	while (hi - lo > 1) {
		size_t m = lo + (hi - lo) / 2;
		int64_t lim = tx_when(z, m);
		if (sec < lim) {
			end = lim;
			hi = m;
		} else {
			lo = m;
		}
	}
	off = type_offset(z, tx_type(z, lo));
	start = tx_when(z, lo);
	if (lo == tx_count(z) - 1 && z->extend_len) {
		int32_t eoff;
		int64_t es, ee;
		if (tzset(z->extend, z->extend_len, start, sec, &eoff, &es, &ee)) {
			off = eoff;
			start = es;
			end = ee;
		}
	}
done:
	if (startp)
		*startp = start;
	if (endp)
		*endp = end;
	return off;
}

/* Go's Date for a wall clock in zone z: look the offset up at the wall
 * clock read as UTC, and if that offset puts the instant outside the span
 * it holds for, look again at the corrected instant. In a gap or an
 * overlap this picks what Go picks (2025-03-09 02:30 New York is 01:30
 * EST; 2025-11-02 01:30 is EDT). */
static void zone_place(const zone *z, int64_t wall, int32_t nsec, md_time *out)
{
	int64_t start, end, unix = wall;
	int32_t off = zone_lookup(z, wall, &start, &end);
	if (off != 0) {
		int64_t utc = wsub(wall, off);
		if (utc < start || utc >= end)
			off = zone_lookup(z, utc, NULL, NULL);
		unix = wsub(wall, off);
	}
	out->unix = unix;
	out->nsec = nsec;
	out->offset = zone_lookup(z, unix, NULL, NULL);
	out->has_zone = 0;
}

/* ---- Go's time.Parse, for the layouts below --------------------------- */

enum std {
	STD_NONE,
	STD_LONG_MONTH, STD_MONTH, STD_NUM_MONTH, STD_ZERO_MONTH,
	STD_LONG_WEEKDAY, STD_WEEKDAY,
	STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY,
	STD_HOUR, STD_HOUR12, STD_ZERO_HOUR12,
	STD_MINUTE, STD_ZERO_MINUTE, STD_SECOND, STD_ZERO_SECOND,
	STD_LONG_YEAR, STD_YEAR, STD_PM, STD_TZ,
	STD_ISO_TZ, STD_ISO_COLON_TZ, STD_ISO_SECONDS_TZ, STD_ISO_SHORT_TZ, STD_ISO_COLON_SECONDS_TZ,
	STD_NUM_TZ, STD_NUM_COLON_TZ, STD_NUM_SECONDS_TZ, STD_NUM_SHORT_TZ, STD_NUM_COLON_SECONDS_TZ,
	STD_FRAC0, STD_FRAC9,
};

typedef struct chunk {
	size_t prefix;       /* literal bytes before the element */
	int std;
	int digits;          /* fractions: digits in the layout */
	const char *suffix;  /* the layout after the element */
} chunk;

static int starts_lower(const char *s) { return *s >= 'a' && *s <= 'z'; }

/* Go's nextStdChunk, for the elements cast's layouts use (day of year and
 * lower-case "pm" never occur in them). */
static chunk next_chunk(const char *layout)
{
	static const int std0x[6] = {
		STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR,
	};
	chunk c = {0, STD_NONE, 0, NULL};
	const char *l = layout;
	for (size_t i = 0; l[i]; i++) {
		const char *p = l + i;
		int std = STD_NONE;
		size_t w = 0;
		switch (p[0]) {
		case 'J':
			if (!strncmp(p, "January", 7))
				std = STD_LONG_MONTH, w = 7;
			else if (!strncmp(p, "Jan", 3) && !starts_lower(p + 3))
				std = STD_MONTH, w = 3;
			break;
		case 'M':
			if (!strncmp(p, "Monday", 6))
				std = STD_LONG_WEEKDAY, w = 6;
			else if (!strncmp(p, "Mon", 3) && !starts_lower(p + 3))
				std = STD_WEEKDAY, w = 3;
			else if (!strncmp(p, "MST", 3))
				std = STD_TZ, w = 3;
			break;
		case '0':
			if (p[1] >= '1' && p[1] <= '6')
				std = std0x[p[1] - '1'], w = 2;
			break;
		case '1':
			if (p[1] == '5')
				std = STD_HOUR, w = 2;
			else
				std = STD_NUM_MONTH, w = 1;
			break;
		case '2':
			if (!strncmp(p, "2006", 4))
				std = STD_LONG_YEAR, w = 4;
			else
				std = STD_DAY, w = 1;
			break;
		case '_':
			if (p[1] == '2') {
				if (!strncmp(p + 1, "2006", 4)) {
					/* a literal _ then the year */
					c.prefix = i + 1;
					c.std = STD_LONG_YEAR;
					c.suffix = p + 5;
					return c;
				}
				std = STD_UNDER_DAY, w = 2;
			}
			break;
		case '3':
			std = STD_HOUR12, w = 1;
			break;
		case '4':
			std = STD_MINUTE, w = 1;
			break;
		case '5':
			std = STD_SECOND, w = 1;
			break;
		case 'P':
			if (p[1] == 'M')
				std = STD_PM, w = 2;
			break;
		case '-':
		case 'Z': {
			int iso = p[0] == 'Z';
			if (!strncmp(p + 1, "070000", 6))
				std = iso ? STD_ISO_SECONDS_TZ : STD_NUM_SECONDS_TZ, w = 7;
			else if (!strncmp(p + 1, "07:00:00", 8))
				std = iso ? STD_ISO_COLON_SECONDS_TZ : STD_NUM_COLON_SECONDS_TZ, w = 9;
			else if (!strncmp(p + 1, "0700", 4))
				std = iso ? STD_ISO_TZ : STD_NUM_TZ, w = 5;
			else if (!strncmp(p + 1, "07:00", 5))
				std = iso ? STD_ISO_COLON_TZ : STD_NUM_COLON_TZ, w = 6;
			else if (!strncmp(p + 1, "07", 2))
				std = iso ? STD_ISO_SHORT_TZ : STD_NUM_SHORT_TZ, w = 3;
			break;
		}
		case '.':
		case ',':
			if (p[1] == '0' || p[1] == '9') {
				size_t j = 1;
				while (p[j] == p[1])
					j++;
				/* only a fraction when the digits end there */
				if (!(p[j] >= '0' && p[j] <= '9')) {
					c.digits = (int)(j - 1);
					std = p[1] == '9' ? STD_FRAC9 : STD_FRAC0, w = j;
				}
			}
			break;
		}
		if (std != STD_NONE) {
			c.prefix = i;
			c.std = std;
			c.suffix = p + w;
			return c;
		}
	}
	c.prefix = strlen(layout);
	return c;
}

typedef struct val {
	const char *p;
	size_t n;
} val;

static void adv(val *v, size_t k)
{
	v->p += k;
	v->n -= k;
}

static int dig(const val *v, size_t i) { return i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; }

/* Go's getnum: one or two digits (fixed: exactly two). */
static int getnum(val *v, int fixed, int *num)
{
	*num = 0;
	if (!dig(v, 0))
		return -1;
	if (!dig(v, 1)) {
		if (fixed)
			return -1;
		*num = v->p[0] - '0';
		adv(v, 1);
		return 0;
	}
	*num = (v->p[0] - '0') * 10 + (v->p[1] - '0');
	adv(v, 2);
	return 0;
}

/* Go's atoi: optional sign, then digits only ("" is 0). */
static int go_atoi(const char *s, size_t n, int64_t *x)
{
	int neg = 0;
	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	uint64_t q = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (q > (UINT64_C(1) << 63) / 10)
			return -1;
		q = q * 10 + (uint64_t)(s[i] - '0');
		if (q > UINT64_C(1) << 63)
			return -1;
	}
	*x = (int64_t)(neg ? 0 - q : q);  /* wraps like Go's int */
	return 0;
}

/* Go's match + lookup: ASCII-case-insensitive prefix from a table. */
static int name_lookup(const char *const *tab, int count, val *v, int *idx)
{
	for (int i = 0; i < count; i++) {
		size_t len = strlen(tab[i]);
		if (v->n < len)
			continue;
		size_t k = 0;
		for (; k < len; k++) {
			unsigned char a = (unsigned char)v->p[k], b = (unsigned char)tab[i][k];
			if (a != b) {
				a |= 'a' - 'A';
				b |= 'a' - 'A';
				if (a != b || a < 'a' || a > 'z')
					break;
			}
		}
		if (k == len) {
			*idx = i;
			adv(v, len);
			return 0;
		}
	}
	return -1;
}

static const char *const short_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const long_months[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December",
};
static const char *const short_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const long_days[] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

/* Go's skip: the layout's literal text, a run of spaces matching any run
 * of spaces (also none at the end of the value). */
static int skip(val *v, const char *prefix, size_t n)
{
	while (n) {
		if (*prefix == ' ') {
			if (v->n && v->p[0] != ' ')
				return -1;
			while (n && *prefix == ' ')
				prefix++, n--;
			while (v->n && v->p[0] == ' ')
				adv(v, 1);
			continue;
		}
		if (!v->n || v->p[0] != *prefix)
			return -1;
		prefix++, n--;
		adv(v, 1);
	}
	return 0;
}

/* Go's parseSignedOffset: "+3", "-11" (up to 23); 0 when bad. */
static size_t signed_offset_len(const val *v)
{
	if (!v->n || (v->p[0] != '+' && v->p[0] != '-'))
		return 0;
	uint64_t x = 0;
	size_t i = 1;
	for (; i < v->n && v->p[i] >= '0' && v->p[i] <= '9'; i++) {
		if (x > (UINT64_C(1) << 63) / 10)
			return 0;
		x = x * 10 + (uint64_t)(v->p[i] - '0');
		if (x > UINT64_C(1) << 63)
			return 0;
	}
	if (i == 1 || x > 23)
		return 0;
	return i;
}

/* Go's parseTimeZone: the length of a zone name, 0 when there is none. */
static size_t zone_name_len(const val *v)
{
	if (v->n < 3)
		return 0;
	if (v->n >= 4 && (!memcmp(v->p, "ChST", 4) || !memcmp(v->p, "MeST", 4)))
		return 4;
	if (!memcmp(v->p, "GMT", 3)) {
		val rest = {v->p + 3, v->n - 3};
		return 3 + signed_offset_len(&rest);
	}
	if (v->p[0] == '+' || v->p[0] == '-')
		return signed_offset_len(v);
	size_t up = 0;
	while (up < 6 && up < v->n && v->p[up] >= 'A' && v->p[up] <= 'Z')
		up++;
	switch (up) {
	case 3:
		return 3;
	case 4:
		return v->p[3] == 'T' || !memcmp(v->p, "WITA", 4) ? 4 : 0;
	case 5:
		return v->p[4] == 'T' ? 5 : 0;
	}
	return 0;
}

static int comma_or_period(char c) { return c == '.' || c == ','; }

/* Go's parseNanoseconds over value[0..nbytes): separator then digits (at
 * most 9 count). Returns -1 for a bad number, 1 for a negative one (a
 * range error), 0 when fine. */
static int parse_nanos(const char *s, size_t nbytes, int *ns)
{
	if (!comma_or_period(s[0]))
		return -1;
	if (nbytes > 10)
		nbytes = 10;
	int64_t x;
	if (go_atoi(s + 1, nbytes - 1, &x))
		return -1;
	if (x < 0)
		return 1;
	for (size_t i = nbytes; i < 10; i++)
		x *= 10;
	*ns = (int)x;
	return 0;
}

typedef struct parsed {
	int64_t year;
	int month, day, hour, min, sec, nsec;
	int z_utc;              /* "Z" or "UTC": Go's z = UTC */
	int has_offset;         /* a numeric offset (Go's zoneOffset != -1) */
	int32_t offset;
	const char *zname;      /* a zone name, e.g. "GMT+3" (Go's zoneName) */
	size_t zname_len;
} parsed;

/* Go's parse(layout, value) up to the choice of location. 1 when it
 * matches. */
static int go_parse(const char *layout, const char *s, size_t n, parsed *r)
{
	val v = {s, n};
	int am = 0, pm = 0;
	memset(r, 0, sizeof(*r));
	r->month = -1;
	r->day = -1;
	for (;;) {
		chunk c = next_chunk(layout);
		if (skip(&v, layout, c.prefix))
			return 0;
		if (c.std == STD_NONE) {
			if (v.n)
				return 0;  /* extra text */
			break;
		}
		layout = c.suffix;
		int err = 0, range = 0, x = -1;
		int64_t y;
		switch (c.std) {
		case STD_YEAR:
			/* two characters through atoi: "+5" is 2005, "-5" 1995 */
			if (v.n < 2 || go_atoi(v.p, 2, &y)) {
				err = 1;
				break;
			}
			adv(&v, 2);
			r->year = y >= 69 ? y + 1900 : y + 2000;
			break;
		case STD_LONG_YEAR:
			if (v.n < 4 || !dig(&v, 0) || go_atoi(v.p, 4, &y)) {
				err = 1;
				break;
			}
			adv(&v, 4);
			r->year = y;
			break;
		case STD_MONTH:
			err = name_lookup(short_months, 12, &v, &x);
			r->month = x + 1;
			break;
		case STD_LONG_MONTH:
			err = name_lookup(long_months, 12, &v, &x);
			r->month = x + 1;
			break;
		case STD_NUM_MONTH:
		case STD_ZERO_MONTH:
			err = getnum(&v, c.std == STD_ZERO_MONTH, &r->month);
			if (!err && (r->month <= 0 || r->month > 12))
				range = 1;
			break;
		case STD_WEEKDAY:  /* checked for form, never against the date */
			err = name_lookup(short_days, 7, &v, &x);
			break;
		case STD_LONG_WEEKDAY:
			err = name_lookup(long_days, 7, &v, &x);
			break;
		case STD_DAY:
		case STD_UNDER_DAY:
		case STD_ZERO_DAY:
			if (c.std == STD_UNDER_DAY && v.n && v.p[0] == ' ')
				adv(&v, 1);
			/* any 1-2 digits; checked against the month at the end */
			err = getnum(&v, c.std == STD_ZERO_DAY, &r->day);
			break;
		case STD_HOUR:
			err = getnum(&v, 0, &r->hour);
			range = r->hour >= 24;
			break;
		case STD_HOUR12:
		case STD_ZERO_HOUR12:
			err = getnum(&v, c.std == STD_ZERO_HOUR12, &r->hour);
			range = r->hour > 12;
			break;
		case STD_MINUTE:
		case STD_ZERO_MINUTE:
			err = getnum(&v, c.std == STD_ZERO_MINUTE, &r->min);
			range = r->min >= 60;
			break;
		case STD_SECOND:
		case STD_ZERO_SECOND:
			err = getnum(&v, c.std == STD_ZERO_SECOND, &r->sec);
			if (r->sec >= 60) {
				range = 1;
				break;
			}
			/* A fraction the layout does not have is taken anyway.
			 * Go then overwrites the seconds' error with the
			 * fraction's, so "19:13:.5" passes: so be it. */
			if (v.n >= 2 && comma_or_period(v.p[0]) && dig(&v, 1)) {
				int next = next_chunk(layout).std;
				if (next == STD_FRAC0 || next == STD_FRAC9)
					break;
				size_t k = 2;
				while (dig(&v, k))
					k++;
				int rc = parse_nanos(v.p, k, &r->nsec);
				err = rc < 0;
				range = rc > 0;
				adv(&v, k);
			}
			break;
		case STD_PM:
			if (v.n < 2) {
				err = 1;
				break;
			}
			if (!memcmp(v.p, "PM", 2))
				pm = 1;
			else if (!memcmp(v.p, "AM", 2))
				am = 1;
			else
				err = 1;
			adv(&v, 2);
			break;
		case STD_ISO_TZ:
		case STD_ISO_COLON_TZ:
		case STD_ISO_SECONDS_TZ:
		case STD_ISO_SHORT_TZ:
		case STD_ISO_COLON_SECONDS_TZ:
		case STD_NUM_TZ:
		case STD_NUM_COLON_TZ:
		case STD_NUM_SECONDS_TZ:
		case STD_NUM_SHORT_TZ:
		case STD_NUM_COLON_SECONDS_TZ: {
			if ((c.std == STD_ISO_TZ || c.std == STD_ISO_SHORT_TZ ||
			     c.std == STD_ISO_COLON_TZ) && v.n && v.p[0] == 'Z') {
				adv(&v, 1);
				r->z_utc = 1;
				break;
			}
			/* Fixed positions read with atoi: "+-1:00" is -01:00
			 * and "+25:00" passes (no range check in Go 1.19). */
			const char *hh = NULL, *mm = "00", *ss = "00";
			size_t w;
			if (c.std == STD_ISO_COLON_TZ || c.std == STD_NUM_COLON_TZ) {
				if (v.n < 6 || v.p[3] != ':') {
					err = 1;
					break;
				}
				hh = v.p + 1, mm = v.p + 4, w = 6;
			} else if (c.std == STD_ISO_SHORT_TZ || c.std == STD_NUM_SHORT_TZ) {
				if (v.n < 3) {
					err = 1;
					break;
				}
				hh = v.p + 1, w = 3;
			} else if (c.std == STD_ISO_COLON_SECONDS_TZ || c.std == STD_NUM_COLON_SECONDS_TZ) {
				if (v.n < 9 || v.p[3] != ':' || v.p[6] != ':') {
					err = 1;
					break;
				}
				hh = v.p + 1, mm = v.p + 4, ss = v.p + 7, w = 9;
			} else if (c.std == STD_ISO_SECONDS_TZ || c.std == STD_NUM_SECONDS_TZ) {
				if (v.n < 7) {
					err = 1;
					break;
				}
				hh = v.p + 1, mm = v.p + 3, ss = v.p + 5, w = 7;
			} else {
				if (v.n < 5) {
					err = 1;
					break;
				}
				hh = v.p + 1, mm = v.p + 3, w = 5;
			}
			int64_t h, m, sc;
			char sign = v.p[0];
			if (go_atoi(hh, 2, &h) || go_atoi(mm, 2, &m) || go_atoi(ss, 2, &sc) ||
			    (sign != '+' && sign != '-')) {
				err = 1;
				break;
			}
			int64_t off = (h * 60 + m) * 60 + sc;
			r->offset = (int32_t)(sign == '-' ? -off : off);
			r->has_offset = 1;
			adv(&v, w);
			break;
		}
		case STD_TZ: {
			if (v.n >= 3 && !memcmp(v.p, "UTC", 3)) {
				r->z_utc = 1;
				adv(&v, 3);
				break;
			}
			size_t k = zone_name_len(&v);
			if (!k) {
				err = 1;
				break;
			}
			r->zname = v.p;
			r->zname_len = k;
			adv(&v, k);
			break;
		}
		case STD_FRAC0: {
			size_t nd = 1 + (size_t)c.digits;
			if (v.n < nd) {
				err = 1;
				break;
			}
			int rc = parse_nanos(v.p, nd, &r->nsec);
			err = rc < 0;
			range = rc > 0;
			adv(&v, nd);
			break;
		}
		case STD_FRAC9: {
			if (v.n < 2 || !comma_or_period(v.p[0]) || !dig(&v, 1))
				break;  /* the fraction is optional */
			size_t i = 0;
			while (i < 9 && dig(&v, i + 1))
				i++;
			int rc = parse_nanos(v.p, 1 + i, &r->nsec);
			err = rc < 0;
			range = rc > 0;
			adv(&v, 1 + i);
			break;
		}
		}
		if (range || err)
			return 0;
	}
	if (pm && r->hour < 12)
		r->hour += 12;
	else if (am && r->hour == 12)
		r->hour = 0;
	if (r->month < 0)  /* Kitchen and Stamp have no year: 0000-01-01 */
		r->month = 1;
	if (r->day < 0)
		r->day = 1;
	return r->day >= 1 && r->day <= days_in(r->month, r->year);
}

/* ---- spf13/cast: the layouts Hugo tries, in order --------------------- */

/* How cast treats a match: values without an offset, and those with only
 * a zone name, keep their wall clock and are placed in the site zone
 * (cast's "NoTimezone"/"NamedTimezone"); the others keep what Go gave. */
enum { F_LOCAL, F_NUMERIC, F_TIME_ONLY };

static const struct layout {
	const char *layout;
	int kind;
} cast_layouts[] = {
	{"2006-01-02T15:04:05Z07:00", F_NUMERIC},              /* RFC 3339 */
	{"2006-01-02T15:04:05", F_LOCAL},
	{"Mon, 02 Jan 2006 15:04:05 -0700", F_NUMERIC},        /* RFC 1123Z */
	{"Mon, 02 Jan 2006 15:04:05 MST", F_LOCAL},            /* RFC 1123 */
	{"02 Jan 06 15:04 -0700", F_NUMERIC},                  /* RFC 822Z */
	{"02 Jan 06 15:04 MST", F_LOCAL},                      /* RFC 822 */
	{"Monday, 02-Jan-06 15:04:05 MST", F_LOCAL},           /* RFC 850 */
	{"2006-01-02 15:04:05.999999999 -0700 MST", F_NUMERIC}, /* Time.String() */
	{"2006-01-02T15:04:05-0700", F_NUMERIC},
	{"2006-01-02 15:04:05Z0700", F_NUMERIC},
	{"2006-01-02 15:04:05", F_LOCAL},
	{"Mon Jan _2 15:04:05 2006", F_LOCAL},                 /* ANSIC */
	{"Mon Jan _2 15:04:05 MST 2006", F_LOCAL},             /* UnixDate */
	{"Mon Jan 02 15:04:05 -0700 2006", F_NUMERIC},         /* RubyDate */
	{"2006-01-02 15:04:05Z07:00", F_NUMERIC},
	{"2006-01-02", F_LOCAL},
	{"02 Jan 2006", F_LOCAL},
	{"2006-01-02 15:04:05 -07:00", F_NUMERIC},
	{"2006-01-02 15:04:05 -0700", F_NUMERIC},
	{"3:04PM", F_TIME_ONLY},                               /* Kitchen */
	{"Jan _2 15:04:05", F_TIME_ONLY},                      /* Stamp */
	{"Jan _2 15:04:05.000", F_TIME_ONLY},
	{"Jan _2 15:04:05.000000", F_TIME_ONLY},
	{"Jan _2 15:04:05.000000000", F_TIME_ONLY},
};

static void set_zero(md_time *out)
{
	out->unix = UNIX_ZERO_TIME;
	out->nsec = 0;
	out->offset = 0;
	out->has_zone = 0;
}

/* cast's parseDateWith. */
static int cast_parse(const zone *z, const char *s, size_t n, md_time *out)
{
	for (size_t i = 0; i < sizeof(cast_layouts) / sizeof(cast_layouts[0]); i++) {
		parsed p;
		if (!go_parse(cast_layouts[i].layout, s, n, &p))
			continue;
		int64_t wall = wall_unix(p.year, p.month, p.day, p.hour, p.min, p.sec);
		/* Go's choice of location: "Z"/"UTC" first (even over a numeric
		 * offset, so "+0800 UTC" is UTC), then the offset, then a
		 * name -- unknown to a TZ=UTC process, so a fixed zone of
		 * offset 0, or N hours for "GMT+N" -- else UTC. */
		int64_t unix = wall;
		int32_t off = 0;
		if (p.z_utc) {
		} else if (p.has_offset) {
			off = p.offset;
			unix = wsub(wall, off);
		} else if (p.zname && p.zname_len > 3 && !memcmp(p.zname, "GMT", 3)) {
			int64_t h = 0;
			go_atoi(p.zname + 3, p.zname_len - 3, &h);
			off = (int32_t)(h * 3600);
		}
		switch (cast_layouts[i].kind) {
		case F_LOCAL:
			/* cast: the same wall clock, in the site's zone */
			zone_place(z, wadd(unix, off), p.nsec, out);
			break;
		case F_NUMERIC:
			out->unix = unix;
			out->nsec = p.nsec;
			out->offset = off;
			out->has_zone = 1;
			break;
		default:  /* Kitchen, Stamp: left in UTC, year 0 */
			out->unix = unix;
			out->nsec = p.nsec;
			out->offset = 0;
			out->has_zone = 0;
			break;
		}
		return 1;
	}
	return 0;
}

int md_date_parse(const char *s, size_t n, const char *zone_name, md_time *out)
{
	zone z;
	set_zero(out);
	if (zone_load(&z, zone_name))
		return -1;
	int rc = cast_parse(&z, s ? s : "", s ? n : 0, out);
	if (!rc)
		set_zero(out);
	zone_free(&z);
	return rc;
}

/* ---- Go's Format for RFC 3339 ----------------------------------------- */

static size_t put_int(char *b, int64_t x, int width)
{
	size_t k = 0;
	uint64_t u = (uint64_t)x;
	if (x < 0) {
		b[k++] = '-';
		u = -u;
	}
	char tmp[24];
	int i = 0;
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	for (int w = i; w < width; w++)
		b[k++] = '0';
	while (i)
		b[k++] = tmp[--i];
	return k;
}

/* "2006-01-02T15:04:05.999999999Z07:00" (frac) or RFC3339 (no frac) into
 * b (at least 64 bytes). */
static size_t format_go(const md_time *t, int frac, char *b)
{
	uint64_t abs = (uint64_t)t->unix + (uint64_t)(int64_t)t->offset + (uint64_t)UNIX_TO_ABS;
	int64_t year;
	int yday, month, day;
	abs_date(abs, &year, &yday, &month, &day);
	int secs = (int)(abs % SECS_PER_DAY);
	size_t k = put_int(b, year, 4);
	b[k++] = '-';
	k += put_int(b + k, month, 2);
	b[k++] = '-';
	k += put_int(b + k, day, 2);
	b[k++] = 'T';
	k += put_int(b + k, secs / 3600, 2);
	b[k++] = ':';
	k += put_int(b + k, secs / 60 % 60, 2);
	b[k++] = ':';
	k += put_int(b + k, secs % 60, 2);
	if (frac && t->nsec > 0 && t->nsec < 1000000000) {
		char d[9];
		int32_t u = t->nsec;
		for (int i = 8; i >= 0; i--, u /= 10)
			d[i] = (char)('0' + u % 10);
		int nd = 9;
		while (nd > 0 && d[nd - 1] == '0')
			nd--;
		b[k++] = '.';
		memcpy(b + k, d, (size_t)nd);
		k += (size_t)nd;
	}
	if (t->offset == 0) {
		b[k++] = 'Z';
	} else {
		int32_t zm = t->offset / 60;  /* seconds of an offset are cut, as Go does */
		if (zm < 0) {
			b[k++] = '-';
			zm = -zm;
		} else {
			b[k++] = '+';
		}
		k += put_int(b + k, zm / 60, 2);
		b[k++] = ':';
		k += put_int(b + k, zm % 60, 2);
	}
	b[k] = '\0';
	return k;
}

void md_date_format_rfc3339(const md_time *t, char out[48])
{
	char b[64];
	size_t k = format_go(t, 1, b);
	/* Only an absurd offset from a zone file could be this long. */
	if (k > 47)
		k = 47;
	memcpy(out, b, k);
	out[k] = '\0';
}

/* ---- go-toml v2 date/time tokens -------------------------------------- */

enum { TK_NONE, TK_LOCAL_DATE, TK_LOCAL_DATETIME, TK_LOCAL_TIME, TK_DATETIME };

typedef struct toml_dt {
	int kind;
	int64_t year;
	int month, day, hour, min, sec, nsec;
	int32_t offset;
} toml_dt;

static int is_dig(char c) { return c >= '0' && c <= '9'; }

/* go-toml's parseIntOrFloatOrDateTime + scanDateTime: which kind of token
 * the text is, and how much of it the scanner takes. */
static int toml_kind(const char *b, size_t n, size_t *len)
{
	*len = 0;
	if (n < 3 || b[0] == '+' || b[0] == '-' || b[0] == 'i' || b[0] == 'n')
		return TK_NONE;
	int date = 0;
	for (size_t i = 0; i < 5 && i < n; i++) {
		if (is_dig(b[i]))
			continue;
		date = (i == 2 && b[i] == ':') || (i == 4 && b[i] == '-');
		break;
	}
	if (!date)
		return TK_NONE;
	int has_date = 0, has_time = 0, has_tz = 0, seen_space = 0;
	size_t i = 0;
	for (; i < n; i++) {
		char c = b[i];
		if (is_dig(c)) {
		} else if (c == '-') {
			has_date = 1;
			if (i >= 8)
				has_tz = 1;
		} else if (c == 'T' || c == 't' || c == ':' || c == '.') {
			has_time = 1;
		} else if (c == '+' || c == 'Z' || c == 'z') {
			has_tz = 1;
		} else if (c == ' ' && !seen_space && i + 1 < n && is_dig(b[i + 1])) {
			/* one space, when a digit follows (and that digit and
			 * the next byte are not looked at: go-toml's quirk) */
			i += 2;
			if (i >= n)
				i--;
			seen_space = 1;
			has_time = 1;
		} else {
			break;
		}
	}
	*len = i;
	if (has_time)
		return has_date ? (has_tz ? TK_DATETIME : TK_LOCAL_DATETIME) : TK_LOCAL_TIME;
	return TK_LOCAL_DATE;
}

static const char *toml_digits(const char *b, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_dig(b[i]))
			return "expected digit (0-9)";
		*v = *v * 10 + (b[i] - '0');
	}
	return NULL;
}

static const char *toml_date(const char *b, size_t n, toml_dt *d)
{
	const char *e;
	int y;
	if (n != 10 || b[4] != '-' || b[7] != '-')
		return "dates are expected to have the format YYYY-MM-DD";
	if ((e = toml_digits(b, 4, &y)) || (e = toml_digits(b + 5, 2, &d->month)) ||
	    (e = toml_digits(b + 8, 2, &d->day)))
		return e;
	d->year = y;
	if (d->month < 1 || d->month > 12 || d->day < 1 || d->day > days_in(d->month, y))
		return "impossible date";
	return NULL;
}

/* go-toml's parseLocalTime; *used is how much of b it took. */
static const char *toml_time(const char *b, size_t n, toml_dt *d, size_t *used)
{
	static const int nspow[10] = {
		0, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *e;
	if (n < 8)
		return "times are expected to have the format HH:MM:SS[.NNNNNN]";
	if ((e = toml_digits(b, 2, &d->hour)))
		return e;
	if (d->hour > 23)
		return "hour cannot be greater 23";
	if (b[2] != ':')
		return "expecting colon between hours and minutes";
	if ((e = toml_digits(b + 3, 2, &d->min)))
		return e;
	if (d->min > 59)
		return "minutes cannot be greater 59";
	if (b[5] != ':')
		return "expecting colon between minutes and seconds";
	if ((e = toml_digits(b + 6, 2, &d->sec)))
		return e;
	if (d->sec > 60)
		return "seconds cannot be greater 60";
	*used = 8;
	if (n > 8 && b[8] == '.') {
		int frac = 0, prec = 0;
		size_t digits = 0;
		for (size_t i = 9; i < n && is_dig(b[i]); i++) {
			digits++;
			if (prec < 9) {  /* digits past 9 are dropped */
				frac = frac * 10 + (b[i] - '0');
				prec++;
			}
		}
		if (!digits)
			return n > 9 ? "need at least one digit after fraction point"
			             : "nanoseconds need at least one digit";
		d->nsec = frac * nspow[prec];
		*used = 9 + digits;
	}
	return NULL;
}

static const char *toml_local_datetime(const char *b, size_t n, toml_dt *d, size_t *used)
{
	const char *e;
	if (n < 11)
		return "local datetimes are expected to have the format "
		       "YYYY-MM-DDTHH:MM:SS[.NNNNNNNNN]";
	if ((e = toml_date(b, 10, d)))
		return e;
	if (b[10] != 'T' && b[10] != 't' && b[10] != ' ')
		return "datetime separator is expected to be T or a space";
	if ((e = toml_time(b + 11, n - 11, d, used)))
		return e;
	*used += 11;
	return NULL;
}

static const char *toml_token(const char *b, size_t n, toml_dt *d)
{
	size_t used = 0;
	const char *e;
	switch (d->kind) {
	case TK_LOCAL_DATE:
		return toml_date(b, n, d);
	case TK_LOCAL_TIME:
		if ((e = toml_time(b, n, d, &used)))
			return e;
		return used == n ? NULL : "extra characters at the end of a local time";
	case TK_LOCAL_DATETIME:
		if ((e = toml_local_datetime(b, n, d, &used)))
			return e;
		return used == n ? NULL : "extra characters at the end of a local date time";
	}
	if ((e = toml_local_datetime(b, n, d, &used)))
		return e;
	b += used;
	n -= used;
	if (!n)
		return "date time should have a timezone";
	if (b[0] == 'Z' || b[0] == 'z') {
		b++;
		n--;
	} else {
		if (n != 6)
			return "invalid date-time timezone";
		if (b[0] != '+' && b[0] != '-')
			return "invalid timezone offset character";
		if (b[3] != ':')
			return "expected a : separator";
		int h, m;
		if ((e = toml_digits(b + 1, 2, &h)))
			return e;
		if (h > 23)
			return "invalid timezone offset hours";
		if ((e = toml_digits(b + 4, 2, &m)))
			return e;
		if (m > 59)
			return "invalid timezone offset minutes";
		d->offset = (b[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
		b += 6;
		n -= 6;
	}
	return n ? "extra bytes at the end of the timezone" : NULL;
}

/* The token as go-toml's unmarshaler checks it: the part its scanner
 * takes first, then whatever follows (another error in go-toml's parser;
 * its wording, which names the character, is not copied). */
static const char *toml_parse(const char *b, size_t n, toml_dt *d)
{
	size_t len;
	memset(d, 0, sizeof(*d));
	d->kind = toml_kind(b, n, &len);
	if (d->kind == TK_NONE)
		return "not a date or time";
	const char *e = toml_token(b, len, d);
	if (!e && len != n)
		e = "expected newline after a date or time";
	return e;
}

const char *md_date_toml_error(const char *s, size_t n)
{
	toml_dt d;
	return toml_parse(s ? s : "", s ? n : 0, &d);
}

int md_date_parse_toml(const char *s, size_t n, const char *zone_name, md_time *out)
{
	zone z;
	toml_dt d;
	set_zero(out);
	if (zone_load(&z, zone_name))
		return -1;
	int rc = 0;
	/* a local time is valid TOML that Hugo drops: rc stays 0 */
	if (!toml_parse(s ? s : "", s ? n : 0, &d) && d.kind != TK_LOCAL_TIME) {
		int64_t wall = wall_unix(d.year, d.month, d.day, d.hour, d.min, d.sec);
		if (d.kind == TK_LOCAL_DATE || d.kind == TK_LOCAL_DATETIME) {
			/* go-toml's LocalDate(Time).AsTime(site zone) */
			zone_place(&z, wall, d.nsec, out);
			rc = 1;
		} else if (d.kind == TK_DATETIME) {
			/* Hugo formats a time.Time as RFC 3339 (dropping the
			 * fraction) and hands that string to cast. */
			md_time t = {wsub(wall, d.offset), 0, d.offset, 1};
			char b[64];
			size_t k = format_go(&t, 0, b);
			rc = cast_parse(&z, b, k, out);
		}
	}
	if (!rc)
		set_zero(out);
	zone_free(&z);
	return rc;
}

/* ---- the rest of the API ---------------------------------------------- */

void md_date_from_unix(int64_t secs, const char *zone_name, md_time *out)
{
	zone z;
	if (zone_load(&z, zone_name))
		memset(&z, 0, sizeof(z));  /* unknown: UTC */
	out->unix = secs;
	out->nsec = 0;
	out->offset = zone_lookup(&z, secs, NULL, NULL);
	out->has_zone = 0;
	zone_free(&z);
}

const char *md_date_accepted_forms(void)
{
	return "2006-01-02, 2006-01-02T15:04:05, 2006-01-02 15:04:05, "
	       "RFC 3339 (2006-01-02T15:04:05+08:00), 02 Jan 2006";
}

int md_zone_valid(const char *zone_name)
{
	zone z;
	if (zone_load(&z, zone_name))
		return 0;
	zone_free(&z);
	return 1;
}

int md_time_is_zero(const md_time *t)
{
	/* Go's IsZero looks at the instant only. */
	return t->unix == UNIX_ZERO_TIME && t->nsec == 0;
}
