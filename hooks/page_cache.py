"""MkDocs adapter: a page whose Markdown did not change is not converted again.

Most of a build is Python-Markdown converting pages. `attach(page, ...)` (called from
site_hooks.on_page_markdown, the last event before MkDocs converts the page) gives the page a
`render` that first looks in the build cache (parsite.buildcache) for the result of converting
exactly this Markdown, at this address, among these files, with these Markdown settings and code
version; it converts and stores when it is not there. What `Page.render` sets is stored as JSON
(HTML, table of contents, anchors, links to other pages' anchors), never pickled.

A conversion that logged a warning (a broken link, say) is not stored, so every build that meets
it warns again and `mkdocs build --strict` still fails on it.

This is the one module that touches MkDocs's page internals (`_title_from_render`,
`present_anchor_ids`, `links_to_anchors`): they are what MkDocs 1.6 sets in `Page.render`. On
another MkDocs version (`SUPPORTED`), pages are converted by MkDocs as usual, without the cache.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from parsite.buildcache import BuildCache


def _stable(value: Any) -> Any:
    """A JSON-able picture of a config value that is the same in every process (no addresses)."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return f"{type(value).__module__}.{type(value).__qualname__}"


def context_key(config: MkDocsConfig, files: Files) -> str:
    """What a page's conversion depends on besides its Markdown: settings and the other files.

    Links are resolved against the files of the build (a link to a page that is gone warns), so
    their list and addresses are part of it.
    """
    settings = {
        "markdown_extensions": _stable(config["markdown_extensions"]),
        "mdx_configs": _stable(config["mdx_configs"]),
        "use_directory_urls": config["use_directory_urls"],
        "validation": _stable(dict(config["validation"])),
        "files": sorted((f.src_uri, f.dest_uri, f.url) for f in files),
    }
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)


def _tokens(items: list[AnchorLink]) -> list[dict[str, Any]]:
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _tokens(a.children)} for a in items]


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _convert(page: Page, config: MkDocsConfig, files: Files) -> bool:
    """Page.render, telling whether it logged a warning (on MkDocs's or any other logger)."""
    seen = _Warnings()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(seen)
    try:
        Page.render(page, config, files)
    finally:
        for logger in loggers:
            logger.removeHandler(seen)
    return seen.count == 0


def _entry(page: Page) -> bytes:
    links = page.links_to_anchors
    return json.dumps(
        {
            "content": page.content,
            "toc": _tokens(list(page.toc)),
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        },
        ensure_ascii=False,
    ).encode("utf-8")


def _apply(page: Page, files: Files, data: bytes) -> bool:
    """Set what Page.render sets from a stored entry; False if it is not what this code wrote."""
    try:
        entry = json.loads(data.decode("utf-8"))
        content, title, anchors, links = entry["content"], entry["title"], entry["anchors"], entry["links"]
        toc = get_toc(entry["toc"])
        if not isinstance(content, str) or not isinstance(anchors, list):
            return False
        linked = None
        if links is not None:
            linked = {}
            for src_uri, targets in links.items():
                target = files.get_file_from_path(src_uri)
                if target is None:
                    return False
                linked[target] = dict(targets)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    page.content, page.toc, page._title_from_render = content, toc, title
    page.present_anchor_ids = set(anchors)
    if linked is not None:
        page.links_to_anchors = linked
    return True


# MkDocs versions whose Page.render sets exactly what _entry stores and _apply restores.
SUPPORTED = "1.6."


@functools.cache
def supported(version: str = mkdocs.__version__) -> bool:
    return version.startswith(SUPPORTED) and all(
        hasattr(Page, name) or name in Page.__init__.__code__.co_names
        for name in ("_title_from_render", "present_anchor_ids", "links_to_anchors")
    )


def attach(page: Page, cache: BuildCache, context: str) -> None:
    """Give `page` a render that uses the cache (the page's Markdown is final by now); on an MkDocs
    version this module was not written for, leave MkDocs's own."""
    if cache.folder is None or not supported():
        return

    def render(config: MkDocsConfig, files: Files) -> None:
        assert page.markdown is not None
        key = cache.key("page-html", context, page.file.src_uri, page.file.dest_uri, page.markdown)
        stored = cache.get(key)
        if stored is not None and _apply(page, files, stored):
            return
        if _convert(page, config, files):
            cache.put(key, _entry(page))

    page.render = render  # type: ignore[method-assign]  # MkDocs calls page.render(config, files) next
