#!/usr/bin/env python3
"""A loopback HTTP server for the external URL tests and benchmarks.

    server.py [--port N] [--root DIR]

Listens on 127.0.0.1 (port 0: any free one) and prints the port on its
first line of stdout. Scripted answers, by path:

  /ok/...            200                    /missing/...  404
  /gone/...          410                    /busy/...     429, Retry-After: 1
  /moved301/X        301 to /ok/X           /moved308/X   308 to /ok/X
  /found302/X        302 to /ok/X (temporary: no hint)
  /flaky/...         500 the first time, then 200
  /nohead/...        HEAD 405, GET 200
  /slow/...          answers after 3 s (beyond the tests' timeouts)
  /drop/...          closes the connection without an answer
  /delay/MS/...      200 after MS milliseconds
  /refhead/...       200 only with a Referer header, else 403

With --root DIR, any other path is a file under DIR: 200 when it exists,
404 when not (gen_site.py's extroot/).

/__stats answers JSON: requests per "METHOD /path", the most requests in
flight at once per Host header and in total, and each request's start
time per path. /__reset forgets them. Neither is counted.
"""
import argparse, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
stats = {}


def reset():
    stats.clear()
    stats.update(requests={}, times={}, inflight={}, max_inflight={}, total=0, max_total=0, seen={})


reset()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root = None

    def log_message(self, *a):
        pass

    def leave(self):
        # Out of flight once the answer starts: the client may send its
        # next request as soon as it has read this one.
        host = getattr(self, "inflight_host", None)
        if host is not None:
            self.inflight_host = None
            with lock:
                stats["inflight"][host] -= 1
                stats["total"] -= 1

    def answer(self, code, headers=(), body=b"ok\n"):
        self.leave()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_one(self):
        path = self.path.split("?")[0]
        if path == "/__stats":
            with lock:
                body = json.dumps({k: stats[k] for k in ("requests", "times", "max_inflight", "max_total")})
            return self.answer(200, [("Content-Type", "application/json")], body.encode())
        if path == "/__reset":
            with lock:
                reset()
            return self.answer(200)
        host = self.headers.get("Host", "")
        key = "%s %s" % (self.command, path)
        with lock:
            stats["requests"][key] = stats["requests"].get(key, 0) + 1
            stats["times"].setdefault(path, []).append(time.time())
            n = stats["inflight"].get(host, 0) + 1
            stats["inflight"][host] = n
            stats["max_inflight"][host] = max(stats["max_inflight"].get(host, 0), n)
            stats["total"] += 1
            stats["max_total"] = max(stats["max_total"], stats["total"])
            first = path not in stats["seen"]
            stats["seen"][path] = True
        self.inflight_host = host
        try:
            self.route(path, first)
        finally:
            self.leave()

    def route(self, path, first):
        part = path.split("/")
        head = part[1] if len(part) > 1 else ""
        rest = "/".join(part[2:])
        if head == "ok":
            return self.answer(200)
        if head == "missing":
            return self.answer(404)
        if head == "gone":
            return self.answer(410)
        if head == "busy":
            return self.answer(429, [("Retry-After", "1")])
        if head in ("moved301", "moved308", "found302"):
            return self.answer(int(head[-3:]), [("Location", "/ok/" + rest)])
        if head == "flaky":
            return self.answer(500 if first else 200)
        if head == "nohead":
            return self.answer(405 if self.command == "HEAD" else 200)
        if head == "slow":
            time.sleep(3)
            return self.answer(200)
        if head == "drop":
            self.close_connection = True
            return
        if head == "delay":
            time.sleep(int(part[2]) / 1000.0)
            return self.answer(200)
        if head == "refhead":
            return self.answer(200 if self.headers.get("Referer") else 403)
        if self.root:
            f = os.path.normpath(os.path.join(self.root, path.lstrip("/")))
            if f.startswith(self.root) and os.path.isfile(f):
                return self.answer(200)
        return self.answer(404)

    do_GET = do_HEAD = handle_one


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--root")
    a = ap.parse_args()
    if a.root:
        Handler.root = os.path.abspath(a.root)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 1024
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
