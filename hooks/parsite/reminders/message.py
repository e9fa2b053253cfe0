"""Digests → e-mail messages (the standard library's `email`): plain text and HTML, in Vietnamese.

Each message has a stable key (the day, and `don-vi/ID` or `van-phong`): its Message-ID is made
from it, and the record of what was sent (parsite.reminders.send) is kept by it, so a second run
on the same day sends nothing twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import jinja2

from .. import fmt
from .digest import OfficeDigest, UnitDigest


@dataclass(frozen=True)
class Reminder:
    """One message to send: to whom, and the message itself (its To: header set when known)."""

    key: str  # "2024-10-15/don-vi/thanh-tra", "2024-10-15/van-phong"
    to: tuple[str, ...]
    message: EmailMessage


@functools.cache
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parsite", "templates/mail"),
        undefined=jinja2.StrictUndefined,
        autoescape=html,  # every data text reaches the HTML part escaped
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(day=fmt.day, deadline=fmt.deadline, oneline=lambda text: " ".join(str(text).split()))
    return env


def _render(name: str, **context: object) -> tuple[str, str]:
    return (
        _environment(False).get_template(f"{name}.txt.j2").render(**context),
        _environment(True).get_template(f"{name}.html.j2").render(**context),
    )


def unit_subject(d: UnitDigest) -> str:
    parts = []
    if d.overdue:
        parts.append(f"{len(d.overdue)} nhiệm vụ quá hạn")
    if d.due_soon:
        parts.append(f"{len(d.due_soon)} nhiệm vụ sắp đến hạn")
    if d.supported:
        parts.append(f"{len(d.supported)} nhiệm vụ phối hợp cần lưu ý")
    return f"Đôn đốc nhiệm vụ CCHC ngày {fmt.day(d.day)}: {', '.join(parts)}"


def office_subject(d: OfficeDigest) -> str:
    parts = [f"{d.count} nhiệm vụ quá hạn" if d.count else "không có nhiệm vụ quá hạn"]
    if d.not_reported:
        parts.append(f"{len(d.not_reported)} đơn vị chưa báo cáo {d.report}")
    return f"Tổng hợp nhiệm vụ CCHC ngày {fmt.day(d.day)}: {', '.join(parts)}"


def _message(
    key: str, domain: str, subject: str, to: tuple[str, ...], sender: str | None, sent: datetime, text: str, html: str
) -> Reminder:
    message = EmailMessage()
    message["Subject"] = subject  # the library encodes it (RFC 2047) when it is written out
    if sender:
        message["From"] = sender
    if to:
        message["To"] = ", ".join(to)
    message["Date"] = format_datetime(sent)
    # Stable: the same reminder on the same day has the same id, whichever run wrote it.
    message["Message-ID"] = f"<{key.replace('/', '.')}@{domain}>"
    message["Content-Language"] = "vi"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-reply loops
    # Quoted-printable: an .eml file of a dry run stays readable, and any server takes it (7-bit).
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return Reminder(key, to, message)


def unit_reminder(d: UnitDigest, to: tuple[str, ...], sender: str | None, sent: datetime, domain: str) -> Reminder:
    subject = unit_subject(d)
    text, html = _render("unit", d=d, subject=subject)
    return _message(f"{d.day.isoformat()}/don-vi/{d.unit.id}", domain, subject, to, sender, sent, text, html)


def office_reminder(d: OfficeDigest, to: tuple[str, ...], sender: str | None, sent: datetime, domain: str) -> Reminder:
    subject = office_subject(d)
    text, html = _render("office", d=d, subject=subject)
    return _message(f"{d.day.isoformat()}/van-phong", domain, subject, to, sender, sent, text, html)
