"""Request bodies read from files for the commands that mirror an API call."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kb.errors import InvalidInput

Body = TypeVar("Body", bound=BaseModel)


def read_body(path: Path, model: type[Body]) -> Body:
    """`path` as the API would read its body, or InvalidInput naming the first bad field."""
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidInput(f"{path}: {where}: {first['msg']}") from None
