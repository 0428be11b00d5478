"""The eval harness: gold cases, field-aware scoring, reports, CI gate, record/replay.

Flow: `cases` (gold) + `predictions`/`runner` (predicted) -> `align` + `match` + `fields` ->
`metrics` (pure scores) -> `report` (files), `tables` (rich), `gate` (exit code) -> `cli`.
"""
