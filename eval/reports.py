"""Write the three report files of one run into a folder."""

from __future__ import annotations

from pathlib import Path

from eval.report_html import write_html
from eval.report_json import Report, write_json
from eval.report_md import write_markdown


def write_reports(report: Report, out: Path) -> list[Path]:
    """report.json, report.md and report.html under `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_json(report, out / "report.json"),
        write_markdown(report, out / "report.md"),
        write_html(report, out / "report.html"),
    ]
