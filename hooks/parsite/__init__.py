"""Plain-Python core of the PAR plan site: load → validate → model → render.

Grouped by role: `data_in/` (load, schema, validate, assemble, model and what the model
answers), `outputs/` (pages, downloads, calendars, reports, charts, feeds, finder, search)
and `tools/` (the editors' commands). At the top are what all of them share: `site` (the
data folder to a checked model), `settings` (what a build is told from outside its data, with
`clock`), `problems` (collected errors with their codes), `dates`, `fmt` (Vietnamese formats
and the one escaping place) and `buildcache`.

Nothing here imports MkDocs; `hooks/site_hooks.py` adapts MkDocs events to these
functions and `scripts/generate.py` runs them without MkDocs.
"""
