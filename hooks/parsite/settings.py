"""What a build is told from outside its data, read once and passed down.

The environment is read here and nowhere else in the core: the MkDocs adapter and the scripts
build one `Settings` (from `mkdocs.yml`'s folder and address and from the environment) and
hand it, or the values in it, to the functions they call.

- SITE_TODAY=YYYY-MM-DD pins "today" (in Asia/Ho_Chi_Minh otherwise): overdue tasks, reports;
- SOURCE_DATE_EPOCH (seconds) pins the build time shown in the footer, calendars and workbooks;
  without it, SITE_TODAY also moves the build time to that day (the footer names one day);
- PARSITE_CACHE: the build cache's folder, or `off` (default `.cache/parsite/` in the project);
- PARSITE_PREVIOUS: the live release's snapshot (a file or a release folder), compared in the
  change summary; without it, a DEPLOY_TARGET that is a local folder gives `current/`;
- PARSITE_CONTACTS: the contacts file of the reminders (default `data/contacts.yml`), for an
  agency that keeps addresses out of the repository;
- SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, SMTP_SECURITY: the mail server the
  reminders are sent through (`Smtp`; read only by scripts/remind, the password never printed).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parseaddr
from pathlib import Path

from . import clock

CACHE_DEFAULT = Path(".cache") / "parsite"
CONTACTS_DEFAULT = Path("data") / "contacts.yml"
SECURITY = ("starttls", "ssl", "none")
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
    contacts: Path | None = None  # None: the default, data/contacts.yml

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def contacts_file(self) -> Path:
        """Danh bạ: the reminders' addresses (never published)."""
        return self.contacts or self.root / CONTACTS_DEFAULT

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
            contacts=_path(root, environ.get("PARSITE_CONTACTS", "")),
        )


def _path(root: Path, configured: str) -> Path | None:
    configured = configured.strip()
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_absolute() else root / path


class SmtpError(ValueError):
    """An SMTP_* setting is not usable (the message never holds the password)."""


@dataclass(frozen=True)
class Smtp:
    """The mail server the reminders go through; None from `from_environment` when SMTP_HOST is
    not set (the reminders are then written as files, not sent)."""

    host: str
    port: int
    sender: str  # SMTP_FROM
    security: str  # starttls | ssl | none
    user: str = ""
    password: str = field(default="", repr=False)  # a secret: never in a repr, a log or a message

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Smtp | None:
        host = environ.get("SMTP_HOST", "").strip()
        if not host:
            return None
        security = environ.get("SMTP_SECURITY", "starttls").strip().lower() or "starttls"
        if security not in SECURITY:
            raise SmtpError(f"SMTP_SECURITY={security!r}: phải là một trong {', '.join(SECURITY)}")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        port_text = environ.get("SMTP_PORT", "").strip()
        try:
            port = int(port_text) if port_text else default_port
        except ValueError:
            raise SmtpError(f"SMTP_PORT={port_text!r}: phải là số cổng (ví dụ 587)") from None
        if not 0 < port < 65536:
            raise SmtpError(f"SMTP_PORT={port_text!r}: phải là số cổng từ 1 đến 65535")
        user = environ.get("SMTP_USER", "").strip()
        sender = environ.get("SMTP_FROM", "").strip() or user
        if "@" not in parseaddr(sender)[1]:
            raise SmtpError(f"SMTP_FROM={sender!r}: phải là địa chỉ người gửi, như 'Văn phòng <vp@example.gov.vn>'")
        return cls(host, port, sender, security, user, environ.get("SMTP_PASSWORD", ""))
