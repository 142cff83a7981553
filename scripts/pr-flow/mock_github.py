"""A local stand-in for the part of GitHub's REST API that `guard comment` uses (guard/src/github/client.rs).

    python3 mock_github.py --state STATE.json --port-file PORT_FILE [--port 0]

Routes (everything else answers 404 and is logged as unexpected):
    GET   /repos/{owner}/{repo}/pulls/{n}                      the PR (number, state, head.sha, base.sha)
    GET   /repos/{owner}/{repo}/issues/{n}/comments?per_page&page  one page, with a `Link` header (next, last)
    POST  /repos/{owner}/{repo}/issues/{n}/comments            create ({"body"}); the author is the token's
    PATCH /repos/{owner}/{repo}/issues/comments/{id}           update ({"body"})
    GET   /repos/{owner}/{repo}/issues/comments/{id}           one comment

Requests need `Authorization: Bearer <token>` (or `token <token>`) with the token in the state file (401
otherwise, as GitHub answers a bad token); a body over 65,536 characters is refused with 422, like GitHub.

The state lives in a JSON file that is read on every request and replaced atomically after every change, so the
scenario (state.py) can push a commit or forge a PR between runs and a later run sees earlier comments:

    {"token": "...", "bot": {"login": "github-actions[bot]", "type": "Bot"},
     "repos": {"o/r": {"pulls": {"7": {...}}, "comments": {"7": [{...}]}}},
     "next_comment_id": 1000, "requests": [{"method", "path", "status"}]}

Python standard library only.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

MAX_BODY_CHARS = 65_536
LOCK = threading.Lock()


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def save(path: Path, state: dict) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


ROUTES = [
    ("GET", re.compile(r"^/repos/([^/]+/[^/]+)/pulls/(\d+)$"), "pull"),
    ("GET", re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$"), "list"),
    ("POST", re.compile(r"^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$"), "create"),
    ("PATCH", re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$"), "update"),
    ("GET", re.compile(r"^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$"), "get_comment"),
]


class Handler(BaseHTTPRequestHandler):
    server_version = "pr-flow-mock-github/1"
    state_path: Path

    def log_message(self, fmt, *args):  # noqa: D401 - quieter than the default, to stderr
        sys.stderr.write("mock-github: " + (fmt % args) + "\n")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def answer(self, status: int, payload, headers=None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-RateLimit-Remaining", "4999")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def dispatch(self, method: str):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        with LOCK:
            state = load(self.state_path)
            status, payload, headers = self.route(state, method, url, raw)
            state.setdefault("requests", []).append(
                {"method": method, "path": url.path, "query": url.query, "status": status, "at": now()}
            )
            save(self.state_path, state)
        self.answer(status, payload, headers)

    def route(self, state, method, url, raw):
        auth = self.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() not in ("bearer", "token") or token.strip() != state["token"]:
            return 401, {"message": "Bad credentials"}, {}
        for m, pattern, name in ROUTES:
            match = pattern.match(url.path)
            if match and m == method:
                repo = state["repos"].get(match.group(1))
                if repo is None:
                    return 404, {"message": "Not Found"}, {}
                return getattr(self, name)(state, repo, match.group(1), int(match.group(2)), url, raw)
        sys.stderr.write(f"mock-github: UNEXPECTED request {method} {self.path}\n")
        return 404, {"message": "Not Found (pr-flow mock: route not implemented)"}, {}

    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def pull(self, state, repo, name, number, url, raw):
        pr = repo["pulls"].get(str(number))
        if pr is None:
            return 404, {"message": "Not Found"}, {}
        return 200, pr, {}

    def list(self, state, repo, name, number, url, raw):
        if str(number) not in repo["pulls"]:
            return 404, {"message": "Not Found"}, {}
        q = parse_qs(url.query)
        try:
            per_page = min(max(int(q.get("per_page", ["30"])[0]), 1), 100)
            page = max(int(q.get("page", ["1"])[0]), 1)
        except ValueError:
            return 422, {"message": "Validation Failed: per_page and page must be numbers"}, {}
        comments = repo["comments"].get(str(number), [])
        last = max(1, -(-len(comments) // per_page))
        chunk = comments[(page - 1) * per_page : page * per_page]
        headers = {}
        if page < last:
            link = f"{self.base_url()}/repos/{name}/issues/{number}/comments?per_page={per_page}&page="
            headers["Link"] = f'<{link}{page + 1}>; rel="next", <{link}{last}>; rel="last"'
        return 200, chunk, headers

    def body_of(self, raw):
        try:
            body = json.loads(raw or b"{}").get("body")
        except (ValueError, AttributeError):
            return None, (400, {"message": "Problems parsing JSON"}, {})
        if not isinstance(body, str):
            return None, (422, {"message": "Validation Failed: body is missing"}, {})
        if len(body) > MAX_BODY_CHARS:
            return None, (422, {"message": "Validation Failed: body is too long (maximum is 65536 characters)"}, {})
        return body, None

    def create(self, state, repo, name, number, url, raw):
        if str(number) not in repo["pulls"]:
            return 404, {"message": "Not Found"}, {}
        body, err = self.body_of(raw)
        if err:
            return err
        cid = state["next_comment_id"]
        state["next_comment_id"] = cid + 1
        comment = {
            "id": cid,
            "body": body,
            "user": dict(state["bot"]),
            "html_url": f"{self.base_url()}/{name}/pull/{number}#issuecomment-{cid}",
            "created_at": now(),
            "updated_at": now(),
        }
        repo["comments"].setdefault(str(number), []).append(comment)
        return 201, comment, {}

    def find_comment(self, repo, cid):
        for comments in repo["comments"].values():
            for c in comments:
                if c["id"] == cid:
                    return c
        return None

    def update(self, state, repo, name, cid, url, raw):
        comment = self.find_comment(repo, cid)
        if comment is None:
            return 404, {"message": "Not Found"}, {}
        body, err = self.body_of(raw)
        if err:
            return err
        comment["body"] = body
        comment["updated_at"] = now()
        return 200, comment, {}

    def get_comment(self, state, repo, name, cid, url, raw):
        comment = self.find_comment(repo, cid)
        return (200, comment, {}) if comment else (404, {"message": "Not Found"}, {})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--state", required=True, type=Path)
    ap.add_argument("--port", type=int, default=0, help="0: any free port")
    ap.add_argument("--port-file", required=True, type=Path, help="written once the server listens")
    args = ap.parse_args()
    load(args.state)  # fail now, not on the first request, when the state file is unusable
    Handler.state_path = args.state.resolve()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    args.port_file.write_text(f"{server.server_address[1]}\n")
    sys.stderr.write(f"mock-github: listening on http://127.0.0.1:{server.server_address[1]} ({args.state})\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
