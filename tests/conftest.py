from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # Playwright is imported by the browser fixtures only: a unit test runs without it
    from playwright.sync_api import Browser, Page

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import CHROMIUM, CHROMIUM_ARGS, serve
from helpers import GOLDEN, ROOT, copy_project, generate_data, mkdocs_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site (mkdocs.yml + data/) built once into a temporary folder."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen", action="store_true", help="rewrite the expected output of golden tests (review the diff!)"
    )


@pytest.fixture
def regen(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regen"))


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1 for the whole session."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def data_sets(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The seed and three other data sets (both test data sets, generated data), built on one day
    and served: the base URL of each by name."""
    root = tmp_path_factory.mktemp("data-sets")
    folders = {"seed": built_site}
    for name, data in (
        ("other-agency", GOLDEN / "other-agency" / "data"),
        ("reorganised-agency", GOLDEN / "reorganised-agency" / "data"),
        ("generated", generate_data(root / "generated-data", tasks=60, years=7, units=5)),
    ):
        project = copy_project(root / name, data)
        result = mkdocs_build(project, root / f"{name}-site", SITE_TODAY="2026-02-15")
        assert result.returncode == 0, result.stderr
        folders[name] = root / f"{name}-site"
    with (
        serve(folders["seed"]) as seed,
        serve(folders["other-agency"]) as other,
        serve(folders["reorganised-agency"]) as reorganised,
        serve(folders["generated"]) as generated,
    ):
        yield {"seed": seed, "other-agency": other, "reorganised-agency": reorganised, "generated": generated}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (its own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test installs it as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that fails the test on any console error or uncaught exception."""
    context = browser.new_context(locale="vi-VN")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert not errors, f"console errors: {errors}"
