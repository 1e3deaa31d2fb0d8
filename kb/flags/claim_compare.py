"""Comparing two claims (kb.flags.claims): whether they state the same kind of fact, and
whether their values disagree — ranges that overlap agree, menu paths that contain one another
agree, and business days are read against calendar durations with the weekends they may span.
"""

from __future__ import annotations

from kb.flags.claims import Claim
from kb.flags.text import content_terms, stem, words
from kb.text import on_month_scale


def comparable(a: Claim, b: Claim) -> bool:
    """Whether two claims state the same kind of fact (so differing values would conflict)."""
    if a.kind != b.kind or not _same_unit(a, b):
        return False
    if a.qualifier and b.qualifier and a.qualifier != b.qualifier:
        return False
    if a.kind == "path":
        # same destination: the last steps share a word ("Invoices" / "Invoice history")
        return bool(set(_path_parts(a)[-1].split()) & set(_path_parts(b)[-1].split()))
    return True


def _same_unit(a: Claim, b: Claim) -> bool:
    if a.unit == b.unit:
        return True
    if a.kind == "quantity":
        return bool(a.nouns & b.nouns)
    return (
        a.kind == "duration"
        and {a.unit, b.unit} == {"time", "business"}
        and _whole_days(a)
        and _whole_days(b)
    )


def _whole_days(c: Claim) -> bool:
    """A business duration counted in days (business hours have no calendar reading)."""
    return c.unit != "business" or c.value.endswith(" day")


def calendar_span(c: Claim, other: Claim) -> tuple[float, float]:
    """`c`'s (low, high) on `other`'s scale: N business days, read against a calendar
    duration, last N calendar days or longer by the weekends they may span (two days per
    five), so "3 working days" disagrees with "48 hours" but "5 business days" agrees with
    "a week"; a whole number of months or years counts in months ("24 months" is "two
    years")."""
    assert c.low is not None and c.high is not None
    if c.unit == "business" and other.unit == "time":
        weekends = 2 * -(-c.high // (5 * 1440)) * 1440
        return c.low, c.high + weekends
    if c.kind == "duration" and c.unit == "time":
        return on_month_scale(c.low), on_month_scale(c.high)
    return c.low, c.high


def conflicts(a: Claim, b: Claim) -> bool:
    """Whether two comparable claims disagree (ranges that overlap agree)."""
    if a.kind in ("duration", "price", "percent", "quantity"):
        (a_low, a_high), (b_low, b_high) = calendar_span(a, b), calendar_span(b, a)
        return a_high < b_low - 1e-9 or b_high < a_low - 1e-9
    if a.kind == "version":
        return _version(a.value) != _version(b.value)
    if a.kind == "path":
        pa, pb = _path_parts(a), _path_parts(b)
        return not (_contains(pa, pb) or _contains(pb, pa))
    la, lb = _norm_label(a.value), _norm_label(b.value)
    return la != lb and la not in lb and lb not in la


def _version(value: str) -> tuple[int, ...]:
    parts = [int(p) for p in value.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def destination(c: Claim) -> set[str]:
    """The content terms of where a menu path leads (its last step)."""
    return content_terms(c.value.split(" > ")[-1])


def _path_parts(c: Claim) -> list[str]:
    return [_norm_label(p) for p in c.value.split(" > ")]


def _contains(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


def _norm_label(label: str) -> str:
    return " ".join(stem(w) for w in words(label))
