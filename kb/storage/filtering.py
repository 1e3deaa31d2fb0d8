"""SQL for search filters: the one place visibility, kind, lang and product are enforced.

Portable SQL with `?` placeholders (SQLite and PostgreSQL)."""

from __future__ import annotations

from kb.models import SearchFilters


def filter_clause(filters: SearchFilters, doc: str = "d") -> tuple[str, list[object]]:
    """A WHERE fragment over the documents alias `doc`, and its parameters.

    An empty visibility set matches nothing (never "everything").
    """
    parts: list[str] = []
    params: list[object] = []
    vis = sorted(filters.visibility)
    if not vis:
        return "1 = 0", []
    parts.append(f"{doc}.visibility IN ({','.join('?' * len(vis))})")
    params += vis
    if filters.kinds is not None:
        kinds = sorted(filters.kinds)
        if not kinds:
            return "1 = 0", []
        parts.append(f"{doc}.kind IN ({','.join('?' * len(kinds))})")
        params += kinds
    if filters.lang:
        parts.append(f"{doc}.lang = ?")
        params.append(filters.lang)
    if filters.product:
        parts.append(f"{doc}.product = ?")
        params.append(filters.product)
    return " AND ".join(parts), params
