#!/usr/bin/env python3
"""Defects on generated sites: every one found, nothing else reported.

Generates sites with ../shared/bench/gen_site.py (each seed a different
mix), runs `mdpost check --format jsonl`, and checks that every front
matter and local link defect listed in defects.json is reported at its
line with the code for its kind, that nothing else is reported (the
code-block traps included), and that the clean twin (--defects 0) gets no
diagnostic at all. External URLs are not checked here.
Prints "gen-site: N passed, N failed" (one test a defect or clean site).
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MDPOST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "mdpost")
GEN = os.environ.get("GEN_SITE", os.path.join(ROOT, "..", "shared", "bench", "gen_site.py"))
CODE = {
    "yaml_syntax_error": "fm-syntax",
    "unknown_key": "fm-unknown-key",
    "wrong_type": "fm-type",
    "unparseable_date": "fm-date",
    "duplicate_key": "fm-duplicate-key",
    "empty_title": "fm-required",
    "malformed_thumbnail": "fm-url",
    "broken_relative_link": "link-file",
    "missing_local_image": "link-file",
    "missing_anchor": "link-anchor",
    "ref_nonexistent_post": "link-ref",
}
SITES = [(400, 11), (400, 12), (600, 13)]  # (posts, seed)


def check(site):
    r = subprocess.run([MDPOST, "check", "--format", "jsonl", "--site", site],
                       capture_output=True, cwd=site)
    if r.returncode == 2:
        raise SystemExit("mdpost failed: " + r.stderr.decode())
    return [json.loads(l) for l in r.stdout.decode().splitlines()]


def main():
    if not os.path.exists(GEN):
        print("gen_site.py not found at %s (set GEN_SITE)" % GEN)
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for posts, seed in SITES:
            for rate in ("0.03", "0"):
                site = os.path.join(work, "s%d-%s" % (seed, rate))
                subprocess.run([sys.executable, GEN, "--posts", str(posts), "--out", site,
                                "--seed", str(seed), "--defects", rate], check=True,
                               stdout=subprocess.DEVNULL)
                with open(os.path.join(site, "defects.json")) as f:
                    defects = [d for d in json.load(f)["defects"] if d["kind"] in CODE]
                got = check(site)
                seen = set()
                for d in defects:
                    same_file = [g for g in got if os.path.normpath(g["file"]) == os.path.normpath(d["file"])
                                 and g["code"] == CODE[d["kind"]]]
                    hits = [g for g in same_file if g["line"] == d["line"]]
                    if not hits and d["kind"] == "duplicate_key":
                        # Reported at the second occurrence, naming the first:
                        # the injected one may be either.
                        hits = [g for g in same_file if "(first on line %d)" % d["line"] in g["message"]]
                    if hits:
                        passed += 1
                        seen.update(id(h) for h in hits)
                    else:
                        failed += 1
                        print("FAIL seed %d: %s (%s) at %s:%d not reported as %s" % (
                            seed, d["kind"], d.get("sub"), d["file"], d["line"], CODE[d["kind"]]))
                extra = [g for g in got if id(g) not in seen]
                if extra:
                    failed += 1
                    for g in extra[:10]:
                        print("FAIL seed %d rate %s: false positive %s:%d:%d %s %s" % (
                            seed, rate, g["file"], g["line"], g["col"], g["code"], g["message"]))
                else:
                    passed += 1
    print("gen-site: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
