"""MkDocs hooks: translate MkDocs events into calls to the plain core in `parsite`.

on_config loads and validates `data/` (stopping the build with every problem listed),
checks the search configuration and sets the navigation; on_files adds the generated
pages and downloads as virtual files and starts a parallel process (parsite.parallel)
that renders the pages in reading order, then writes the downloads into the site folder;
on_pre_page hands each page's Markdown to MkDocs as it reaches it (MkDocs converts the
first pages while the next ones are rendered); on_page_markdown sets each generated page's
title on the page object from the model (generated Markdown has no front matter: data text
pasted into YAML would be read as YAML) and lets the build cache convert a page whose Markdown
was converted before (page_cache.py), and the generated pages' task tables go to the HTML without
being parsed again (raw_html.py); on_env waits for the downloads, before
MkDocs copies files; on_post_build rewrites Material's search index in UTF-8 (smaller), removes
the theme's unused files (source maps, other languages' lunr files) and writes a precompressed
.gz and .br beside every text file.
Nothing is written into `docs/`.
"""

from __future__ import annotations

import functools
import gc
import logging
from pathlib import Path

import page_cache
import raw_html
from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from parsite import clock, parallel
from parsite.buildcache import BuildCache, code_version
from parsite.clock import ClockError
from parsite.data_in.model import Site
from parsite.fmt import html, slugify
from parsite.outputs.changes import Changes, Previous, compare, find_previous
from parsite.outputs.compress import precompress
from parsite.outputs.csp import unlisted_scripts
from parsite.outputs.emblem import Emblem, emblem
from parsite.outputs.exports import downloads, write_downloads
from parsite.outputs.feeds import page_feeds
from parsite.outputs.guide import GUIDE, render_guide
from parsite.outputs.paths import CHANGES, CHANGES_URL
from parsite.outputs.reads import output_inputs
from parsite.outputs.render import (
    build_stamp,
    html_titles,
    nav,
    page_paths,
    page_renderer,
    page_titles,
    rendered_pages,
)
from parsite.outputs.search import SearchConfigError, check_search_fields, write_index_as_utf8
from parsite.outputs.share import DEFAULT_IMAGE, Share, page_shares, share_meta
from parsite.outputs.unused_assets import remove_unused
from parsite.problems import DataError
from parsite.site import load_site

log = logging.getLogger("mkdocs.plugins.parsite")

_site: Site | None = None
_changes: Changes | None = None
_making: parallel.Stream | None = None
_streamed: set[str] = set()  # pages whose Markdown comes from _making
_emblem: Emblem | None = None
_titles: dict[str, str] = {}  # generated page → its title, plain text from the model
_shares: dict[str, Share] = {}  # generated page → what a shared link shows (parsite.outputs.share)
_cache: BuildCache | None = None
_previous: Previous | None = None  # the live release's data snapshot, compared in the change summary
_page_context = ""  # what converting a page depends on besides its Markdown (page_cache.context_key)
_raw_tables = raw_html.RawTables()  # the generated pages' task tables, not parsed again (raw_html.py)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site, _emblem, _changes, _titles, _cache, _previous, _shares
    gc.unfreeze()  # a build that stopped before on_post_build (mkdocs serve builds again) left it frozen
    root = Path(config.config_file_path).parent
    # The code version covers this folder: the core, its templates and schemas, the theme, the hooks.
    _cache = BuildCache.for_project(root, code_version(Path(__file__).parent))
    search = config.plugins.get("material/search") or config.plugins.get("search")
    try:
        check_search_fields(search.config.get("fields") if search else None)
        _site = load_site(root / "data", root)
    except (DataError, ClockError, SearchConfigError, parallel.WorkerError) as exc:
        raise PluginError(str(exc)) from None
    # Logo and favicon from the data (the agency's emblem or a generated mark), added in on_files.
    _emblem = emblem(_site.agency.emblem, _site.agency.short, root / "data")
    config.theme["logo"] = config.theme["favicon"] = _emblem.path
    _set_identity(config, _site)
    # Material prints navigation titles as markup: they are escaped here, by the one filter.
    config.nav = html_titles(nav(_site)) + list(config.nav or [])  # hand-written pages of docs/ after them
    _titles = page_titles(_site)
    _shares = page_shares(_site)
    config.extra["share"] = _share_meta(_shares[DEFAULT_IMAGE], config)  # the 404 page's
    config.extra["build_stamp"] = build_stamp()
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
    if _raw_tables not in config.markdown_extensions:
        config.markdown_extensions.append(_raw_tables)
    _raw_tables.stored = 0
    log.info("Đã đọc dữ liệu: %d kế hoạch, %d năm kết quả", len(_site.plans), len(_site.results))
    # What changed since the live release, for the people who check the nightly build.
    _previous = find_previous()
    _changes = compare(_previous, _site)
    log.info("%s", _changes.summary())
    for line in _changes.details():
        log.info("  %s", line)
    config.extra["changes_page"] = CHANGES_URL
    _freeze()
    return config


def _freeze() -> None:
    """Everything alive now lives until the build ends (the data, the pages' sources, MkDocs's
    files): Python's collector need not walk it again on each of its hundreds of passes
    (0,3 of 9 CPU s at 1 000 tasks before this, against 0,07 s for MkDocs alone). Released
    in on_post_build and on_build_error, and at the next on_config should neither have run."""
    gc.freeze()


def _set_identity(config: MkDocsConfig, site: Site) -> None:
    """Name, description, footer and address come from data/agency.yml (`site`), not mkdocs.yml.

    A site_url already set is kept: `mkdocs serve` sets its own local address.
    """
    identity = site.identity
    assert identity is not None  # set by assemble
    # Themes print these as markup, some escaped and some not: escaped once here, as Markup so
    # that a theme's own `|e` leaves them alone (no "&amp;amp;").
    config.site_name = Markup(html(identity.name))
    config.site_description = Markup(html(identity.description))
    config.copyright = Markup(html(identity.copyright))
    if identity.url and not config.site_url:
        config.site_url = identity.url


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _making, _streamed
    assert _site is not None and _cache is not None  # set by on_config
    site, site_dir, changes, cache = _site, Path(config.site_dir), _changes, _cache
    made = downloads(site, config.site_url)
    # Generated pages and downloads are keyed by the build time too (calendars, workbooks and the
    # current quarter's report carry it): unless SOURCE_DATE_EPOCH pins it, no later build could
    # use them, so they are not stored. Converted pages and compressed copies are keyed by content.
    # Each output's key holds what it reads (parsite.outputs.reads), worked out in the process
    # that makes them, once.
    pinned = clock.build_time_pinned()
    data_dir = Path(config.config_file_path).parent / "data"
    context = (
        clock.today().isoformat(),
        clock.build_time().isoformat(),
        config.site_url or "",
        _previous.fingerprint() if _previous else "",
    )
    keys = functools.cache(lambda: output_inputs(site, data_dir, *context))  # made on first use

    def inputs(path: str) -> str:
        return keys()(path)

    if pinned:
        made = {path: cache.download(inputs, path, make) for path, make in made.items()}
    pages = page_paths(site)
    for path in (*pages, *made):
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/")
    # A parallel process renders the pages in MkDocs's reading order (on_pre_page takes each
    # one as MkDocs reaches it), then writes the downloads straight into the site folder.
    _making = parallel.Stream(
        lambda: cache.pages(inputs, pages, page_renderer(site, changes)) if pinned else rendered_pages(site, changes),
        then=lambda: write_downloads(made, site_dir),
    )
    _streamed = set(pages)
    if _emblem is not None:
        files.append(File.generated(config, _emblem.path, content=_emblem.content))
    for path in pages:
        # Filled in by on_pre_page; the change summary is linked from the footer, not the navigation.
        inclusion = InclusionLevel.NOT_IN_NAV if path == CHANGES else InclusionLevel.UNDEFINED
        files.append(File.generated(config, path, content="", inclusion=inclusion))
    for path in made:
        # MkDocs sees that source and copy are one file and skips the copy.
        files.append(File.generated(config, path, abs_src_path=str(site_dir / path)))
    _freeze()
    return files


def on_nav(nav: object, config: MkDocsConfig, files: Files) -> None:
    """Every file of the build is known: what converting a page depends on besides its Markdown."""
    global _page_context
    _page_context = page_cache.context_key(config, files)


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if _making is not None and page.file.src_uri in _streamed:
        try:
            page.file.content_string = _making.get(page.file.src_uri)
        except parallel.WorkerError as exc:
            raise PluginError(f"Không tạo được trang {page.file.src_uri}:\n{exc}") from None
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Title of a generated page, from the model, set after MkDocs has read the (empty) meta;
    the editors' guide takes its examples (years, fields, unit ids) from the data.

    Material prints `page.meta.title` as markup in <title>, the header and the search index
    (and unescapes `page.title` with `striptags` in <title>), so the title is HTML-escaped.
    """
    if _cache is not None:
        page_cache.attach(page, _cache, _page_context)
    _raw_tables.active = page.file.src_uri in _titles  # MkDocs converts this page next
    if _site is not None and page.file.src_uri == GUIDE:
        return render_guide(markdown, _site)
    title = _titles.get(page.file.src_uri)
    if title is not None:
        if page.meta:  # the page's first lines were read as metadata: text would be lost
            raise PluginError(f"Trang {page.file.src_uri} bắt đầu bằng dòng bị đọc thành siêu dữ liệu: {page.meta}")
        page.meta = {"title": html(title)}
    return markdown


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """The Atom feeds a page announces (<link rel="alternate">) and what a shared link to it
    shows (Open Graph and Twitter meta, its description), printed by hooks/theme/main.html."""
    if _site is not None:
        page.meta["atom_feeds"] = page_feeds(_site, page.file.src_uri)
        share = _shares.get(page.file.src_uri)
        if share is None:  # a page written by hand: its own title, the site's description and card
            site_card = _shares[DEFAULT_IMAGE]
            page.meta["share"] = _share_meta(site_card, config, page, page.title or site_card.title)
        else:
            page.meta["share"] = _share_meta(share, config, page)
        page.meta["description"] = page.meta["share"]["description"]
    return context


def _share_meta(share: Share, config: MkDocsConfig, page: Page | None = None, title: str | None = None) -> dict:
    """A page's share meta (parsite.outputs.share.share_meta) at this build's address."""
    assert _site is not None and _site.identity is not None  # set by on_config
    return share_meta(share, _site.identity.name, config.site_url, page.file.src_uri if page else None, title)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Every page has been read: wait for the downloads, before MkDocs copies files."""
    global _making
    if _making is not None:
        try:
            _making.finish()
        except parallel.WorkerError as exc:
            raise PluginError(f"Không tạo được các tệp tải xuống:\n{exc}") from None
        finally:
            _making = None
    return env


def on_build_error(error: Exception) -> None:
    global _making
    gc.unfreeze()
    if _making is not None:
        _making.cancel()
        _making = None


@event_priority(-100)  # after Material's search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    """Last touches to the built site, in this order: the search index in UTF-8, the theme's
    unused files removed, then every text file precompressed (so the copies match the files)."""
    gc.unfreeze()
    site_dir = Path(config.site_dir)
    before, after = write_index_as_utf8(site_dir / "search" / "search_index.json")
    log.info("Chỉ mục tìm kiếm: %d byte (%d byte trước khi bỏ mã \\u)", after, before)
    search = config.plugins.get("material/search") or config.plugins.get("search")
    languages = (search.config.get("lang") if search else None) or [config.theme.get("language", "en")]
    removed = remove_unused(site_dir, languages)
    unlisted = unlisted_scripts(site_dir)
    if unlisted:
        raise PluginError(
            "Trang có đoạn mã (script) nội tuyến mà chính sách bảo mật nội dung không cho chạy;"
            " nếu là thay đổi có chủ ý, thêm mã băm vào SCRIPT_HASHES (hooks/parsite/outputs/csp.py)"
            " và vào cấu hình máy chủ (docs/maintainers/server/):\n" + "\n".join(unlisted[:10])
        )
    packed = precompress(site_dir, _cache)
    log.info(
        "Đã bỏ %d tệp không dùng; nén sẵn %d tệp: %d byte → %d byte (gzip), %d byte (brotli)",
        len(removed),
        packed.files,
        packed.original_bytes,
        packed.gzip_bytes,
        packed.brotli_bytes,
    )
    log.debug("Bảng nhiệm vụ chuyển thẳng sang HTML: %d", _raw_tables.stored)
    if _cache is not None:
        log.info("%s", _cache.summary())
        _cache.prune()
