#!/usr/bin/env python3
"""Dead external URLs on generated sites: every one found, no live one reported.

Generates sites with ../shared/bench/gen_site.py, serves their extroot/
with tests/http/server.py on the port gen_site.py writes into the URLs
(127.0.0.1:18080), runs `mdpost check --external --format jsonl` and
compares the link-external diagnostics with defects.json: each
dead_external_url defect is reported at its line, every reported URL is
a dead one, and the clean twin (--defects 0) gets none. Then checks that
each unique URL was fetched once and that a second run sends no request.
Prints "external-gen-site: N passed, N failed".
"""
import json, os, socket, subprocess, sys, tempfile, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MDPOST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "mdpost")
GEN = os.environ.get("GEN_SITE", os.path.join(ROOT, "..", "shared", "bench", "gen_site.py"))
SERVER = os.path.join(ROOT, "tests", "http", "server.py")
PORT = 18080
SITES = [(80, 21, "0.05"), (80, 21, "0"), (150, 22, "0.03")]  # (posts, seed, rate)


def stats():
    with urllib.request.urlopen("http://127.0.0.1:%d/__stats" % PORT, timeout=5) as r:
        return json.loads(r.read())


def main():
    if not os.path.exists(GEN):
        print("gen_site.py not found at %s (set GEN_SITE)" % GEN)
        return 1
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
    try:
        s.bind(("127.0.0.1", PORT))
    except OSError:
        print("external-gen-site: port %d is taken: gen_site.py's URLs point there; free it" % PORT)
        return 1
    finally:
        s.close()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for posts, seed, rate in SITES:
            site = os.path.join(work, "s%d-%s" % (seed, rate))
            env = dict(os.environ, MDPOST_CACHE_DIR=site + "-cache")
            subprocess.run([sys.executable, GEN, "--posts", str(posts), "--out", site, "--seed", str(seed),
                            "--defects", rate], check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(site, "defects.json")) as f:
                truth = json.load(f)
            dead = set(truth["dead_external_urls"])
            defects = [d for d in truth["defects"] if d["kind"] == "dead_external_url"]
            srv = subprocess.Popen([sys.executable, SERVER, "--port", str(PORT), "--root",
                                    os.path.join(site, "extroot")], stdout=subprocess.PIPE)
            try:
                srv.stdout.readline()
                r = subprocess.run([MDPOST, "check", "--external", "--format", "jsonl", "--site", site],
                                   cwd=site, env=env, capture_output=True, text=True)
                if r.returncode == 2:
                    raise SystemExit("mdpost failed: " + r.stderr)
                got = [json.loads(l) for l in r.stdout.splitlines()]
                ext = [g for g in got if g["code"] in ("link-external", "link-redirect")]
                seen = set()
                for d in defects:
                    hits = [g for g in ext if os.path.normpath(g["file"]) == os.path.normpath(d["file"])
                            and g["line"] == d["line"] and g["message"].startswith(d["target"] + " is dead: HTTP 404")]
                    if hits:
                        passed += 1
                        seen.update(id(h) for h in hits)
                    else:
                        failed += 1
                        print("FAIL seed %d: dead URL %s at %s:%d not reported" % (seed, d["target"], d["file"], d["line"]))
                wrong = [g for g in ext if id(g) not in seen and g["message"].split(" ")[0] not in dead]
                if wrong:
                    failed += 1
                    for g in wrong[:10]:
                        print("FAIL seed %d rate %s: live URL reported %s:%d %s" % (seed, rate, g["file"], g["line"], g["message"]))
                else:
                    passed += 1
                st = stats()
                twice = {k: n for k, n in st["requests"].items() if n != 1}
                # Alive ones minus thumbnails made malformed (not fetched).
                total = truth["alive_external_url_count"] + len(dead)
                unasked = [u for u in dead if "HEAD " + u[len(truth["external_base"]):] not in st["requests"]]
                if twice or unasked or sum(st["requests"].values()) > total:
                    failed += 1
                    print("FAIL seed %d: %d requests for %d URLs; more than one: %s; dead not asked: %s" % (
                        seed, sum(st["requests"].values()), total, list(twice.items())[:5], unasked[:5]))
                else:
                    passed += 1
                urllib.request.urlopen("http://127.0.0.1:%d/__reset" % PORT, timeout=5).read()
                r2 = subprocess.run([MDPOST, "check", "--external", "--format", "jsonl", "--site", site],
                                    cwd=site, env=env, capture_output=True, text=True)
                if r2.stdout != r.stdout or stats()["requests"]:
                    failed += 1
                    print("FAIL seed %d: the second run differs or sent requests" % seed)
                else:
                    passed += 1
            finally:
                srv.terminate()
                srv.wait()
    print("external-gen-site: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
