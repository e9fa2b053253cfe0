"""Serve a built site on 127.0.0.1, and the Chromium that browses it (tests and measurements).

`serve(root)` answers as a plain static server; `serve(root, precompressed=True)` answers the
way the portal's server is configured (README): a request that accepts gzip gets the `.gz`
file the build wrote beside each text file.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Debian's Chromium (Playwright's own browser download does not work here), with the flags
# that keep it from reaching the network.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


class GzipStaticHandler(QuietHandler):
    """Answers with `FILE.gz` (Content-Encoding: gzip) when it exists and the client accepts gzip."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = os.path.join(path, "index.html")
        packed = path + ".gz"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(packed):
            return super().send_head()
        handle = open(packed, "rb")  # noqa: SIM115 (closed by the base class after copying)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.end_headers()
        return handle


@contextmanager
def serve(root: Path, *, precompressed: bool = False) -> Iterator[str]:
    """Serve `root` on a free port of 127.0.0.1; yield the base URL."""
    handler_class = GzipStaticHandler if precompressed else QuietHandler
    handler = functools.partial(handler_class, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
