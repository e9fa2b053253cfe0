"""MkDocs hooks: translate MkDocs events into calls to the plain core in `parsite`.

on_config loads and validates `data/` (stopping the build with every problem listed),
checks the search configuration and sets the navigation; on_files adds the generated
pages and downloads as virtual files. Nothing is written into `docs/`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from parsite.clock import ClockError
from parsite.exports import export_files
from parsite.fmt import slugify
from parsite.model import Site
from parsite.problems import DataError
from parsite.render import build_stamp, nav, render_pages
from parsite.search import SearchConfigError, check_search_fields
from parsite.site import load_site

log = logging.getLogger("mkdocs.plugins.parsite")

_site: Site | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _site
    root = Path(config.config_file_path).parent
    search = config.plugins.get("material/search") or config.plugins.get("search")
    try:
        check_search_fields(search.config.get("fields") if search else None)
        _site = load_site(root / "data", root)
    except (DataError, ClockError, SearchConfigError) as exc:
        raise PluginError(str(exc)) from None
    config.nav = nav(_site) + list(config.nav or [])  # hand-written pages of docs/ after the generated ones
    config.extra["build_stamp"] = build_stamp()
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
    log.info("Đã đọc dữ liệu: %d kế hoạch, %d năm kết quả", len(_site.plans), len(_site.results))
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _site is not None  # set by on_config
    for path, content in render_pages(_site).items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            raise PluginError(f"docs/{path} trùng với trang được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/")
        files.append(File.generated(config, path, content=content))
    for path, data in export_files(_site, config.site_url).items():
        files.append(File.generated(config, path, content=data))
    return files
