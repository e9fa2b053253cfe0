"""Editors' tools: new plans and results written as YAML with comments, the appendix import
and the status migration (the commands in `scripts/`)."""
