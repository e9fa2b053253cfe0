"""Serve a built site on 127.0.0.1 the way the portal's server is configured (README):
a request that accepts gzip gets the precompressed `.gz` file written by the build."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GzipStaticHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler that answers with `FILE.gz` (Content-Encoding: gzip) when it exists."""

    def log_message(self, format: str, *args: object) -> None:
        pass

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
def serve_gzip(root: Path) -> Iterator[str]:
    """Serve `root` with its precompressed files on a free port of 127.0.0.1; yield the base URL."""
    handler = functools.partial(GzipStaticHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
