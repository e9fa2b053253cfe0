"""What a build is told from outside its data, read once and passed down.

The environment is read here and nowhere else in the core: the MkDocs adapter and the scripts
build one `Settings` (from `mkdocs.yml`'s folder and address and from the environment) and
hand it, or the values in it, to the functions they call.

- SITE_TODAY=YYYY-MM-DD pins "today" (in Asia/Ho_Chi_Minh otherwise): overdue tasks, reports;
- SOURCE_DATE_EPOCH (seconds) pins the build time shown in the footer, calendars and workbooks;
  without it, SITE_TODAY also moves the build time to that day (the footer names one day);
- PARSITE_CACHE: the build cache's folder, or `off` (default `.cache/parsite/` in the project);
- PARSITE_PREVIOUS: the live release's snapshot (a file or a release folder), compared in the
  change summary; without it, a DEPLOY_TARGET that is a local folder gives `current/`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import clock

CACHE_DEFAULT = Path(".cache") / "parsite"
CACHE_OFF = ("off", "0", "no", "false")


@dataclass(frozen=True)
class Settings:
    """One build's settings (raise clock.ClockError when a pinned date cannot be read)."""

    root: Path  # the project: mkdocs.yml, data/, docs/
    today: date
    built: datetime  # the build time, in Vietnam
    built_pinned: bool  # SOURCE_DATE_EPOCH set: two builds share the build time
    cache: Path | None  # None: no build cache
    previous: str  # PARSITE_PREVIOUS, as given
    deploy_target: str  # DEPLOY_TARGET, as given (a secret in CI: never printed)
    site_url: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @classmethod
    def from_environment(
        cls, root: Path, site_url: str | None = None, environ: Mapping[str, str] = os.environ
    ) -> Settings:
        built = clock.build_time(environ)
        today = clock.today(environ, built)
        built = clock.on_pinned_day(environ, built, today)
        configured = environ.get("PARSITE_CACHE", "").strip()
        cache: Path | None = None
        if configured.lower() not in CACHE_OFF:
            cache = Path(configured) if configured else CACHE_DEFAULT
            cache = cache if cache.is_absolute() else root / cache
        return cls(
            root=root,
            today=today,
            built=built,
            built_pinned=bool(environ.get("SOURCE_DATE_EPOCH")),
            cache=cache,
            previous=environ.get("PARSITE_PREVIOUS", "").strip(),
            deploy_target=environ.get("DEPLOY_TARGET", "").strip(),
            site_url=site_url or None,
        )
