"""report.md: the human report as Markdown (same tables as the HTML, without plots)."""

from __future__ import annotations

from pathlib import Path

from eval.report_json import Report
from eval.report_tables import Table, all_tables, summary_lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> list[str]:
    out = [f"## {table.title}", ""]
    out.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
    out.append("|" + "|".join("---" for _ in table.headers) + "|")
    out.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows)
    if table.notes:
        out.append("")
        out.extend(table.notes)
    out.append("")
    return out


def render_markdown(report: Report) -> str:
    lines = ["# kbc eval report", ""]
    lines.extend(f"- {line}" for line in summary_lines(report))
    lines.append("")
    for table in all_tables(report):
        lines.extend(table_markdown(table))
    return "\n".join(lines)


def write_markdown(report: Report, path: Path) -> Path:
    path.write_text(render_markdown(report), encoding="utf-8")
    return path
