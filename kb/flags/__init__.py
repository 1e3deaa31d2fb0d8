"""Content flags: evidence that a help article is wrong, stale, duplicated, broken or missing.

Signals (one module each) turn the store into `Finding`s; `scan.run_scan` runs them and
`store.FlagStore` writes them through the lifecycle open -> acknowledged -> fixed | dismissed.
"""

from __future__ import annotations

from kb.flags.model import REASONS, SEVERITIES, STATUSES, Finding, Flag
from kb.flags.scan import ScanConfig, ScanSummary, recheck_documents, run_scan
from kb.storage.flags import FlagStore

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
