"""Links that share well (issue 16, item 4): Open Graph and Twitter meta on every built page,
share images that exist and show Vietnamese text, canonical addresses and a sitemap from the
portal address, data text in the meta escaped exactly once.
"""

from __future__ import annotations

import io
import itertools
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from helpers import GOLDEN, ROOT, copy_project, mkdocs_build
from parsite.outputs import share_image
from parsite.outputs.paths import HOME
from parsite.outputs.share import DEFAULT_IMAGE, _cards, image_path, shorten
from parsite.site import load_site
from PIL import Image, ImageFont

# A page title that closes the attribute and the element, an entity that must stay text,
# a YAML escape, a front matter breaker: printed once escaped, read back exactly.
PAYLOAD = '"><script>alert(1)</script> &amp; \\x3cb\\x3e P: #2 Ắ'
PORTAL = "https://cchc.binhminh.example/"


class _Head(HTMLParser):
    """The meta values (property or name → content) and canonical link of a page, unescaped
    once by the parser as a browser or a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            assert key not in self.meta, f"{key} twice"
            self.meta[key] = values.get("content", "")
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical = values["href"]
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_url(site: Path, page: Path) -> str:
    """The URL path of a built page, as served ('don-vi/x/', '' for the home page)."""
    rel = page.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def assert_share_image(site: Path, path: str) -> None:
    """The image exists in the site and is a 1200 × 630 PNG."""
    target = site / path
    assert target.is_file(), path
    with Image.open(target) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630)), path


def test_every_page_has_share_meta_and_an_image_that_exists(built_site: Path) -> None:
    """The real data has no portal address yet: no canonical link, the image linked within the site."""
    found = pages(built_site)
    assert len(found) > 20
    images = set()
    for page in found:
        meta = head(page)
        for key in ("og:title", "og:description", "og:image", "og:type", "og:site_name", "twitter:card"):
            assert meta.meta.get(key, "").strip(), (page, key)
        assert meta.meta["twitter:card"] == "summary_large_image"
        assert meta.meta["description"] == meta.meta["og:description"] == meta.meta["twitter:description"]
        assert meta.canonical is None and "og:url" not in meta.meta, page
        image = meta.meta["og:image"]
        if page.name == "404.html":  # served at any address: the image from the site's root
            assert image == "/chia-se/trang.png"
            target = image.lstrip("/")
        else:
            target = urlsplit(urljoin("http://x/" + page_url(built_site, page), image)).path.lstrip("/")
        assert_share_image(built_site, target)
        images.add(target)
    assert len(images) > 20  # pages have their own cards


def test_descriptions_say_what_the_page_shows(built_site: Path) -> None:
    unit = head(built_site / "don-vi" / "van-phong" / "index.html").meta
    assert unit["og:title"] == "Văn phòng Sở"
    assert re.fullmatch(
        r"Văn phòng Sở: chủ trì \d+ nhiệm vụ, phối hợp \d+ nhiệm vụ .*hoàn thành \d+, quá hạn \d+\.",
        unit["og:description"],
    ), unit["og:description"]
    results = head(built_site / "ket-qua" / "index.html").meta
    assert "năm 2023: 89,42/100 điểm, xếp hạng 11/22" in results["og:description"]
    field = head(built_site / "linh-vuc" / "6" / "index.html").meta
    assert field["og:title"] == "Lĩnh vực 6: Cải cách tài chính công"
    assert "tối đa 11 điểm; năm 2023 đạt 7,58 điểm" in field["og:description"]
    home = head(built_site / "index.html").meta
    site = yaml.safe_load((Path(__file__).parent.parent / "data" / "agency.yml").read_text(encoding="utf-8"))["site"]
    assert (home["og:title"], home["og:description"]) == (site["name"], site["description"])


def test_score_pages_share_a_chart_and_other_pages_a_title_card(built_site: Path) -> None:
    """The score history's card has bars (many indigo pixels); a unit's card is mostly white."""

    def indigo_share(path: str) -> float:
        with Image.open(built_site / path) as image:
            rgb = image.convert("RGB")
            body = rgb.crop((0, share_image.BAND + 1, 1200, 630))
            pixels = list(body.get_flattened_data())
        return sum(1 for p in pixels if p == share_image.INDIGO) / len(pixels)

    assert indigo_share("chia-se/ket-qua.png") > 0.03
    assert indigo_share("chia-se/linh-vuc/6.png") > 0.015  # one year known: one bar
    assert indigo_share("chia-se/don-vi/van-phong.png") < 0.005


def _notdef(font: ImageFont.FreeTypeFont) -> bytes:
    return bytes(font.getmask("\ue000"))  # a private-use code point: no font has a glyph for it


VIETNAMESE = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))  # Ạ … ỹ: every letter with a tone mark
)


@pytest.mark.parametrize("bold", [False, True])
def test_bundled_font_has_every_vietnamese_letter(bold: bool) -> None:
    font = ImageFont.truetype(share_image.font_path(bold), 48)
    tofu = _notdef(font)
    assert bytes(font.getmask("a")) != tofu
    missing = [c for c in VIETNAMESE if bytes(font.getmask(c)) == tofu]
    assert missing == []
    for letter in ["Ắ", "ặ", "ữ", "ỹ", "đ", "Đ"]:
        assert bytes(font.getmask(letter)) != tofu, letter
    license_text = (Path(share_image.font_path(bold)).parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in license_text


def test_share_image_is_stable_and_cuts_long_titles() -> None:
    card = share_image.Card("Sở Lao động – Thương binh và Xã hội tỉnh Đắk Nông", "Ắ ặ ữ ỹ đ Đ " * 40, "x")
    first = share_image.render(card)
    assert first == share_image.render(card)  # same data, same bytes
    with Image.open(io.BytesIO(first)) as image:
        assert image.size == (1200, 630)
    font = share_image._font(44, bold=True)
    lines, complete = share_image.wrap("Ắ ặ ữ ỹ đ Đ " * 40, font, 1072, 4)
    assert not complete and len(lines) == 4 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1072 for line in lines)
    lines, complete = share_image.wrap("x" * 500, font, 1072, 3)  # one word longer than a line
    assert len(lines) == 3 and all(font.getlength(line) <= 1072 for line in lines)
    # Letters typed as a base letter and a combining mark are joined before they are drawn.
    decomposed = share_image.render(share_image.Card("a", "Cải cách", "b"))
    assert decomposed == share_image.render(share_image.Card("a", "Ca\u0309i ca\u0301ch", "b"))


@pytest.mark.parametrize("bold", [False, True])
def test_a_line_is_measured_as_pillow_measures_it(bold: bool) -> None:
    """Lines are measured from each letter's advance (share_image._width): that must be what
    Pillow's own measure gives for the whole line, in every size the cards use, or titles would
    be cut in the wrong place. It holds while the bundled fonts have no `kern` table."""
    rng = random.Random(7)
    letters = VIETNAMESE + "abcdefghijklmnopqrstuvwxyzAVWTYLfi0123456789 .,:;–-—()/%&\"'…?!«»́😀"
    for size in (22, 26, 28, 36, 38, 44, 52, 60, 68):
        font = share_image._font(size, bold)
        for _ in range(60):
            text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 90)))
            assert share_image._width(text, font) == font.getlength(text), (size, text)


def test_descriptions_are_cut_between_words() -> None:
    assert shorten("một hai ba", 100) == "một hai ba"
    cut = shorten("cải cách " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(" …")


@pytest.fixture(scope="module")
def portal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another agency's data with the portal address set and hostile text in the site's name
    and description, a unit's name, a field's name and the plan's title."""
    root = tmp_path_factory.mktemp("portal")
    project = copy_project(root / "project", GOLDEN / "other-agency" / "data")
    data = project / "data"

    def edit(name: str, change: object) -> None:
        path = data / name
        value = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(value)  # type: ignore[operator]
        path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def agency(value: dict) -> None:
        value["site"]["name"] = f"{PAYLOAD} {value['site']['name']}"
        value["site"]["description"] = f"{PAYLOAD} mô tả"
        value["units"][0]["name"] = f"{PAYLOAD} {value['units'][0]['name']}"

    edit("agency.yml", agency)
    edit("methodology.yml", lambda v: v["versions"][0]["fields"][0].update(name=f"{PAYLOAD} tên"))
    edit("plans/2025/plan.yml", lambda v: v.update(short_title=f"{PAYLOAD} {v['short_title']}"))
    result = mkdocs_build(project, root / "site", SITE_TODAY="2025-12-31")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_canonical_address_and_absolute_image_once_the_portal_address_is_set(portal_site: Path) -> None:
    for page in pages(portal_site):
        meta = head(page)
        image = meta.meta["og:image"]
        assert image.startswith(PORTAL) and meta.meta["twitter:image"] == image, page
        assert_share_image(portal_site, image[len(PORTAL) :])
        if page.name == "404.html":
            continue  # not a page of its own: no canonical address
        expected = PORTAL + page_url(portal_site, page)
        assert meta.canonical == meta.meta["og:url"] == expected, page


def test_sitemap_lists_the_real_addresses(portal_site: Path, built_site: Path) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(portal_site / "sitemap.xml").getroot()
    addresses = [loc.text or "" for loc in root.findall("s:url/s:loc", namespace)]
    served = {PORTAL + page_url(portal_site, p) for p in pages(portal_site) if p.name != "404.html"}
    assert set(addresses) == served
    # Without a portal address there is no real address to list.
    assert ET.parse(built_site / "sitemap.xml").getroot().findall("s:url", namespace) == []


def test_data_text_in_share_meta_is_escaped_once(portal_site: Path) -> None:
    """Each value reads back exactly as the data has it: not run as markup, not escaped twice."""
    site_name = head(portal_site / "index.html").meta["og:site_name"]
    assert site_name == f"{PAYLOAD} Chỉ số CCHC – Ban QLKCN tỉnh Bình Minh"
    home = head(portal_site / "index.html").meta
    assert (home["og:title"], home["og:description"]) == (site_name, f"{PAYLOAD} mô tả")
    unit = head(portal_site / "don-vi" / "van-phong" / "index.html")
    assert unit.meta["og:title"] == unit.meta["twitter:title"] == f"{PAYLOAD} Văn phòng Ban"
    assert unit.meta["og:description"].startswith(f"{PAYLOAD} Văn phòng Ban: chủ trì ")
    assert unit.meta["og:image:alt"].startswith(f"{PAYLOAD} Văn phòng Ban – ")
    field = head(portal_site / "linh-vuc" / "1" / "index.html").meta
    assert field["og:title"] == f"Lĩnh vực 1: {PAYLOAD} tên"
    plan = head(portal_site / "ke-hoach" / "2025" / "index.html").meta
    assert plan["og:title"].startswith(PAYLOAD)
    for page in pages(portal_site):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, page
        assert "&amp;amp;amp;" not in text, page  # PAYLOAD's "&amp;" escaped once is "&amp;amp;"


def test_the_png_writer_keeps_every_pixel_and_colour() -> None:
    """share_image.png (libdeflate, not Pillow's writer): Pillow reads back the same indices
    and palette, whatever the pixels."""
    colours = [channel for index in range(65) for channel in (index * 3 % 256, index * 7 % 256, 255 - index)]
    pixels = bytes(
        (x * 7 + y * 13 + (x * y) % 5) % 65 for y in range(share_image.HEIGHT) for x in range(share_image.WIDTH)
    )
    image = Image.open(io.BytesIO(share_image.png(pixels, colours)))
    image.load()
    assert (image.format, image.mode, image.size) == ("PNG", "P", (share_image.WIDTH, share_image.HEIGHT))
    assert image.tobytes() == pixels
    assert image.getpalette()[: len(colours)] == colours


def test_an_unknown_year_on_a_share_image_says_so_in_words() -> None:
    """The bar of a year without figures is a gap reading "chưa có số liệu" on two lines, not a
    bare dash a reader could take for zero."""
    card = share_image.Card(
        "Sở X",
        "Kết quả Chỉ số CCHC",
        "par.example",
        (share_image.Bar("2022", None, None), share_image.Bar("2023", 89, 100)),
    )
    image = Image.open(io.BytesIO(share_image.render(card))).convert("RGB")
    top, base = share_image.BAND + 34 + 2 * 54 + 20, share_image.FOOTER_TOP - 24 - 40
    gap = image.crop(
        (share_image.MARGIN, top, share_image.MARGIN + (share_image.WIDTH - 2 * share_image.MARGIN) // 2, base)
    )
    ink = [(x, y) for y in range(gap.height) for x in range(gap.width) if gap.getpixel((x, y)) != share_image.WHITE]
    rows = sorted({y for _, y in ink})
    bands = 1 + sum(1 for a, b in itertools.pairwise(rows) if b > a + 6)  # a dot below is not a line
    span = max(x for x, _ in ink) - min(x for x, _ in ink)
    font = ImageFont.truetype(share_image.font_path(), 26)
    widest = max(font.getlength(words) for words in share_image.UNKNOWN_LINES)
    assert " ".join(share_image.UNKNOWN_LINES) == "chưa có số liệu"
    assert bands == 2 and abs(span - widest) <= 4, (bands, span, widest)


def test_the_home_card_names_the_site_once() -> None:
    """The site's own card: the site's name as the title, not again as the footer (issue 35)."""
    site = load_site(ROOT / "data", ROOT)
    assert site.identity is not None and not site.identity.url  # footer would be the site's name
    cards = _cards(site)
    for path in (DEFAULT_IMAGE, image_path(HOME)):
        card = cards[path]
        assert card.title == site.identity.name
        assert [card.agency, card.title, card.footer].count(site.identity.name) == 1, card
    assert cards[image_path("don-vi/van-phong.md")].footer == site.identity.name  # other cards keep it
