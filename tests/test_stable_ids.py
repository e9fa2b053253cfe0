"""Feed ids and calendar UIDs come from one stable key (agency.yml's `agency.id`, by default made
from the agency's first short name): renaming or merging the agency changes none of them."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from helpers import GOLDEN, ROOT
from parsite.outputs import calendars, feeds, overdue
from parsite.problems import DataError
from parsite.site import load_site

REORGANISED = GOLDEN / "reorganised-agency" / "data"
RENAMED = date(2025, 3, 1)  # the merger in the case's agency.history: Sở TN&MT becomes Sở NN&MT
BEFORE, AFTER = date(2025, 2, 15), date(2025, 6, 30)
ATOM_ID = "{http://www.w3.org/2005/Atom}id"


def ids(data: Path, today: date) -> dict[str, list[str]]:
    """Every feed's and entry's id and every calendar UID of a site, by file."""
    site = load_site(data, ROOT, today=today)
    found: dict[str, list[str]] = {}
    atom = feeds.feed_files(site) | {overdue.feed_path(u): overdue.feed_bytes(site, u, None) for u in site.agency.units}
    for path, body in atom.items():
        found[path] = [node.text or "" for node in ET.fromstring(body).iter(ATOM_ID)]
    for path, body in calendars.calendar_files(site).items():
        found[path] = re.findall(r"^UID:(.*)\r$", body.decode("utf-8"), re.MULTILINE)
    return found


def authorities(found: dict[str, list[str]]) -> set[str]:
    """The authority of each tag: id (tag:AUTHORITY,YEAR:...) and UID (ANCHOR@AUTHORITY)."""
    return {
        (re.fullmatch(r"tag:([^,]+),\d{4}:.+", value) or re.fullmatch(r"[^@]+@(.+)", value))[1]  # type: ignore[index]
        for values in found.values()
        for value in values
    }


def copy_data(tmp_path: Path, edit: tuple[str, str] | None = None) -> Path:
    data = tmp_path / "data"
    shutil.copytree(REORGANISED, data)
    if edit:
        agency = data / "agency.yml"
        text = agency.read_text(encoding="utf-8")
        assert edit[0] in text
        agency.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    return data


def test_a_renamed_agency_keeps_every_id(tmp_path: Path) -> None:
    site = load_site(REORGANISED, ROOT, today=AFTER)
    assert site.agency.short == "Sở NN&MT" and site.agency.first_short == "Sở TN&MT"
    assert site.agency.history[0].date == RENAMED
    before, after = ids(REORGANISED, BEFORE), ids(REORGANISED, AFTER)
    # The data before the merger was recorded: the same agency, its first names only.
    unrecorded = copy_data(tmp_path)
    agency = (unrecorded / "agency.yml").read_text(encoding="utf-8")
    (unrecorded / "agency.yml").write_text(re.sub(r"(?ms)^  history:\n.*?(?=^units:)", "", agency), encoding="utf-8")
    assert not load_site(unrecorded, ROOT, today=BEFORE).agency.history
    assert ids(unrecorded, BEFORE) == before and ids(unrecorded, AFTER) == after
    assert sum(len(v) for v in after.values()) > 20  # feeds, entries and events, not an empty check
    assert authorities(before) == authorities(after) == {"so-tnmt.chi-so-cchc"}
    for path in after:
        if path.startswith(overdue.PREFIX):
            # Which tasks are overdue depends on the day; the feed's own id does not.
            assert before[path][0] == after[path][0]
        else:
            assert before[path] == after[path], path


def test_ids_use_the_key_written_in_agency_yml(tmp_path: Path) -> None:
    data = copy_data(tmp_path, ("  short: Sở TN&MT\n", "  short: Sở TN&MT\n  id: so-nnmt-hoa-lam\n"))
    site = load_site(data, ROOT, today=AFTER)
    assert site.agency.id == "so-nnmt-hoa-lam"
    found = ids(data, AFTER)
    assert authorities(found) == {"so-nnmt-hoa-lam.chi-so-cchc"}
    assert feeds.authority(site) == "so-nnmt-hoa-lam.chi-so-cchc"
    uid = next(v for path, values in found.items() if path.endswith(".ics") for v in values)
    assert uid.endswith("@so-nnmt-hoa-lam.chi-so-cchc")


@pytest.mark.parametrize("key", ["Sở NN&MT", "so_nnmt", "-so-nnmt", "a" * 65])
def test_a_key_that_is_not_a_plain_slug_is_refused(tmp_path: Path, key: str) -> None:
    data = copy_data(tmp_path, ("  short: Sở TN&MT\n", f'  short: Sở TN&MT\n  id: "{key}"\n'))
    with pytest.raises(DataError) as error:
        load_site(data, ROOT, today=AFTER)
    assert re.search(r"data/agency.yml:7:7: agency\.id: .* \[invalid-value\]$", str(error.value))


def test_the_seed_keeps_its_published_ids() -> None:
    """No `id` in the seed's agency.yml: the default from its first short name, as published."""
    site = load_site(ROOT / "data", ROOT, today=AFTER)
    assert feeds.authority(site) == "so-ld-tbxh.chi-so-cchc"
    body = feeds.feed_files(site)[feeds.feed_path()]
    assert ET.fromstring(body).find(ATOM_ID).text == "tag:so-ld-tbxh.chi-so-cchc,2024:tien-do.xml"  # type: ignore[union-attr]
