/* External URLs (http.c): which URLs, where they are, and the checker
 * against a tiny HTTP server on a thread of this test (loopback). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

TEST(fetchable_urls)
{
	const char *yes[] = {"http://example.com", "https://example.com/a?b=c", "HTTPS://Example.com/",
		"http://127.0.0.1:8080/x"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++)
		CHECK_INT(md_http_fetchable(yes[i], strlen(yes[i])), strlen(yes[i]));
	CHECK_INT(md_http_fetchable("https://example.com/a#frag", 26), 21);
	const char *no[] = {"ftp://example.com/", "mailto:a@b.c", "http:///a.png", "https://",
		"http://example.com/a b", "//example.com/x", "/posts/x/", "http:example.com",
		"https://exa\"mple.com"};
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++)
		CHECK_INT(md_http_fetchable(no[i], strlen(no[i])), 0);
}

static const char post[] =
	"---\n"
	"title: T\n"
	"thumbnail: \"https://img.example/t.png\"\n"
	"images: [https://img.example/a.png, \"htps://bad.example/\"]\n"
	"---\n"
	"[a](https://a.example/x#frag) ![i](http://img.example/i.png) <https://auto.example/>\n"
	"`https://code.example/` [m](mailto:x@y.example) [r](/posts/x/) [u][ref]\n"
	"\n"
	"[ref]: https://def.example/\n";

static size_t at(const char *needle)
{
	return (size_t)(strstr(post, needle) - post);
}

TEST(urls_of_a_post_with_their_places)
{
	md_ext_urls u;
	CHECK_INT(md_external_urls(&u, post, strlen(post), NULL), 0);
	const struct { const char *url; size_t start, end; } want[] = {
		{"https://img.example/t.png", at("\"https://img.example/t"), at("\"\nimages") + 1},
		{"https://img.example/a.png", at("https://img.example/a"), at(", \"htps")},
		{"https://a.example/x#frag", at("https://a.example"), at(") ![i]")},
		{"http://img.example/i.png", at("http://img.example/i"), at(") <https")},
		{"https://auto.example/", at("https://auto"), at(">\n`")},
		{"https://def.example/", at("https://def"), strlen(post) - 1},
	};
	CHECK_INT(u.n, sizeof(want) / sizeof(*want));
	for (size_t i = 0; i < u.n && i < sizeof(want) / sizeof(*want); i++) {
		CHECK_STR(u.v[i].url, want[i].url);
		CHECK_INT(u.v[i].start, want[i].start);
		CHECK_INT(u.v[i].end, want[i].end);
	}
	md_ext_urls_free(&u);
}

/* ---- a loopback server: HTTP/1.0, one connection at a time ---------------- */

typedef struct server {
	int fd, port;
	int connections;
	int stop;
	pthread_t thread;
} server;

static void *serve(void *arg)
{
	server *s = arg;
	for (;;) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0 || s->stop) {
			if (c >= 0)
				close(c);
			return NULL;
		}
		s->connections++;
		char req[2048];
		ssize_t n = read(c, req, sizeof(req) - 1);
		req[n > 0 ? n : 0] = '\0';
		const char *path = strchr(req, ' ');
		path = path ? path + 1 : "";
		const char *reply =
			strncmp(path, "/ok", 3) == 0 ? "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
			: strncmp(path, "/moved", 6) == 0 ? "HTTP/1.0 308 Permanent Redirect\r\nLocation: /ok/new\r\n"
			                                    "Content-Length: 0\r\n\r\n"
			: "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n";
		ssize_t w = write(c, reply, strlen(reply));
		(void)w;
		close(c);
	}
}

static int server_start(server *s)
{
	memset(s, 0, sizeof(*s));
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) || listen(s->fd, 64) ||
	    getsockname(s->fd, (struct sockaddr *)&a, &len))
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->thread, NULL, serve, s);
}

static void server_stop(server *s)
{
	s->stop = 1;
	/* Wake accept() with one last connection. */
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)s->port);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
		close(c);
	else
		close(c);
	pthread_join(s->thread, NULL);
	close(s->fd);
}

static int seen;

static void count(void *data, const md_http_result *r)
{
	(void)data;
	(void)r;
	seen++;
}

TEST(checker_verdicts_once_each_then_from_the_cache)
{
	server s;
	CHECK_INT(server_start(&s), 0);
	char dir[] = "/tmp/mdpost-http-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	md_http_config cfg;
	md_http_config_default(&cfg);
	cfg.timeout_ms = 2000;
	cfg.retries = 0;
	snprintf(cfg.cache, sizeof(cfg.cache), "%s/sub/cache.mpk", dir);
	snprintf(cfg.exclude[cfg.n_exclude++], sizeof(cfg.exclude[0]), "/private/");
	char ok[128], dead[128], moved[128], excluded[128];
	snprintf(ok, sizeof(ok), "http://127.0.0.1:%d/ok/a#top", s.port);
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%d/missing", s.port);
	snprintf(moved, sizeof(moved), "http://127.0.0.1:%d/moved", s.port);
	snprintf(excluded, sizeof(excluded), "http://127.0.0.1:%d/private/x", s.port);
	for (int round = 0; round < 2; round++) {
		md_http *h = NULL;
		CHECK_INT(md_http_new(&h, &cfg, NULL), 0);
		if (!h)
			break;
		CHECK_INT(md_http_add(h, ok, strlen(ok)), 1);
		CHECK_INT(md_http_add(h, ok, strlen(ok) - 4), 0);  /* the same, without #top */
		CHECK_INT(md_http_add(h, dead, strlen(dead)), 1);
		CHECK_INT(md_http_add(h, moved, strlen(moved)), 1);
		CHECK_INT(md_http_add(h, excluded, strlen(excluded)), 1);
		CHECK_INT(md_http_add(h, "mailto:x@y.z", 12), 0);
		CHECK_INT(md_http_count(h), 4);
		int before = s.connections;
		seen = 0;
		CHECK_INT(md_http_run(h, count, NULL, NULL), 0);
		CHECK_INT(seen, 4);
		/* ok, dead, moved + its target; then nothing: the cache answers. */
		CHECK_INT(s.connections - before, round == 0 ? 4 : 0);
		const md_http_result *r = md_http_get(h, ok, strlen(ok));
		CHECK(r && strcmp(r->verdict, "ok") == 0 && r->status == 200 && !r->code);
		CHECK_INT(r ? r->cached : -1, round);
		r = md_http_get(h, dead, strlen(dead));
		CHECK(r && strcmp(r->verdict, "dead") == 0 && r->status == 404);
		CHECK_STR(r ? r->code : NULL, "link-external");
		CHECK_INT(r ? r->severity : 0, MD_SEV_WARNING);
		r = md_http_get(h, moved, strlen(moved));
		CHECK(r && strcmp(r->verdict, "moved") == 0);
		CHECK_STR(r ? r->code : NULL, "link-redirect");
		char target[128];
		snprintf(target, sizeof(target), "http://127.0.0.1:%d/ok/new", s.port);
		CHECK_STR(r ? r->redirect : NULL, target);
		r = md_http_get(h, excluded, strlen(excluded));
		CHECK(r && strcmp(r->verdict, "excluded") == 0 && !r->code && r->requests == 0);
		CHECK(!md_http_offline(h));
		md_http_free(h);
	}
	char path[256];
	snprintf(path, sizeof(path), "%s/sub/cache.mpk", dir);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size > 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
	server_stop(&s);
}

TEST(offline_when_no_host_resolves)
{
	md_http_config cfg;
	md_http_config_default(&cfg);
	cfg.timeout_ms = 1000;
	cfg.retries = 0;
	cfg.cache_ttl_s = 0;
	md_http *h = NULL;
	CHECK_INT(md_http_new(&h, &cfg, NULL), 0);
	if (!h)
		return;
	md_http_add(h, "http://a.invalid/x", 18);
	md_http_add(h, "https://b.invalid/y", 19);
	CHECK_INT(md_http_run(h, NULL, NULL, NULL), 0);
	CHECK(md_http_offline(h));
	const md_http_result *r = md_http_get(h, "http://a.invalid/x", 18);
	CHECK(r && strcmp(r->verdict, "offline") == 0 && !r->code);
	md_http_free(h);
}

TEST(cancelled_before_it_starts)
{
	md_http *h = NULL;
	CHECK_INT(md_http_new(&h, NULL, NULL), 0);
	if (!h)
		return;
	md_http_add(h, "http://127.0.0.1:9/never", 24);
	volatile int cancel = 1;
	CHECK_INT(md_http_run(h, NULL, NULL, &cancel), MDPOST_EINVAL);
	CHECK(md_http_get(h, "http://127.0.0.1:9/never", 24) == NULL);
	md_http_free(h);
}

TEST(site_external_settings)
{
	char dir[] = "/tmp/mdpost-site-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char path[256];
	snprintf(path, sizeof(path), "%s/.mdpost.yaml", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("external:\n  timeout_ms: 1500\n  per_host: 3\n  accept: [200, 206]\n"
	      "  exclude: [\"^https://localhost\"]\n"
	      "  headers: { \"img.example\": { Referer: \"https://blog.example/\" } }\n", f);
	fclose(f);
	mdpost_site *site = NULL;
	mdpost_result err = {0};
	CHECK_INT(mdpost_site_open(&site, &err, dir, strlen(dir)), 0);
	if (site) {
		CHECK_INT(site->external.timeout_ms, 1500);
		CHECK_INT(site->external.per_host, 3);
		CHECK_INT(site->external.concurrency, 8);  /* the default */
		CHECK_INT(site->external.n_accept, 2);
		CHECK_INT(site->external.accept[1], 206);
		CHECK_INT(site->external.n_exclude, 1);
		CHECK_STR(site->external.exclude[0], "^https://localhost");
		CHECK_INT(site->external.n_headers, 1);
		CHECK_STR(site->external.headers[0].host, "img.example");
		CHECK_STR(site->external.headers[0].name, "Referer");
		CHECK_STR(site->external.headers[0].value, "https://blog.example/");
		CHECK_INT(site->problems.len, 0);
	}
	mdpost_site_free(site);
	mdpost_result_free(&err);
	unlink(path);
	rmdir(dir);
}
