"""The documented server configurations (docs/maintainers/server/): they quote the policy of
parsite.outputs.csp, nginx and Apache parse them, and under nginx running them every page of the
built site works in Chromium with no script refused, while a script in an SVG opened at its own
address does not run."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import ROOT
from parsite.outputs.csp import policy, unlisted_scripts
from playwright.sync_api import Browser

SERVER = ROOT / "docs" / "maintainers" / "server"
NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"
BROTLI = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
MATERIAL_BASE = "partials/javascripts/base.html"


def _need(program: str, package: str) -> None:
    if not Path(program).exists():
        pytest.fail(f"{program} is missing: install Debian's {package} (scripts/test installs it as root)")


def test_both_configurations_send_the_policy_of_the_core() -> None:
    nginx = (SERVER / "nginx.conf").read_text(encoding="utf-8")
    apache = (SERVER / "apache.conf").read_text(encoding="utf-8")
    assert f'add_header Content-Security-Policy "{policy()}" always;' in nginx
    assert f'Header always set Content-Security-Policy "{policy()}"' in apache
    for directive in ("object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'"):
        assert directive in policy()
    assert "'unsafe-inline'" not in policy().split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-eval" not in policy()


def test_the_built_pages_run_no_inline_script_outside_the_policy(built_site: Path) -> None:
    assert unlisted_scripts(built_site) == []


def test_an_inline_script_outside_the_policy_is_named(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<script type="application/json">{}</script><script src="x.js"></script><SCRIPT>alert(1)</script >',
        encoding="utf-8",
    )
    assert unlisted_scripts(tmp_path) == ["a/index.html: sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="]


def test_our_copy_of_materials_scope_script_differs_from_it_only_in_the_scope() -> None:
    """hooks/theme overrides Material's partial so its text is the same on every page (one hash):
    an upgrade of Material that changes the partial must be carried over."""
    import material

    theirs = (Path(material.__file__).parent / "templates" / MATERIAL_BASE).read_text(encoding="utf-8")
    ours = (ROOT / "hooks" / "theme" / MATERIAL_BASE).read_text(encoding="utf-8")
    script = re.compile(r"<script[^>]*>(.*)</script>", re.S)
    their_script, our_script = script.search(theirs)[1], script.search(ours)[1]  # type: ignore[index]
    assert (
        their_script.replace(
            'new URL("{{ config.extra.scope | d(base_url) }}",location)',
            "new URL(document.currentScript.dataset.mdScope,location)",
        )
        == our_script
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_config(folder: Path, site: Path, port: int) -> Path:
    snippet = (SERVER / "nginx.conf").read_text(encoding="utf-8")
    snippet = snippet.replace("root /srv/chi-so-cchc/current;", f"root {site};")
    temp = "\n".join(
        f"{name}_temp_path {folder / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = folder / "nginx.conf"
    config.write_text(
        f"""daemon off;
master_process off;
error_log {folder / "error.log"};
pid {folder / "nginx.pid"};
load_module {BROTLI};
events {{}}
http {{
    access_log off;
    {temp}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        {snippet}
    }}
}}
""",
        encoding="utf-8",
    )
    return config


@contextmanager
def nginx(site: Path, folder: Path) -> Iterator[str]:
    _need(NGINX, "nginx-light")
    _need(BROTLI, "libnginx-mod-http-brotli-static")
    port = _free_port()
    config = _nginx_config(folder, site, port)
    server = subprocess.Popen([NGINX, "-c", str(config), "-p", str(folder)])
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (folder / "error.log").read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "nginx did not answer"
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(10)


def test_nginx_parses_the_configuration(tmp_path: Path) -> None:
    _need(NGINX, "nginx-light")
    config = _nginx_config(tmp_path, tmp_path, _free_port())
    result = subprocess.run([NGINX, "-t", "-c", str(config), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_apache_parses_the_configuration(tmp_path: Path) -> None:
    _need(APACHE, "apache2")
    modules = Path("/usr/lib/apache2/modules")
    loads = "\n".join(
        f"LoadModule {name}_module {modules / f'mod_{name}.so'}"
        for name in ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "alias")
    )
    config = tmp_path / "apache.conf"
    config.write_text(
        f"""ServerRoot {tmp_path}
{loads}
Listen 127.0.0.1:{_free_port()}
PidFile {tmp_path / "apache.pid"}
ErrorLog {tmp_path / "error.log"}
ServerName localhost
DocumentRoot {tmp_path}
<Directory {tmp_path}>
    Require all granted
    Include {SERVER / "apache.conf"}
</Directory>
""",
        encoding="utf-8",
    )
    result = subprocess.run([APACHE, "-t", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Syntax OK" in result.stdout + result.stderr


HOSTILE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    "<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push(e.violatedDirective + " " + e.blockedURI)
});
"""


def test_every_page_works_under_nginx_with_the_policy(built_site: Path, browser: Browser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    (site / "assets" / "thu.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    with nginx(site, tmp_path) as url:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as response:
            assert response.headers["Content-Security-Policy"] == policy()
            assert response.headers["Content-Encoding"] == "gzip"
        context = browser.new_context(locale="vi-VN")
        context.add_init_script(COLLECT_VIOLATIONS)
        tab = context.new_page()
        errors: list[str] = []
        dialogs: list[str] = []
        tab.on("console", lambda m: errors.append(f"{tab.url}: {m.text}") if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(f"{tab.url}: {e}"))
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in pages:
            tab.goto(url + path.removesuffix("index.html"))
            tab.wait_for_load_state("load")
            assert tab.evaluate("window.__violations") == [], path
            assert tab.evaluate("typeof __md_get") == "function", path  # the theme's inline script ran
        # What the inline and external scripts do: search answers, the finder filters, the switch works.
        tab.goto(url)
        box = tab.locator("input.md-search__input")
        box.click()
        tab.locator(".md-search-result__meta").filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()
        box.fill("cai cach")
        box.press("End")  # as tests/test_search_browser.py: the key starts the query
        tab.locator("li.md-search-result__item").first.wait_for()
        tab.keyboard.press("Escape")
        scheme = tab.evaluate("document.body.dataset.mdColorScheme")
        tab.locator("form[data-palette] label:visible").first.click()
        assert tab.evaluate("document.body.dataset.mdColorScheme") != scheme
        tab.goto(url + "tra-cuu/")
        tab.wait_for_function("performance.getEntriesByName('finder-ready').length > 0")
        assert not errors, errors
        tab.goto(url + "assets/bieu-trung.svg")
        assert tab.evaluate("document.documentElement.localName") == "svg"
        tab.goto(url + "assets/thu.svg")  # the policy, not the emblem's cleaning, stops this one
        tab.wait_for_timeout(200)
        context.close()
    assert dialogs == []
    refused = [e for e in errors if "Content Security Policy" in e]  # besides the favicon.ico an SVG asks for
    assert len(refused) == 1 and "thu.svg: Executing inline script violates" in refused[0], errors
