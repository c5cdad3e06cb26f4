#!/usr/bin/env python3
"""External URL checks against a loopback server (tests/http/server.py).

`mdpost check --external` and `mdpost external` on small sites whose
posts link to the server's scripted answers: the verdicts and their exact
positions, the requests the server saw (each URL fetched once across
posts, HEAD refused then GET, retries, Retry-After, per-host and global
limits), the cache (a second run sends no request), exclude patterns,
per-host headers, offline, cancellation and bad settings.
Prints "external: N passed, N failed".
"""
import json, os, signal, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MDPOST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "mdpost")
SERVER = os.path.join(ROOT, "tests", "http", "server.py")

passed = failed = 0


def ok(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (what, (": " + str(detail)) if detail != "" else ""))


def start_server():
    p = subprocess.Popen([sys.executable, SERVER], stdout=subprocess.PIPE)
    port = int(p.stdout.readline())
    return p, port


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        return json.loads(r.read() or b"null") if path == "/__stats" else None


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run(args, cwd, env, **kw):
    return subprocess.run([MDPOST] + args, cwd=cwd, env=env, capture_output=True, text=True, **kw)


def diags(r):
    return [json.loads(l) for l in r.stdout.splitlines() if l.strip()]


def main():
    srv, port = start_server()
    base = "http://127.0.0.1:%d" % port
    other = "http://localhost:%d" % port  # the same server as another host
    try:
        with tempfile.TemporaryDirectory() as work:
            env = dict(os.environ, MDPOST_CACHE_DIR=os.path.join(work, "cache"))
            env.pop("XDG_CACHE_HOME", None)
            site = os.path.join(work, "site")
            write(site + "/.mdpost.yaml",
                  "external:\n"
                  "  timeout_ms: 1000\n  retries: 1\n  retry_delay_ms: 100\n"
                  "  concurrency: 8\n  per_host: 2\n"
                  '  exclude: ["/excluded/", "^http://127\\\\.0\\\\.0\\\\.1:1/"]\n'
                  '  headers: { "127.0.0.1": { Referer: "https://blog.example/" } }\n')
            # Line numbers below are 1-based in the file.
            write(site + "/content/posts/one.md",
                  "---\n"                                                   # 1
                  "title: One\n"                                            # 2
                  'thumbnail: "%s/missing/thumb.png"\n'                     # 3
                  "---\n"                                                   # 4
                  "[ok](%s/ok/a) and [dead](%s/missing/a).\n"              # 5
                  "[gone](%s/gone/a) [busy](%s/busy/a)\n"                  # 6
                  "[m301](%s/moved301/x) [m308](%s/moved308/y) [t302](%s/found302/z)\n"  # 7
                  "[flaky](%s/flaky/a) [nohead](%s/nohead/a)\n"            # 8
                  "[slow](%s/slow/a) [drop](%s/drop/a)\n"                  # 9
                  "[ex](%s/excluded/a) [port1](http://127.0.0.1:1/x)\n"    # 10
                  "[ref](%s/refhead/a) [noref](%s/refhead/b)\n"            # 11
                  "`%s/missing/in-code` and [mail](mailto:a@b.example)\n"  # 12
                  "```\n%s/missing/in-block\n```\n"                        # 13-15
                  % (base, base, base, base, base, base, base, base, base, base, base, base,
                     base, base, other, base, base))
            write(site + "/content/posts/two.md",
                  "---\ntitle: Two\n---\n"
                  "Again [ok](%s/ok/a), [dead](%s/missing/a#part) and ![img](%s/missing/a).\n"
                  "\n[def]: %s/gone/a\n\nSee [def].\n"
                  % (base, base, base, base))
            t0 = time.time()
            r = run(["check", "--external", "--format", "jsonl", "--site", site], site, env)
            took = time.time() - t0
            got = diags(r)
            ok(r.returncode == 0, "check --external exits 0 (warnings only)", r.returncode)
            def at(name, line, target, code, sev, msg, nth=0):
                # 1-based line; columns where `target` (the nth time) is on it.
                with open(site + "/content/posts/" + name) as f:
                    text = f.read().split("\n")[line - 1]
                col = -1
                for _ in range(nth + 1):
                    col = text.index(target, col + 1)
                return (name, line, col + 1, line, col + 1 + len(target.encode()), code, sev, msg)
            W, I = "warning", "info"
            want = [
                at("one.md", 3, '"%s/missing/thumb.png"' % base, "link-external", W, base + "/missing/thumb.png is dead: HTTP 404 Not Found"),
                at("one.md", 5, base + "/missing/a", "link-external", W, base + "/missing/a is dead: HTTP 404 Not Found"),
                at("one.md", 6, base + "/gone/a", "link-external", W, base + "/gone/a is dead: HTTP 410 Gone"),
                at("one.md", 7, base + "/moved301/x", "link-redirect", I, base + "/moved301/x has moved permanently to %s/ok/x: link to the new address" % base),
                at("one.md", 7, base + "/moved308/y", "link-redirect", I, base + "/moved308/y has moved permanently to %s/ok/y: link to the new address" % base),
                at("one.md", 9, base + "/slow/a", "link-external", W, base + "/slow/a did not answer: Operation timed out after "),
                at("one.md", 9, base + "/drop/a", "link-external", W, base + "/drop/a did not answer: Empty reply from server"),
                at("one.md", 11, other + "/refhead/b", "link-external", W, other + "/refhead/b is dead: HTTP 403 Forbidden"),
                at("two.md", 4, base + "/missing/a#part", "link-external", W, base + "/missing/a is dead: HTTP 404 Not Found"),
                at("two.md", 4, base + "/missing/a", "link-external", W, base + "/missing/a is dead: HTTP 404 Not Found", 1),
                at("two.md", 6, base + "/gone/a", "link-external", W, base + "/gone/a is dead: HTTP 410 Gone"),
            ]
            have = [(os.path.basename(d["file"]), d["line"], d["col"], d["end_line"], d["end_col"],
                     d["code"], d["severity"], d["message"]) for d in got]
            ok(len(have) == len(want), "check --external: %d diagnostics" % len(want), "\n".join(map(str, have)))
            for w, h in zip(want, have):
                ok(w[:7] == h[:7] and h[7].startswith(w[7]), "diagnostic at %s:%d:%d" % w[:3], "got %s" % (h,))
            stats = get(port, "/__stats")
            req = stats["requests"]
            once = ["HEAD /ok/a", "HEAD /missing/a", "HEAD /missing/thumb.png", "HEAD /gone/a",
                    "HEAD /moved301/x", "HEAD /ok/x", "HEAD /moved308/y", "HEAD /ok/y",
                    "HEAD /found302/z", "HEAD /ok/z", "HEAD /nohead/a", "GET /nohead/a",
                    "HEAD /refhead/a", "HEAD /refhead/b", "GET /refhead/b"]
            for k in once:
                ok(req.get(k) == 1, "one request: " + k, req.get(k))
            ok(req.get("HEAD /flaky/a") == 2, "500 then 200: retried once", req.get("HEAD /flaky/a"))
            ok(req.get("HEAD /busy/a") == 2, "429: asked again once", req.get("HEAD /busy/a"))
            t = stats["times"]["/busy/a"]
            ok(len(t) == 2 and t[1] - t[0] >= 0.95, "429: the second request waits Retry-After (1 s)", t)
            ok(req.get("HEAD /slow/a") == 2, "timeout: retried once", req.get("HEAD /slow/a"))
            # curl may itself retry once on a reused connection that dies.
            ok(req.get("HEAD /drop/a") in (2, 3, 4), "dropped connection: retried", req.get("HEAD /drop/a"))
            ok(not any("excluded" in k or "in-code" in k or "in-block" in k for k in req),
               "excluded URLs and code are not fetched", req)
            ok(set(req) == set(once) | {"HEAD /flaky/a", "HEAD /busy/a", "HEAD /slow/a", "HEAD /drop/a"},
               "no other request", sorted(req))
            ok(max(stats["max_inflight"].values()) <= 2, "per host: at most 2 at once", stats["max_inflight"])
            ok(took < 8, "the run is quick", took)

            # Within the TTL: the same answers, no request at all.
            get(port, "/__reset")
            r2 = run(["check", "--external", "--progress", "--format", "jsonl", "--site", site], site, env)
            ok(diags(r2) == got, "second run: same diagnostics", r2.stdout)
            prog = [l for l in r2.stderr.splitlines() if l.startswith("external ")]
            ok(prog == ["external 10/16", "external 16/16"], "--progress: external N/M lines", prog)
            ok(get(port, "/__stats")["requests"] == {}, "second run: no request", get(port, "/__stats")["requests"])
            ok(os.path.isfile(os.path.join(work, "cache", "external.mpk")), "cache in $MDPOST_CACHE_DIR")
            ok(not [f for f in os.listdir(os.path.join(work, "cache")) if f.endswith(".tmp")], "no temp file left")

            # A rule turned off, and --rule.
            r3 = run(["check", "--external", "--format", "jsonl", "--site", site, "--rule", "link-redirect=off",
                      site + "/content/posts/one.md"], site, env)
            ok([d["code"] for d in diags(r3)].count("link-redirect") == 0 and len(diags(r3)) == 6,
               "--rule link-redirect=off", r3.stdout)
            # Without --external nothing is fetched.
            get(port, "/__reset")
            r4 = run(["check", "--format", "jsonl", "--site", site], site, env)
            ok(not any(d["code"] in ("link-external", "link-redirect") for d in diags(r4)) and
               get(port, "/__stats")["requests"] == {}, "check without --external fetches nothing")

            # mdpost external: one JSON line per URL, post from stdin.
            get(port, "/__reset")
            post = "---\ntitle: S\n---\n[a](%s/ok/s1) [b](%s/gone/s2) [a again](%s/ok/s1)\n" % (base, base, base)
            r5 = subprocess.run([MDPOST, "external", "--site", site, "-"], input=post, capture_output=True,
                                text=True, env=env)
            lines = [json.loads(l) for l in r5.stdout.splitlines()]
            ok(r5.returncode == 0, "external exits 0", r5.returncode)
            ok(lines[0]["type"] == "start" and lines[0]["total"] == 2, "external: start line", lines[0])
            urls = {l["url"]: l for l in lines if l["type"] == "url"}
            ok(urls.get(base + "/ok/s1", {}).get("verdict") == "ok" and
               urls.get(base + "/gone/s2", {}).get("verdict") == "dead" and
               urls[base + "/gone/s2"]["status"] == 410 and urls[base + "/gone/s2"]["code"] == "link-external" and
               urls[base + "/gone/s2"]["severity"] == "warning", "external: verdicts", urls)
            ok(lines[-1]["type"] == "done" and lines[-1]["dead"] == 1 and lines[-1]["requests"] == 2 and
               not lines[-1]["offline"], "external: done line", lines[-1])
            ok([l["done"] for l in lines if l["type"] == "url"] == [1, 2], "external: progress counts")
            r6 = subprocess.run([MDPOST, "external", "--site", site, "-"], input=post, capture_output=True,
                                text=True, env=env)
            l6 = [json.loads(l) for l in r6.stdout.splitlines()]
            ok(all(l["cached"] for l in l6 if l["type"] == "url") and l6[-1]["requests"] == 0,
               "external: second run from the cache", r6.stdout)

            # Cancelled (the editor's :PostLinkCheck stop): ends at once, says so.
            p = subprocess.Popen([MDPOST, "external", "--site", site, "-"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, env=env)
            p.stdin.write("[s](%s/slow/cancel)\n" % base)
            p.stdin.close()
            first = p.stdout.readline()
            time.sleep(0.3)
            t0 = time.time()
            p.send_signal(signal.SIGTERM)
            rest = p.stdout.read()
            rc = p.wait(timeout=5)
            ok(json.loads(first)["type"] == "start" and rc == 2 and '"cancelled":true' in rest and
               time.time() - t0 < 0.6, "external: SIGTERM cancels", (rc, rest))

            # Offline: every host fails to resolve; said once, no diagnostic.
            site2 = os.path.join(work, "offline")
            write(site2 + "/.mdpost.yaml", "external: { timeout_ms: 2000, retries: 0 }\n")
            write(site2 + "/content/a.md", "[a](http://a.invalid/x) [b](https://b.invalid/y)\n")
            write(site2 + "/content/b.md", "[c](http://c.invalid/z)\n")
            r7 = run(["check", "--external", "--site", site2], site2, env)
            ok(r7.returncode == 0 and r7.stdout == "" and
               r7.stderr.count("external URLs not checked (offline") == 1, "offline said once", r7.stdout + r7.stderr)
            # One dead domain among live URLs is a dead link, not offline.
            write(site2 + "/content/b.md", "[c](http://c.invalid/z) [d](%s/ok/live)\n" % base)
            r8 = run(["check", "--external", "--format", "jsonl", "--site", site2, site2 + "/content/b.md"], site2, env)
            d8 = diags(r8)
            ok(len(d8) == 1 and d8[0]["message"].startswith("http://c.invalid/z did not answer") and
               "offline" not in r8.stderr, "a dead domain is dead", r8.stdout + r8.stderr)

            # Limits: 2 per host and 3 in all, with two hosts.
            site3 = os.path.join(work, "limits")
            write(site3 + "/.mdpost.yaml", "external: { concurrency: 3, per_host: 2, cache_ttl_s: 0 }\n")
            write(site3 + "/content/a.md", "".join("[x](%s/delay/150/%d) [y](%s/delay/150/%d)\n" % (base, i, other, i)
                                                     for i in range(8)))
            get(port, "/__reset")
            env9 = dict(env, MDPOST_CACHE_DIR=os.path.join(work, "cache2"))
            r9 = run(["check", "--external", "--site", site3], site3, env9)
            s9 = get(port, "/__stats")
            ok(r9.returncode == 0 and r9.stdout == "", "limits: all alive", r9.stdout + r9.stderr)
            ok(max(s9["max_inflight"].values()) == 2 and s9["max_total"] == 3,
               "limits: 2 per host, 3 in all", (s9["max_inflight"], s9["max_total"]))
            ok(sum(s9["requests"].values()) == 16, "limits: 16 URLs, 16 requests", s9["requests"])
            ok(not os.path.exists(os.path.join(work, "cache2")), "cache_ttl_s: 0 writes no cache")

            # A redirect to a URL the run already judged: not fetched again.
            site6 = os.path.join(work, "redirect")
            write(site6 + "/.mdpost.yaml", "external: { concurrency: 1, cache_ttl_s: 0 }\n")
            write(site6 + "/content/a.md", "[a](%s/ok/r) [b](%s/moved301/r) [c](%s/moved308/gone)\n" % (base, base, base))
            get(port, "/__reset")
            r12 = run(["check", "--external", "--format", "jsonl", "--site", site6], site6, env)
            req = get(port, "/__stats")["requests"]
            ok(req.get("HEAD /ok/r") == 1 and req.get("HEAD /moved301/r") == 1 and req.get("HEAD /ok/gone") == 1,
               "redirect target judged once", req)
            ok([d["code"] for d in diags(r12)] == ["link-redirect", "link-redirect"], "both redirects reported", r12.stdout)

            # external.cache relative to the site root; accept list.
            site4 = os.path.join(work, "accept")
            write(site4 + "/.mdpost.yaml", "external: { cache: .cache/ext.mpk, accept: [200] }\n")
            write(site4 + "/content/a.md", "[b](%s/busy/accept)\n" % base)
            r10 = run(["check", "--external", "--format", "jsonl", "--site", site4], site4, env)
            d10 = diags(r10)
            ok(len(d10) == 1 and "HTTP 429" in d10[0]["message"], "accept: [200] makes 429 dead", r10.stdout)
            ok(os.path.isfile(site4 + "/.cache/ext.mpk"), "external.cache relative to the site")

            # Bad settings are reported like the site's other problems.
            site5 = os.path.join(work, "bad")
            write(site5 + "/.mdpost.yaml",
                  'external: { timeout_ms: -5, exclude: ["(unclosed"], accept: [99], per_hots: 2 }\n')  # y below
            write(site5 + "/content/a.md", "text\n")
            r11 = run(["check", "--site", site5], site5, env)
            errs = [l for l in r11.stderr.splitlines() if "warning:" in l]
            y = 'external: { timeout_ms: -5, exclude: ["(unclosed"], accept: [99], per_hots: 2 }'
            want_errs = [".mdpost.yaml:1:%d: external.timeout_ms must be a whole number from 1 to 600000" % (y.index("-5") + 1),
                         ".mdpost.yaml:1:%d: an exclude pattern is a regular expression" % (y.index('"(') + 1),
                         ".mdpost.yaml:1:%d: external.accept must be a whole number from 100 to 599" % (y.index("99") + 1),
                         ".mdpost.yaml:1:%d: unknown or malformed external setting" % (y.index("per_hots") + 1)]
            ok(len(errs) == 4 and all(w in e for w, e in zip(want_errs, errs)), "bad settings reported", errs)
    finally:
        srv.terminate()
        srv.wait()
    print("external: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
