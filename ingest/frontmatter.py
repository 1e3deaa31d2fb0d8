"""Article metadata: YAML front matter at the top of a Markdown file, and normalising its fields.

The field normalisers are shared by every article loader (Markdown, HTML, JSONL).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import yaml

from kb.errors import SourceError
from kb.models import VISIBILITIES, Visibility

_OPEN = re.compile(r"---[ \t]*\r?\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter mapping, Markdown body); no front matter gives ({}, text).

    Front matter must start on the first line. Broken YAML, an unclosed block or a
    value that is not a mapping raises SourceError naming the file line at fault.
    """
    opening = _OPEN.match(text)
    if opening is None:
        return {}, text
    closing = _CLOSE.search(text, opening.end())
    if closing is None:
        raise SourceError("front matter opened by '---' on line 1 is never closed by a '---' line")
    raw = text[opening.end() : closing.start()]
    body = text[closing.end() :]
    if body.startswith("\r\n"):
        body = body[2:]
    elif body.startswith("\n"):
        body = body[1:]
    return _parse_yaml(raw), body


def _parse_yaml(raw: str) -> dict[str, Any]:
    """Parse the YAML between the fences; line numbers in errors are file lines."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise SourceError(_yaml_message(exc)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(
            f"front matter must be a mapping of key: value lines, not a {type(data).__name__}"
        )
    return {str(key): value for key, value in data.items()}


def _yaml_message(exc: yaml.YAMLError) -> str:
    """One line: where the YAML broke (as a line of the file) and what yaml says is wrong."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is not None:
        # +1 for the opening '---' line, +1 because yaml counts from zero
        return f"broken front matter at line {mark.line + 2}: {problem}"
    return f"broken front matter: {problem}"


def iso_date(value: object, field_name: str) -> str | None:
    """Normalise a date field (yaml gives `date`/`datetime`, files give strings) to ISO 8601.

    A string that is not an ISO date raises SourceError: staleness checks compare these.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise SourceError(
            f"{field_name}: {text!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
        ) from exc


def epoch_or_iso_date(value: object, field_name: str) -> str | None:
    """A time as helpdesk APIs give it, Unix seconds (Intercom) or an ISO string, in ISO 8601."""
    if isinstance(value, bool):
        raise SourceError(f"{field_name}: {value!r} is not a time")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError) as exc:
            raise SourceError(f"{field_name}: {value!r} is not a Unix time") from exc
    return iso_date(value, field_name)


def tag_list(value: object) -> tuple[str, ...]:
    """Tags as a tuple of non-empty strings, from a YAML list or a comma-separated string."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple | set):
        items = [items]
    tags = (str(item).strip() for item in items if item is not None)
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def visibility_of(value: object, default: Visibility) -> Visibility:
    """The document's own visibility when it states one; an unknown value is an error."""
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    for allowed in VISIBILITIES:
        if text == allowed:
            return allowed
    raise SourceError(f"visibility: {value!r} is not one of {', '.join(VISIBILITIES)}")


def optional_str(value: object) -> str | None:
    """A scalar metadata value as a stripped string; empty becomes None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def json_safe(value: Any) -> Any:
    """Make a yaml value storable as JSON (dates become ISO strings) for `Document.meta`."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    return value
