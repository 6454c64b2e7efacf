#!/usr/bin/env python3
"""A fake GitHub and GitLab REST API on loopback, for rationale's publish tests.

    python3 fake_forge.py --port 0 --state SEED.json

prints the port it listens on as its first line of standard output, then serves until it is
killed or its standard input closes (so it never outlives the test that started it).

It speaks exactly the endpoints `rationale publish` uses, for one pull request per forge:

  GitHub  GET/PATCH /repos/{o}/{r}/pulls/{n}                       (body)
          GET/POST  /repos/{o}/{r}/issues/{n}/comments              (Link: rel="next" pages)
          PATCH     /repos/{o}/{r}/issues/comments/{id}
  GitLab  GET/PUT   /api/v4/projects/{id}/merge_requests/{iid}      (description)
          GET/POST  /api/v4/projects/{id}/merge_requests/{iid}/notes (X-Next-Page pages, newest first)
          PUT       /api/v4/projects/{id}/merge_requests/{iid}/notes/{note_id}
  Tests   GET       /__state   the current state and every request so far

The seed (every key optional):

  {"token": "t", "per_page": 2, "read_only": false, "endless_pages": 0,
   "fail_next": [{"method": "POST", "path_regex": "/comments$", "status": 429,
                  "retry_after": 0, "message": "…", "count": 1, "headers": {}}],
   "hostile": [{"method": "GET", "path_regex": "/pulls/7$", "count": 1,
                "redirect": "http://127.0.0.1:PORT/elsewhere", "status": 307}
               | {… "trickle": "{\"body\": \"x\"}", "interval": 0.1}
               | {… "stream_bytes": 200000000}],
   "github": {"repository": "octo/shop", "number": 7, "body": "…",
              "comments": [{"id": 1, "body": "…"}]},
   "gitlab": {"project": "42", "iid": 7, "description": "…",
              "notes": [{"id": 1, "body": "…", "system": false}]}}

GitHub requests must carry `Authorization: Bearer <token>` and a User-Agent, GitLab requests
`PRIVATE-TOKEN: <token>`; otherwise the answer is 401, as the real APIs answer. `read_only`
answers every write with the 403 a fork's read-only token gets. `fail_next` entries answer the
next `count` matching requests with `status` (and `Retry-After` when given) instead.

`hostile` entries answer the next `count` matching requests (every one without `count`) as a
hostile or broken forge would, before any token check: `redirect` answers `status` (default 307)
with that `Location`; `trickle` sends that body one byte every `interval` seconds (with its
Content-Length); `stream_bytes` sends that many bytes of JSON-ish filler without a
Content-Length, stopping when the client hangs up (the bytes written are recorded as `sent`).
`endless_pages: N` makes every page of comments (notes) before page N say there is a next one.
Every request's `Authorization` and `PRIVATE-TOKEN` headers are recorded too, so a test can see
where a token went.
"""

import argparse
import json
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

LOCK = threading.Lock()
STATE = {}
REQUESTS = []
WRITES = ("POST", "PATCH", "PUT")


def load(seed_path):
    with open(seed_path, encoding="utf-8") as seed_file:
        seed = json.load(seed_file)
    github = {"repository": "octo/shop", "number": 7, "body": None, "comments": []}
    github.update(seed.get("github", {}))
    gitlab = {"project": "42", "iid": 7, "description": None, "notes": []}
    gitlab.update(seed.get("gitlab", {}))
    ids = [c["id"] for c in github["comments"]] + [n["id"] for n in gitlab["notes"]]
    STATE.update({
        "token": seed.get("token", "test-token"),
        "per_page": int(seed.get("per_page", 2)),
        "read_only": bool(seed.get("read_only", False)),
        "fail_next": list(seed.get("fail_next", [])),
        "hostile": list(seed.get("hostile", [])),
        "endless_pages": int(seed.get("endless_pages", 0)),
        "next_id": max(ids + [0]) + 100,
        "github": github,
        "gitlab": gitlab,
    })


class Handler(BaseHTTPRequestHandler):
    server_version = "fake-forge/1"

    def log_message(self, *args):  # quiet: the port line must stay the only output
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    # -- plumbing

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length else None
        split = urlsplit(self.path)
        if split.path == "/__state":
            with LOCK:
                state = {"github": STATE["github"], "gitlab": STATE["gitlab"], "requests": REQUESTS}
                self.answer(200, state)
            return
        with LOCK:
            hostile = self.hostile_entry(method, split.path)
            if hostile is None:
                status, payload, headers = self.route(method, split, raw)
                REQUESTS.append(self.record(method, raw, status))
                self.answer(status, payload, headers)
                return
            record = self.record(method, raw, hostile.get("status", 200))
            REQUESTS.append(record)
        # Outside the lock: a slow answer must not hold up /__state.
        self.answer_hostile(hostile, record)

    def record(self, method, raw, status):
        return {
            "method": method,
            "path": self.path,
            "body": raw,
            "status": status,
            "headers": {name.lower(): self.headers.get(name) for name in
                        ("User-Agent", "Accept", "X-GitHub-Api-Version", "Content-Type",
                         "Authorization", "PRIVATE-TOKEN")
                        if self.headers.get(name) is not None},
        }

    def hostile_entry(self, method, path):
        for entry in STATE["hostile"]:
            if entry.get("method", "*") not in ("*", method) or not re.search(entry.get("path_regex", ""), path):
                continue
            if "count" in entry:
                entry["count"] -= 1
                if entry["count"] <= 0:
                    STATE["hostile"].remove(entry)
            return entry
        return None

    def answer_hostile(self, entry, record):
        if "redirect" in entry:
            self.send_response(entry.get("status", 307))
            self.send_header("Location", entry["redirect"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            if "trickle" in entry:
                data = entry["trickle"].encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.flush()
                for index in range(len(data)):
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()
                    time.sleep(float(entry.get("interval", 0.1)))
            elif "stream_bytes" in entry:
                self.close_connection = True
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.end_headers()
                chunk = b'[' + b' ' * 65534 + b' '
                left = int(entry["stream_bytes"])
                while left > 0:
                    piece = chunk[:min(left, len(chunk))]
                    self.wfile.write(piece)
                    left -= len(piece)
                    with LOCK:
                        record["sent"] = record.get("sent", 0) + len(piece)
                    chunk = b' ' * 65536
        except (BrokenPipeError, ConnectionResetError):
            with LOCK:
                record["hung_up"] = True

    def answer(self, status, payload, headers=None):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def injected_failure(self, method, path):
        for entry in STATE["fail_next"]:
            if entry.get("method", "*") not in ("*", method):
                continue
            if not re.search(entry.get("path_regex", ""), path):
                continue
            entry["count"] = entry.get("count", 1) - 1
            if entry["count"] <= 0:
                STATE["fail_next"].remove(entry)
            headers = dict(entry.get("headers", {}))
            if entry.get("retry_after") is not None:
                headers["Retry-After"] = str(entry["retry_after"])
            message = entry.get("message", f"injected {entry['status']}")
            return entry["status"], {"message": message}, headers
        return None

    def route(self, method, split, raw):
        path = split.path
        query = parse_qs(split.query)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return 400, {"message": "Problems parsing JSON"}, {}
        if path.startswith("/api/v4/"):
            if self.headers.get("PRIVATE-TOKEN") != STATE["token"]:
                return 401, {"message": "401 Unauthorized"}, {}
            forge = "gitlab"
        else:
            if self.headers.get("Authorization") != "Bearer " + STATE["token"]:
                return 401, {"message": "Bad credentials"}, {}
            if not self.headers.get("User-Agent"):
                return 403, {"message": "Request forbidden by administrative rules. Please make sure your request has a User-Agent header"}, {}
            forge = "github"
        failure = self.injected_failure(method, path)
        if failure:
            return failure
        if method in WRITES and STATE["read_only"]:
            if forge == "github":
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 403, {"message": "403 Forbidden"}, {}
        if forge == "github":
            return self.github(method, path, query, body)
        return self.gitlab(method, path, query, body)

    def page(self, items, query):
        per_page = min(int(query.get("per_page", ["30"])[0]), STATE["per_page"])
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        return items[(page - 1) * per_page: page * per_page], page, per_page, last

    # -- GitHub

    def github(self, method, path, query, body):
        pr = STATE["github"]
        prefix = f"/repos/{pr['repository']}"
        number = pr["number"]
        if path == f"{prefix}/pulls/{number}":
            if method == "GET":
                return 200, {"number": number, "body": pr["body"]}, {}
            if method == "PATCH":
                if "body" in body:
                    pr["body"] = body["body"]
                return 200, {"number": number, "body": pr["body"]}, {}
        if path == f"{prefix}/issues/{number}/comments":
            if method == "GET":
                items, page, per_page, last = self.page(pr["comments"], query)
                base = f"http://{self.headers.get('Host')}{path}?per_page={per_page}"
                links = []
                if page < max(last, STATE["endless_pages"]):
                    links.append(f'<{base}&page={page + 1}>; rel="next"')
                links.append(f'<{base}&page={last}>; rel="last"')
                return 200, items, {"Link": ", ".join(links)}
            if method == "POST":
                comment = {"id": self.new_id(), "body": body.get("body", ""), "user": {"login": "github-actions[bot]"}}
                pr["comments"].append(comment)
                return 201, comment, {}
        match = re.fullmatch(rf"{re.escape(prefix)}/issues/comments/(\d+)", path)
        if match and method == "PATCH":
            for comment in pr["comments"]:
                if comment["id"] == int(match.group(1)):
                    comment["body"] = body.get("body", "")
                    return 200, comment, {}
        return 404, {"message": "Not Found"}, {}

    # -- GitLab

    def gitlab(self, method, path, query, body):
        mr = STATE["gitlab"]
        match = re.fullmatch(r"/api/v4/projects/([^/]+)/merge_requests/(\d+)(/notes(?:/(\d+))?)?", path)
        if not match or unquote(match.group(1)) != str(mr["project"]) or int(match.group(2)) != mr["iid"]:
            return 404, {"message": "404 Not found"}, {}
        notes, note_id = match.group(3), match.group(4)
        if not notes:
            if method == "GET":
                return 200, {"iid": mr["iid"], "description": mr["description"]}, {}
            if method == "PUT":
                if "description" in body:
                    mr["description"] = body["description"]
                return 200, {"iid": mr["iid"], "description": mr["description"]}, {}
        elif note_id is None:
            if method == "GET":
                newest_first = sorted(mr["notes"], key=lambda note: note["id"], reverse=True)
                items, page, per_page, last = self.page(newest_first, query)
                headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(newest_first)),
                           "X-Next-Page": str(page + 1) if page < max(last, STATE["endless_pages"]) else ""}
                return 200, items, headers
            if method == "POST":
                note = {"id": self.new_id(), "body": body.get("body", ""), "system": False}
                mr["notes"].append(note)
                return 201, note, {}
        elif method == "PUT":
            for note in mr["notes"]:
                if note["id"] == int(note_id):
                    note["body"] = body.get("body", "")
                    return 200, note, {}
        return 404, {"message": "404 Not found"}, {}

    def new_id(self):
        STATE["next_id"] += 1
        return STATE["next_id"]


def exit_when_stdin_closes():
    """Stops the server when the test process that started it goes away."""
    try:
        while sys.stdin.buffer.read(1024):
            pass
    finally:
        import os
        os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state", required=True, help="the seed JSON file")
    args = parser.parse_args()
    # A child of a thread that blocks signals (libdispatch's workers do) inherits the mask:
    # unblock them so the test's SIGTERM stops the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    load(args.state)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
