"""Content flags: evidence that a help article is wrong, stale, duplicated, broken or missing.

Signals (one module each) turn the store into `Finding`s; `scan.run_scan` runs them and
`kb.storage.flags.FlagStore` writes them through the lifecycle open -> acknowledged ->
fixed | dismissed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.flags.model import REASONS, SEVERITIES, STATUSES, Finding, Flag

if TYPE_CHECKING:
    from kb.flags.scan import ScanConfig, ScanSummary, recheck_documents, run_scan
    from kb.storage.flags import FlagStore

# The scan and the flag store load on first use: the store (kb.storage.flags) imports the
# flag model from this package, so importing them here would make a cycle.
_LAZY = {
    "FlagStore": "kb.storage.flags",
    "ScanConfig": "kb.flags.scan",
    "ScanSummary": "kb.flags.scan",
    "recheck_documents": "kb.flags.scan",
    "run_scan": "kb.flags.scan",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'kb.flags' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)


__all__ = [
    "REASONS",
    "SEVERITIES",
    "STATUSES",
    "Finding",
    "Flag",
    "FlagStore",
    "ScanConfig",
    "ScanSummary",
    "recheck_documents",
    "run_scan",
]
