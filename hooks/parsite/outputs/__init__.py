"""Outputs: pages (Markdown from the templates in `parsite/templates/`), downloads, calendars,
reports, charts, feeds, the finder, search folding and compression of the published files."""
