"""Plain-Python core of the PAR plan site: load → validate → model → render.

Nothing here imports MkDocs; `hooks/site_hooks.py` adapts MkDocs events to these
functions and `scripts/generate.py` runs them without MkDocs.
"""
