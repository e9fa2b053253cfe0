"""Logo and favicon from the data: the agency's emblem when given, else a generated mark."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import serve
from defusedxml.ElementTree import fromstring
from helpers import GOLDEN, copy_project, mkdocs_build
from parsite.outputs.emblem import emblem, initials
from parsite.outputs.svg_clean import ATTRIBUTES, ELEMENTS, SVG, XLINK, XML, clean_svg, refusal
from parsite.problems import DataError
from parsite.site import load_site
from playwright.sync_api import Browser

BASE = GOLDEN / "other-agency" / "data"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_real_site_uses_a_generated_mark_not_materials_book(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/bieu-trung.svg">' in html
    header_logo = html.split('class="md-header__button md-logo"', 1)[1].split("</a>", 1)[0]
    assert '<img src="assets/bieu-trung.svg" alt="">' in header_logo
    assert "<svg" not in header_logo  # Material's inline book icon
    mark = (built_site / "assets" / "bieu-trung.svg").read_text(encoding="utf-8")
    assert ">SLĐT</text>" in mark  # Sở LĐ-TB&XH


@pytest.mark.parametrize(
    ("short", "expected"), [("Sở LĐ-TB&XH", "SLĐT"), ("Ban QLKCN", "BQLK"), ("sở nội vụ", "S"), ("<b>", "B")]
)
def test_initials(short: str, expected: str) -> None:
    assert initials(short) == expected


def test_generated_mark_escapes_the_name(tmp_path: Path) -> None:
    mark = emblem(None, "A<&", tmp_path).content.decode()
    assert ">A</text>" in mark and "<&" not in mark


def _with_emblem(tmp_path: Path, name: str, content: bytes) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    agency = data / "agency.yml"
    text = agency.read_text(encoding="utf-8")
    agency.write_text(text.replace("  short: Ban QLKCN\n", f"  short: Ban QLKCN\n  emblem: {name}\n"), "utf-8")
    (data / name).write_bytes(content)
    return data


def test_an_svg_that_runs_code_is_refused(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    assert "data/agency.yml:" in str(caught.value)
    assert "agency.emblem: tệp data/bieu-trung.svg chứa mã chạy được" in str(caught.value)


def test_a_png_that_is_not_one_is_refused(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.png", b"GIF89a")
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    assert "agency.emblem: tệp data/bieu-trung.png không phải ảnh PNG" in str(caught.value)


def test_the_agencys_emblem_becomes_logo_and_favicon(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.png", PNG)
    project = copy_project(tmp_path / "project", data)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/bieu-trung.png">' in html
    assert (tmp_path / "site" / "assets" / "bieu-trung.png").read_bytes() == PNG
    assert not (tmp_path / "site" / "assets" / "bieu-trung.svg").exists()


# --- SVG emblems: parsed, judged against an allowlist, published rebuilt (parsite.outputs.svg_clean) ---

HOSTILE = Path(__file__).parent / "fixtures" / "hostile_svg"
BENIGN = Path(__file__).parent / "fixtures" / "benign_svg"
CODE = "chứa mã chạy được"
LINK = "chứa liên kết hoặc tài nguyên ngoài tệp"
DOCTYPE = "có khai báo DOCTYPE hoặc ENTITY, không được phép (dòng 2)"
# Each hostile file and what its message must say (what is wrong, where).
REFUSED = {
    "prefixed-script.svg": [f"{CODE} (phần tử s:script, dòng 3)"],
    "default-namespace-script.svg": [f"{CODE} (phần tử script, dòng 2)"],
    "entity-encoded-javascript-href.svg": [
        f"{LINK} (phần tử a, dòng 2)",
        'thuộc tính href="javascript:alert(1)" ở phần tử a, dòng 2',
        'thuộc tính href="java\\u0009script:alert(2)" ở phần tử use, dòng 3',
    ],
    "internal-entity.svg": [DOCTYPE],
    "billion-laughs.svg": [DOCTYPE],
    "external-entity.svg": [DOCTYPE],
    "cdata-script.svg": [f"{CODE} (phần tử script, dòng 2)"],
    "xlink-javascript-a.svg": [f"{LINK} (phần tử a, dòng 2)", 'xlink:href="javascript:alert(1)" ở phần tử a'],
    "xlink-javascript-use.svg": [f'{CODE} (thuộc tính xlink:href="javascript:alert(1)" ở phần tử use, dòng 2)'],
    "set-href.svg": ["chứa hoạt ảnh", "phần tử set, dòng 2", 'thuộc tính to="javascript:alert(1)" ở phần tử set'],
    "animate-xlink-href.svg": ["chứa hoạt ảnh", "phần tử animate, dòng 2", 'values="javascript:alert(1)"'],
    "external-use.svg": [f'{LINK} (thuộc tính href="http://evil.example/x.svg#a" ở phần tử use, dòng 2)'],
    "style-url.svg": [f"{LINK} (CSS trong phần tử style, dòng 2)"],
    "style-import.svg": [f"{LINK} (CSS trong phần tử style, dòng 2)"],  # "@imp<!-- -->ort"
    "style-attribute-javascript-url.svg": [f'{CODE} (thuộc tính style="fill: url(jav\\u000aascript:alert(1))"'],
    "onload-root.svg": [f'{CODE} (thuộc tính OnLoad="alert(1)" ở phần tử svg, dòng 1)'],
    "onload-child.svg": ['thuộc tính onload="alert(1)" ở phần tử rect, dòng 2', 'onclick="alert(2)"'],
    "foreign-object.svg": ["chứa nội dung HTML nhúng (phần tử foreignObject, dòng 2; phần tử body, dòng 3"],
    "image-external.svg": [f'{LINK} (thuộc tính href="http://evil.example/logo.png" ở phần tử image, dòng 2)'],
    "image-svg-data.svg": [f'{LINK} (thuộc tính href="data:image/svg+xml;base64,'],
    "html-root.svg": ["không phải ảnh SVG (phần tử gốc là html"],
    "no-namespace-root.svg": [
        'không phải ảnh SVG (phần tử gốc là svg, cần svg với xmlns="http://www.w3.org/2000/svg")'
    ],
    "not-xml.svg": ["không đọc được như XML (dòng 1, cột 60)"],
    "uppercase-script.svg": ["chứa phần tử hoặc thuộc tính SVG không được hỗ trợ (phần tử SCRIPT, dòng 3)"],
    "script-inside-editor-element.svg": [f"{CODE} (phần tử script, dòng 2)"],
    "xhtml-script.svg": [f"{CODE} (phần tử h:script, dòng 2)"],
    "svg-prefixed-attribute.svg": [f'{CODE} (thuộc tính s:onload="alert(1)" ở phần tử rect, dòng 2)'],
    "css-escape.svg": ["chứa ký tự thoát \\ trong CSS (thuộc tính style="],
}


def test_every_hostile_file_has_expectations() -> None:
    assert sorted(p.name for p in HOSTILE.glob("*.svg")) == sorted(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_svg_is_refused(tmp_path: Path, name: str) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.svg", (HOSTILE / name).read_bytes())
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    message = str(caught.value)
    assert "data/agency.yml:" in message
    assert "agency.emblem: tệp data/bieu-trung.svg " in message
    assert message.endswith("; hãy dùng ảnh SVG tĩnh hoặc PNG [emblem]")
    for expected in REFUSED[name]:
        assert expected in message
    with pytest.raises(ValueError, match=r"tệp data/bieu-trung\.svg"):  # never published as given
        emblem("bieu-trung.svg", "Ban QLKCN", data)


def test_a_message_lists_ten_places_and_counts_the_rest(tmp_path: Path) -> None:
    rects = "\n".join(f'<rect onclick="alert({i})"/>' for i in range(15))
    content, findings = clean_svg(f'<svg xmlns="{SVG}">\n{rects}\n</svg>'.encode())
    assert content is None and len(findings) == 15
    message = refusal("x.svg", findings)
    assert message.startswith('tệp data/x.svg chứa mã chạy được (thuộc tính onclick="alert(0)" ở phần tử rect, dòng 2;')
    assert "alert(9)" in message and "alert(10)" not in message
    assert message.endswith("dòng 11) và 5 chỗ khác; hãy dùng ảnh SVG tĩnh hoặc PNG")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<style>a{b:c}<g/>@import "x";</style>', "chứa liên kết hoặc tài nguyên ngoài tệp (CSS trong phần tử style"),
        ('<rect stroke="ur&#108;(http://x)"/>', 'thuộc tính stroke="url(http://x)"'),
        ('<use href="java\u200bscript:x"/>', 'chứa mã chạy được (thuộc tính href="java\\u200bscript:x"'),
        ('<rect fill="url(#a)" data-x="1" foo="1"/>', "không được hỗ trợ (thuộc tính foo="),
    ],
)
def test_more_disguises_are_seen(body: str, expected: str) -> None:
    content, findings = clean_svg(f'<svg xmlns="{SVG}">{body}</svg>'.encode())
    assert content is None and expected in refusal("x.svg", findings)


def test_a_utf16_file_is_judged_the_same() -> None:
    text = f'<?xml version="1.0" encoding="UTF-16"?><svg xmlns="{SVG}"><rect onload="x"/></svg>'
    content, findings = clean_svg(text.encode("utf-16"))
    assert content is None and 'thuộc tính onload="x" ở phần tử rect, dòng 1' in refusal("x.svg", findings)


def test_processing_instructions_and_comments_are_dropped() -> None:
    text = f'<?xml-stylesheet href="http://evil/x.xsl" type="text/xsl"?><svg xmlns="{SVG}"><!--x--><?p q?><rect/></svg>'
    content, _ = clean_svg(text.encode())
    assert content is not None and b"<?xml-stylesheet" not in content and b"<!--" not in content
    assert content.endswith(b"<rect /></svg>")


def test_nesting_too_deep_is_refused() -> None:
    content, findings = clean_svg(f'<svg xmlns="{SVG}">{"<g>" * 500}{"</g>" * 500}</svg>'.encode())
    assert content is None
    assert refusal("x.svg", findings).startswith("tệp data/x.svg lồng phần tử quá sâu (quá 100 mức) (dòng 1)")


def test_an_inkscape_emblem_is_accepted_and_published_rebuilt(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.svg", (BENIGN / "inkscape.svg").read_bytes())
    load_site(data, tmp_path)  # no DataError
    published = emblem("bieu-trung.svg", "Ban QLKCN", data)
    assert published.path == "assets/bieu-trung.svg"
    text = published.content.decode("utf-8")
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
    for editor in ("inkscape", "sodipodi", "rdf:", "dc:", "cc:", "metadata", "data-name", "<!--"):
        assert editor not in text
    root = fromstring(published.content, forbid_dtd=True)
    assert root.tag == f"{{{SVG}}}svg"
    gradient = root.find(f".//{{{SVG}}}linearGradient")
    assert gradient is not None and gradient.get("id") == "g" and len(gradient) == 2
    assert root.find(f".//{{{SVG}}}circle[@id='c1']").get("style").startswith("fill:url(#g);")  # type: ignore[union-attr]
    assert [use.get("href") or use.get(f"{{{XLINK}}}href") for use in root.iter(f"{{{SVG}}}use")] == ["#dot", "#dot"]
    assert root.find(f".//{{{SVG}}}radialGradient").get(f"{{{XLINK}}}href") == "#g"  # type: ignore[union-attr]
    style = root.find(f".//{{{SVG}}}style")
    assert style is not None and ".a { fill: #c00; stroke: url(#g); }" in (style.text or "")
    assert "text > tspan" in (style.text or "")  # the CDATA's text, escaped on the way out
    assert root.find(f".//{{{SVG}}}tspan").text == "KCN BM"  # type: ignore[union-attr]
    assert root.find(f".//{{{SVG}}}text").get(f"{{{XML}}}space") == "preserve"  # type: ignore[union-attr]
    assert root.find(f"{{{SVG}}}title").text == "Biểu trưng Ban Quản lý các khu công nghiệp"  # type: ignore[union-attr]


def _published_name(key: str) -> str:
    namespace, _, local = key[1:].partition("}") if key.startswith("{") else ("", "", key)
    return {"": local, XLINK: f"xlink:{local}", XML: f"xml:{local}"}.get(namespace, key)


@pytest.mark.parametrize("name", sorted(p.name for p in BENIGN.glob("*.svg")))
def test_nothing_outside_the_allowlist_survives(name: str) -> None:
    published, findings = clean_svg((BENIGN / name).read_bytes())
    assert published is not None, findings
    root = fromstring(published, forbid_dtd=True)
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG}}}") and element.tag.split("}")[1] in ELEMENTS
        for key, value in element.attrib.items():
            assert _published_name(key) in ATTRIBUTES, (element.tag, key)
            assert not _published_name(key).lower().startswith("on")
            if _published_name(key) in ("href", "xlink:href"):
                assert value.startswith(("#", "data:image/png;base64,")), value
            assert "javascript:" not in value.lower() and "@import" not in value
    assert clean_svg(published) == (published, [])  # the published file passes as it is


def test_a_png_named_svg_is_refused(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.svg", PNG)
    with pytest.raises(DataError, match=r"tệp data/bieu-trung\.svg không đọc được như XML"):
        load_site(data, tmp_path)


@pytest.fixture(scope="module")
def benign_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The other agency's site built with the Inkscape emblem."""
    root = tmp_path_factory.mktemp("benign-emblem")
    data = _with_emblem(root, "bieu-trung.svg", (BENIGN / "inkscape.svg").read_bytes())
    project = copy_project(root / "project", data)
    result = mkdocs_build(project, root / "site")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_the_build_publishes_the_rebuilt_svg(benign_site: Path) -> None:
    published = (benign_site / "assets" / "bieu-trung.svg").read_bytes()
    assert published == clean_svg((BENIGN / "inkscape.svg").read_bytes())[0]
    html = (benign_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/bieu-trung.svg">' in html


@pytest.mark.browser
def test_the_emblem_draws_and_runs_nothing_in_chromium(benign_site: Path, browser: Browser) -> None:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        with serve(benign_site) as url:
            response = page.goto(url + "assets/bieu-trung.svg")
            assert response is not None and response.ok
            assert page.evaluate("document.documentElement.namespaceURI") == SVG
            assert page.evaluate("document.scripts.length") == 0
            page.goto(url)
            logo = page.locator(".md-header__button.md-logo img")
            logo.wait_for()
            assert logo.evaluate("img => img.complete && img.naturalWidth") > 0
    finally:
        context.close()
    assert dialogs == []


def test_an_emblem_too_large_is_refused_by_its_size(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.png", PNG)
    with (data / "bieu-trung.png").open("r+b") as emblem_file:
        emblem_file.truncate(600 * 1024)  # sparse: its size is known without reading it
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    assert "tệp biểu trưng data/bieu-trung.png quá lớn (614400 byte, tối đa 524288) [emblem]" in str(caught.value)
