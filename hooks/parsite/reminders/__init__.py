"""Đôn đốc: reminders to the units and the office (digests → messages → .eml files or SMTP).

Used by scripts/remind only; nothing here is part of the published site.
"""

from __future__ import annotations

from datetime import datetime

from ..data_in import progress
from ..data_in.contacts import Contacts
from ..data_in.model import Site
from ..outputs.feeds import authority
from .digest import office_digest, unit_digest
from .message import Reminder, office_reminder, unit_reminder


def compose(
    site: Site,
    contacts: Contacts | None,
    sender: str | None,
    sent: datetime,
    site_url: str | None = None,
    within: int = progress.DUE_SOON_DAYS,
) -> tuple[list[Reminder], list[str]]:
    """The messages of `site.today` (a unit or the office with nothing to say gets none), and the
    names of the units that have something to say but no address in `contacts`.

    Without contacts every message is made, addressed to nobody: a preview of what would be sent.
    """
    domain = authority(site)
    reminders, unreachable = [], []
    for unit in site.agency.units:
        if not unit.exists_on(site.today):
            continue  # ended: its open tasks are in the digest of the unit that took them over
        digest = unit_digest(site, unit, within, site_url)
        if digest.empty:
            continue
        to = contacts.of(unit.id) if contacts else ()
        if contacts and not to:
            unreachable.append(digest.name)
            continue
        reminders.append(unit_reminder(digest, to, sender, sent, domain))
    office = office_digest(site, site_url)
    if not office.empty and (contacts is None or contacts.office):
        reminders.append(office_reminder(office, contacts.office if contacts else (), sender, sent, domain))
    return reminders, unreachable
