"""MkDocs hooks: translate MkDocs events into calls to the plain core in `parsite`.

on_config reads the settings (parsite.settings), loads and validates `data/` (stopping the build
with every problem listed), checks the search configuration and sets the navigation; on_files
adds the generated pages and the downloads (parsite.outputs.registry) as virtual files;
on_pre_page gives each generated page its Markdown (rendered, or from the build cache);
on_page_markdown sets each generated page's title on the page object from the model (generated
Markdown has no front matter: data text pasted into YAML would be read as YAML) and lets the build
cache convert a page whose Markdown was converted before (page_cache.py), and the generated
pages' task tables go to the HTML without being parsed again (raw_html.py); on_env writes the
downloads before MkDocs copies files; on_post_build splits Material's search index into the
parts the search worker fetches when a reader searches (parsite.outputs.search_shards), removes
the theme's unused files, checks the inline scripts against the Content-Security-Policy and
writes a precompressed .gz and .br beside every text file.
Nothing is written into `docs/`. What one build keeps between events lives on a `Build`.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
from collections.abc import Callable
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
from parsite.buildcache import BuildCache, code_version
from parsite.clock import ClockError
from parsite.data_in.model import Site
from parsite.fmt import html, slugify
from parsite.outputs.changes import Changes, Previous, compare, find_previous
from parsite.outputs.compress import precompress
from parsite.outputs.csp import unlisted_scripts
from parsite.outputs.emblem import Emblem, emblem
from parsite.outputs.guide import GUIDE, render_guide
from parsite.outputs.paths import CHANGES, CHANGES_URL
from parsite.outputs.reads import output_inputs
from parsite.outputs.registry import Catalog, catalog, write_downloads
from parsite.outputs.render import (
    build_stamp,
    html_titles,
    nav,
    page_layouts,
    page_paths,
    page_renderer,
    page_titles,
)
from parsite.outputs.search import SearchConfigError, check_search_fields
from parsite.outputs.search_shards import write_search_parts
from parsite.outputs.share import DEFAULT_IMAGE, Share, page_shares, share_meta
from parsite.outputs.unused_assets import remove_unused
from parsite.problems import DataError
from parsite.settings import Settings
from parsite.site import load_site

log = logging.getLogger("mkdocs.plugins.parsite")


class Build:
    """What one build keeps from on_config to on_post_build."""

    def __init__(self, settings: Settings, site: Site, cache: BuildCache, logo: Emblem, previous: Previous) -> None:
        self.settings = settings
        self.site = site
        self.cache = cache
        self.logo = logo
        self.previous = previous
        self.changes: Changes = compare(previous, site)
        self.titles = page_titles(site)  # generated page → its title, plain text from the model
        self.layouts = page_layouts(site)  # generated page → what it asks of the theme (hide: toc)
        self.shares: dict[str, Share] = page_shares(site)  # generated page → what a shared link shows
        self.catalog: Catalog = catalog(site, settings.site_url)
        self.markdown: Callable[[str], str] | None = None  # a generated page's Markdown (on_files)
        self.downloads: dict[str, Callable[[], bytes]] = {}
        self.page_context = ""  # what converting a page depends on besides its Markdown (page_cache)

    def share_meta(
        self, share: Share, config: MkDocsConfig, page: Page | None = None, title: str | None = None
    ) -> dict:
        """A page's share meta (parsite.outputs.share.share_meta) at this build's address."""
        assert self.site.identity is not None  # set by assemble
        return share_meta(share, self.site.identity.name, config.site_url, page.file.src_uri if page else None, title)


_build: Build | None = None
_raw_tables = raw_html.RawTables()  # the generated pages' task tables, not parsed again (raw_html.py)


def _current() -> Build:
    assert _build is not None  # set by on_config
    return _build


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    gc.unfreeze()  # a build that stopped before on_post_build (mkdocs serve builds again) left it frozen
    _build = None
    root = Path(config.config_file_path).parent
    search = config.plugins.get("material/search") or config.plugins.get("search")
    try:
        check_search_fields(search.config.get("fields") if search else None)
        settings = Settings.from_environment(root, config.site_url)
        site = load_site(settings.data_dir, root, settings.today, settings.built)
    except (DataError, ClockError, SearchConfigError) as exc:
        raise PluginError(str(exc)) from None
    _set_identity(config, site)
    settings = dataclasses.replace(settings, site_url=config.site_url or None)  # it may come from the data
    # The code version covers this folder: the core, its templates and schemas, the theme, the hooks.
    cache = BuildCache(settings.cache, code_version(Path(__file__).parent))
    # Logo and favicon from the data (the agency's emblem or a generated mark), added in on_files.
    logo = emblem(site.agency.emblem, site.agency.short, settings.data_dir)
    build = _build = Build(settings, site, cache, logo, find_previous(settings.previous, settings.deploy_target))
    config.theme["logo"] = config.theme["favicon"] = logo.path
    # Material prints navigation titles as markup: they are escaped here, by the one filter.
    config.nav = html_titles(nav(site)) + list(config.nav or [])  # hand-written pages of docs/ after them
    config.extra["share"] = build.share_meta(build.shares[DEFAULT_IMAGE], config)  # the 404 page's
    config.extra["build_stamp"] = build_stamp(site)
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
    if _raw_tables not in config.markdown_extensions:
        config.markdown_extensions.append(_raw_tables)
    _raw_tables.stored = 0
    log.info("Đã đọc dữ liệu: %d kế hoạch, %d năm kết quả", len(site.plans), len(site.results))
    # What changed since the live release, for the people who check the nightly build.
    log.info("%s", build.changes.summary())
    for line in build.changes.details():
        log.info("  %s", line)
    config.extra["changes_page"] = CHANGES_URL
    _freeze()
    return config


def _freeze() -> None:
    """Everything alive now lives until the build ends (the data, the pages' sources, MkDocs's
    files): Python's collector need not walk it again on each of its passes. Released in
    on_post_build and on_build_error, and at the next on_config should neither have run."""
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
    build = _current()
    site, settings, cache = build.site, build.settings, build.cache
    made = build.catalog.downloads()
    # Generated pages and downloads are keyed by the build time too (calendars, workbooks and the
    # current quarter's report carry it): unless SOURCE_DATE_EPOCH pins it, no later build could
    # use them, so they are not stored. Converted pages and compressed copies are keyed by content.
    # Each output's key holds what it reads (parsite.outputs.reads), worked out once, when first needed.
    context = (
        settings.today.isoformat(),
        settings.built.isoformat(),
        config.site_url or "",
        build.previous.fingerprint(),
    )
    keys = functools.cache(lambda: output_inputs(site, settings.data_dir, *context))
    render = page_renderer(site, build.changes)
    if settings.built_pinned:
        made = {path: cache.download(lambda p: keys()(p), path, make) for path, make in made.items()}
        build.markdown = lambda path: cache.page(lambda p: keys()(p), path, render)
    else:
        build.markdown = render
    build.downloads = made
    pages = page_paths(site)
    for path in (*pages, *made):
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/")
    files.append(File.generated(config, build.logo.path, content=build.logo.content))
    for path in pages:
        # Filled in by on_pre_page; the change summary is linked from the footer, not the navigation.
        inclusion = InclusionLevel.NOT_IN_NAV if path == CHANGES else InclusionLevel.UNDEFINED
        files.append(File.generated(config, path, content="", inclusion=inclusion))
    site_dir = Path(config.site_dir)
    for path in made:
        # Written by on_env; MkDocs sees that source and copy are one file and skips the copy.
        files.append(File.generated(config, path, abs_src_path=str(site_dir / path)))
    _freeze()
    return files


def on_nav(nav: object, config: MkDocsConfig, files: Files) -> None:
    """Every file of the build is known: what converting a page depends on besides its Markdown."""
    _current().page_context = page_cache.context_key(config, files)


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    build = _current()
    if build.markdown is not None and page.file.src_uri in build.titles:
        page.file.content_string = build.markdown(page.file.src_uri)
    return page


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Title of a generated page, from the model, set after MkDocs has read the (empty) meta;
    the editors' guide takes its examples (years, fields, unit ids) from the data.

    Material prints `page.meta.title` as markup in <title>, the header and the search index
    (and unescapes `page.title` with `striptags` in <title>), so the title is HTML-escaped.
    """
    build = _current()
    page_cache.attach(page, build.cache, build.page_context)
    _raw_tables.active = page.file.src_uri in build.titles  # MkDocs converts this page next
    if page.file.src_uri == GUIDE:
        return render_guide(markdown, build.site)
    title = build.titles.get(page.file.src_uri)
    if title is not None:
        if page.meta:  # the page's first lines were read as metadata: text would be lost
            raise PluginError(f"Trang {page.file.src_uri} bắt đầu bằng dòng bị đọc thành siêu dữ liệu: {page.meta}")
        page.meta = {"title": html(title), **build.layouts.get(page.file.src_uri, {})}
    return markdown


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """The feeds a page announces (<link rel="alternate">, parsite.outputs.registry) and what a
    shared link to it shows (Open Graph and Twitter meta, its description), printed by
    hooks/theme/main.html."""
    build = _current()
    page.meta["atom_feeds"] = build.catalog.announced(page.file.src_uri)
    share = build.shares.get(page.file.src_uri)
    if share is None:  # a page written by hand: its own title, the site's description and card
        site_card = build.shares[DEFAULT_IMAGE]
        page.meta["share"] = build.share_meta(site_card, config, page, page.title or site_card.title)
    else:
        page.meta["share"] = build.share_meta(share, config, page)
    page.meta["description"] = page.meta["share"]["description"]
    return context


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Every page has been read: write the downloads, before MkDocs copies files."""
    write_downloads(_current().downloads, Path(config.site_dir))
    return env


def on_build_error(error: Exception) -> None:
    gc.unfreeze()


@event_priority(-100)  # after Material's search plugin has written its index
def on_post_build(config: MkDocsConfig) -> None:
    """Last touches to the built site, in this order: the search index split into parts, the theme's
    unused files removed, the inline scripts checked, then every text file precompressed (so the
    copies match the files)."""
    gc.unfreeze()
    build = _current()
    site_dir = Path(config.site_dir)
    parts = write_search_parts(site_dir / "search")
    log.info(
        "Chỉ mục tìm kiếm: %d mục, %d tệp từ, %d byte (bản một tệp của Material: %d byte)",
        parts.documents,
        parts.word_files,
        parts.after_bytes,
        parts.before_bytes,
    )
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
    packed = precompress(site_dir, build.cache)
    log.info(
        "Đã bỏ %d tệp không dùng; nén sẵn %d tệp: %d byte → %d byte (gzip), %d byte (brotli)",
        len(removed),
        packed.files,
        packed.original_bytes,
        packed.gzip_bytes,
        packed.brotli_bytes,
    )
    log.debug("Bảng nhiệm vụ chuyển thẳng sang HTML: %d", _raw_tables.stored)
    log.info("%s", build.cache.summary())
    build.cache.prune()
