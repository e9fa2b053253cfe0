"""Serve a built site on 127.0.0.1 and drive it with Playwright in Debian's Chromium.

The server and the browser settings are the ones scripts/lighthouse.py measures with
(scripts/_serve.py): one definition for tests and measurements.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from _serve import CHROMIUM, CHROMIUM_ARGS, serve

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "serve"]
