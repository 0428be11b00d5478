"""`summarizer schema`: the published JSON schema of a briefing."""

from __future__ import annotations

import json

from builders import invoke


def test_schema_command_prints_briefing_schema() -> None:
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Briefing"
