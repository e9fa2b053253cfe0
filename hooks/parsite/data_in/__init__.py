"""Data in: YAML read with positions, checked against the schemas (`parsite/schemas/`) and the
rules, assembled into the model, and what the model answers (task states as of a day, analysis,
which plan is current)."""
