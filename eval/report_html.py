"""report.html: one self-contained page (inline CSS, plots as PNG data URIs, no requests)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from eval.report_json import Report
from eval.report_plots import all_plots
from eval.report_tables import Table, all_tables, summary_lines

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-size:12px;color:#555}
.judge{background:#fff3cd;padding:.4em .8em;border:1px solid #e0c36b}
"""


def _inline(text: str) -> str:
    """Escape, then render the two Markdown bits the summary lines use (`code`, **bold**)."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    notes = "".join(f"<p>{_inline(n)}</p>" for n in table.notes)
    return (
        f"<h2>{html.escape(table.title)}</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{notes}"
    )


def render_html(report: Report) -> str:
    items = "".join(f"<li>{_inline(line)}</li>" for line in summary_lines(report))
    judge = (
        f'<p class="judge">LLM judge used: <code>{html.escape(report.config.judge)}</code>. '
        "Its verdicts are a model's opinion, not a human label.</p>"
        if report.config.judge
        else ""
    )
    figures = "".join(
        f'<figure><img alt="{html.escape(caption)}" src="{uri}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        for caption, uri in all_plots(report)
    )
    tables = "".join(table_html(t) for t in all_tables(report))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>kbc eval report</title><style>{_CSS}</style></head><body>"
        f"<h1>kbc eval report</h1><ul>{items}</ul>{judge}<section>{figures}</section>"
        f"{tables}</body></html>"
    )


def write_html(report: Report, path: Path) -> Path:
    path.write_text(render_html(report), encoding="utf-8")
    return path
