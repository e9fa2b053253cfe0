"""A standalone project: the site as plain files and a config that needs no hooks.

The department must be able to change engines (Material for MkDocs reaches end of life;
Zensical ignores `hooks:`) without touching the data or the core. `write_project` writes
everything the hooks hand to MkDocs as ordinary files:

    DIR/mkdocs.yml   every setting of the project's config with what the hooks set: the full
                     navigation, the agency's name, description, footer and address, logo and
                     favicon, the build stamp, the heading-id function, the theme folder, the
                     404 page's share meta; no `hooks:`, no `watch:`
    DIR/docs/        the generated pages (title, feeds and share meta in front matter, written
                     by a YAML dumper), the hand-written pages and assets of docs/ (the editors'
                     guide with its examples filled in), the logo, the downloads (share images
                     among them)
    DIR/theme/       the theme overrides (Material custom_dir)

`mkdocs build` (or `properdocs build`) in DIR then gives the same pages as the hooked build.
What `on_post_build` does to the built site (search index split into parts, unused theme
files removed, precompressed copies) is not part of a page and needs the hooks; without it the
search worker falls back to Material's whole index and lunr.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from ..data_in.model import Site
from ..fmt import html
from .changes import Changes
from .emblem import emblem
from .guide import GUIDE, render_guide
from .paths import CHANGES, CHANGES_URL
from .registry import Catalog, catalog, write_downloads
from .render import build_stamp, html_titles, nav, page_layouts, page_titles, rendered_pages
from .share import DEFAULT_IMAGE, Share, page_shares, share_meta

DOCS = "docs"
THEME = "theme"

# Heading ids: pymdownx's slugify (importable by any engine, picklable for Zensical) with
# diacritics removed ('Điểm qua các năm' → 'điem-qua-cac-nam'). The hooked build's own slugify
# (parsite.fmt) also folds 'đ', which has no decomposition; a config cannot name that function
# without this package, so those ids keep 'đ'. Task anchors are explicit, the same in both.
SLUGIFY_TAG = "tag:yaml.org,2002:python/object/apply:pymdownx.slugs.slugify"
SLUGIFY_OPTIONS = {"case": "lower", "normalize": "NFD"}
# The agency's name, description and footer, escaped once, as the hooks pass them: Markup, so a
# theme's own `|e` leaves them alone (no "&amp;amp;" in the logo's title).
MARKUP_TAG = "tag:yaml.org,2002:python/object/apply:markupsafe.Markup"

# Front matter as MkDocs reads it (mkdocs.utils.meta): a YAML block between '---' lines.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
# A page's first-level heading, the title MkDocs gives a hand-written page without one in meta.
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


class ProjectError(RuntimeError):
    """The project cannot be written (a hand-written file stands where a generated one goes)."""


class _Slugify:
    """Stands for the heading-id function in the config written out."""


class _Escaped(str):
    """Text already escaped by the one filter, for the config: read back as markupsafe.Markup."""


class _Dumper(yaml.SafeDumper):
    """Writes the config; `_Slugify` becomes a `!!python/object/apply:pymdownx.slugs.slugify` node
    and `_Escaped` a `!!python/object/apply:markupsafe.Markup` node (MkDocs reads configs with
    PyYAML's full loader). Data text is always a quoted scalar inside the node, never a tag."""


_Dumper.add_representer(_Slugify, lambda dumper, _: dumper.represent_mapping(SLUGIFY_TAG, {"kwds": SLUGIFY_OPTIONS}))
_Dumper.add_representer(_Escaped, lambda dumper, text: dumper.represent_sequence(MARKUP_TAG, [str(text)]))


def _front_matter(meta: dict[str, Any], markdown: str) -> str:
    """A page with its metadata in front matter, written by PyYAML's dumper (never pasted)."""
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1 << 16)
    return f"---\n{head}---\n\n{markdown}"


def _split(text: str) -> tuple[dict[str, Any], str]:
    """A hand-written page's front matter (a mapping) and the Markdown after it."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    meta = yaml.safe_load(match.group(1))
    return (meta if isinstance(meta, dict) else {}), text[match.end() :].lstrip("\n")


def _page_meta(
    site: Site, made: Catalog, path: str, share: Share, site_url: str | None, title: str | None = None
) -> dict[str, Any]:
    """A page's meta as the hooks set it (site_hooks.on_page_context): the Atom feeds it
    announces and what a shared link to it shows (its description too)."""
    assert site.identity is not None  # set by assemble
    meta = share_meta(share, site.identity.name, site_url, path, title)
    return {"atom_feeds": made.announced(path), "share": meta, "description": meta["description"]}


def project_config(config: dict[str, Any], site: Site, logo: str) -> dict[str, Any]:
    """The standalone config from the project's `mkdocs.yml` (parsed) and the loaded site.

    Set as the hooks set them (site_hooks.on_config): names escaped once by the one filter,
    because themes print them as markup, and marked as Markup so that a theme's own `|e`
    leaves them alone.
    """
    config = dict(config)
    config.pop("hooks", None)
    config.pop("watch", None)  # data/ and hooks/ are not part of the standalone project
    config["docs_dir"] = DOCS
    config["site_dir"] = "site"
    identity = site.identity
    assert identity is not None  # set by assemble
    config["site_name"] = _Escaped(html(identity.name))
    config["site_description"] = _Escaped(html(identity.description))
    config["copyright"] = _Escaped(html(identity.copyright))
    if identity.url and not config.get("site_url"):
        config["site_url"] = identity.url
    config["nav"] = html_titles(nav(site)) + list(config.get("nav") or [])
    hidden = str(config.get("not_in_nav") or "")
    config["not_in_nav"] = hidden + ("" if not hidden or hidden.endswith("\n") else "\n") + f"/{CHANGES}\n"
    theme = dict(config.get("theme") or {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = THEME
    theme["logo"] = theme["favicon"] = logo
    config["theme"] = theme
    config["extra"] = {**(config.get("extra") or {}), "build_stamp": build_stamp(site), "changes_page": CHANGES_URL}
    extensions: list[Any] = []
    for entry in config.get("markdown_extensions") or []:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "toc":
            options = {**(options or {}), "slugify": _Slugify()}
        extensions.append({name: options} if options else name)
    if not any((e if isinstance(e, str) else next(iter(e))) == "toc" for e in extensions):
        extensions.append({"toc": {"slugify": _Slugify()}})
    config["markdown_extensions"] = extensions
    return config


def write_project(site: Site, root: Path, data_dir: Path, out: Path, changes: Changes | None = None) -> int:
    """Write the standalone project of the site into `out` (replaced); return the number of pages.

    `root` is the project folder holding `mkdocs.yml`, `docs/` and the theme overrides;
    `data_dir` the data folder (the agency's emblem is read from it).
    """
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = root / config.get("docs_dir", "docs")
    custom_dir = (config.get("theme") or {}).get("custom_dir")
    logo = emblem(site.agency.emblem, site.agency.short, data_dir)
    config = project_config(config, site, logo.path)
    titles, layouts = page_titles(site), page_layouts(site)
    site_url = config.get("site_url")
    outputs = catalog(site, site_url)
    made = outputs.downloads()
    shares = page_shares(site)
    assert site.identity is not None  # set by assemble
    # The 404 page has no page: it shares the site's own card (site_hooks.on_config).
    config["extra"]["share"] = share_meta(shares[DEFAULT_IMAGE], site.identity.name, site_url, None)
    clashes = [path for path in (*titles, *made, logo.path) if (docs / path).exists()]
    if clashes:
        raise ProjectError(
            "\n".join(f"docs/{path} trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/" for path in clashes)
        )
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(docs, out / DOCS)
    for page in sorted((out / DOCS).rglob("*.md")):
        path = page.relative_to(out / DOCS).as_posix()
        meta, markdown = _split(page.read_text(encoding="utf-8"))
        if path == GUIDE:
            markdown = render_guide(markdown, site)
        # A page written by hand shares the site's card under its own title (MkDocs's page.title).
        heading = _HEADING.search(markdown)
        title = str(meta.get("title") or (heading.group(1) if heading else shares[DEFAULT_IMAGE].title))
        meta.update(_page_meta(site, outputs, path, shares[DEFAULT_IMAGE], site_url, title))
        page.write_text(_front_matter(meta, markdown), encoding="utf-8")
    count = 0
    for path, markdown in rendered_pages(site, changes):
        target = out / DOCS / path
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "title": html(titles[path]),
            **layouts.get(path, {}),
            **_page_meta(site, outputs, path, shares[path], site_url),
        }
        target.write_text(_front_matter(meta, markdown), encoding="utf-8")
        count += 1
    (out / DOCS / logo.path).parent.mkdir(parents=True, exist_ok=True)
    (out / DOCS / logo.path).write_bytes(logo.content)
    write_downloads(made, out / DOCS)
    if custom_dir:
        shutil.copytree(root / custom_dir, out / THEME, ignore=shutil.ignore_patterns("__pycache__"))
    text = yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    header = "# Written by `scripts/site generate` from data/ and mkdocs.yml: build with `mkdocs build`.\n"
    (out / "mkdocs.yml").write_text(header + text, encoding="utf-8")
    return count
