"""Flag reasons are listed once (kb.flags.model): the API schema and the console read them."""

from __future__ import annotations

import re

from copilot.flags_console.routes import _page
from copilot.schemas.flags import FlagOut
from kb.flags.model import ALL_REASONS, RAISED_REASONS, REASONS


def test_the_api_schema_and_the_console_list_every_reason() -> None:
    assert REASONS + RAISED_REASONS == ALL_REASONS and "sensitive_instruction" not in REASONS
    assert tuple(FlagOut.model_json_schema()["properties"]["reason"]["enum"]) == ALL_REASONS
    reason_filter = _page().split('<select id="reason">', 1)[1].split("</select>", 1)[0]
    assert tuple(re.findall(r'<option value="(\w+)">', reason_filter)) == ALL_REASONS
