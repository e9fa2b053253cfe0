"""Reminders out: written as .eml files (a dry run) or sent through an SMTP server (smtplib).

What was delivered is recorded, message by message and address by address, in a small JSON file
kept with the build cache (the folder the nightly run keeps between runs): a second run on the same
day sends nothing twice, and an address that failed is tried again on the next run. One address
failing does not stop the others; the caller gets every failure to report.
"""

from __future__ import annotations

import contextlib
import json
import os
import smtplib
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parseaddr
from pathlib import Path

from ..settings import Smtp
from .message import Reminder

RECORD = Path("thu-nhac") / "da-gui.json"  # under the cache folder
KEEP_DAYS = 40  # a record older than this cannot matter: messages are keyed by their day


def write_eml(reminders: list[Reminder], folder: Path) -> list[Path]:
    """Each message as `folder/DAY_KIND_ID.eml` (opened by any mail program)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for reminder in reminders:
        path = folder / (reminder.key.replace("/", "_") + ".eml")
        path.write_bytes(reminder.message.as_bytes())
        written.append(path)
    return written


class Record:
    """Đã gửi: message key → the addresses it was delivered to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sent: dict[str, list[str]] = {}
        with contextlib.suppress(FileNotFoundError):
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.sent = {k: list(v) for k, v in loaded.items() if isinstance(v, list)}

    def done(self, key: str, address: str) -> bool:
        return address.lower() in (a.lower() for a in self.sent.get(key, ()))

    def add(self, key: str, address: str, today: date) -> None:
        self.sent.setdefault(key, []).append(address)
        self._save(today)

    def _save(self, today: date) -> None:
        oldest = (today - timedelta(days=KEEP_DAYS)).isoformat()
        kept = {k: v for k, v in sorted(self.sent.items()) if k[:10] >= oldest}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole then renamed: a run stopped half-way never leaves a record that loses sends.
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(kept, out, ensure_ascii=False, indent=1)
        os.replace(temporary, self.path)


@dataclass
class Outcome:
    delivered: list[tuple[str, str]] = field(default_factory=list)  # (key, address)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # sent by an earlier run today
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # (key, address, why)


def _connect(smtp: Smtp) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=60, context=context)
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=60)
        if smtp.security == "starttls":
            server.starttls(context=context)
    if smtp.user:
        try:
            server.login(smtp.user, smtp.password)
        except UnicodeError:
            # smtplib sends the login in ASCII; its own message would quote a character of the password.
            _close(server)
            raise smtplib.SMTPException("SMTP_USER, SMTP_PASSWORD: chỉ dùng được chữ không dấu (ASCII)") from None
    return server


def _why(exc: BaseException) -> str:
    """A failure in one line. smtplib's errors carry the server's reply, never the password."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"máy chủ từ chối địa chỉ ({code} {reply.decode('utf-8', 'replace')})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"máy chủ trả lời {exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace')}"
    return f"{type(exc).__name__}: {exc}"


def send(reminders: list[Reminder], smtp: Smtp, record: Record, today: date) -> Outcome:
    """Send each message to each of its addresses not yet recorded as sent."""
    outcome = Outcome()
    # The envelope takes the bare address: with the display name ("Văn phòng Sở <…>") smtplib would
    # ask for SMTPUTF8 and send the headers unencoded.
    envelope_from = parseaddr(smtp.sender)[1]
    server: smtplib.SMTP | None = None
    try:
        for reminder, address in _pending(reminders, record, outcome):
            try:
                if server is None:
                    server = _connect(smtp)
                server.send_message(reminder.message, from_addr=envelope_from, to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as exc:  # this address only: the connection is fine
                outcome.failed.append((reminder.key, address, _why(exc)))
                continue
            except (smtplib.SMTPException, OSError) as exc:
                outcome.failed.append((reminder.key, address, _why(exc)))
                server = _close(server)  # start afresh for the next address
                continue
            record.add(reminder.key, address, today)
            outcome.delivered.append((reminder.key, address))
    finally:
        _close(server)
    return outcome


def _pending(reminders: list[Reminder], record: Record, outcome: Outcome) -> Iterator[tuple[Reminder, str]]:
    for reminder in reminders:
        for address in reminder.to:
            if record.done(reminder.key, address):
                outcome.skipped.append((reminder.key, address))
            else:
                yield reminder, address


def _close(server: smtplib.SMTP | None) -> None:
    if server is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
