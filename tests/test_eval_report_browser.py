"""report.html opened in headless Chromium renders every plot (no network, self-contained)."""

from __future__ import annotations

from pathlib import Path

from tests.browser import chromium, playwright_or_skip
from tests.eval_fixtures import kbc_eval, write_tiny_set


def test_report_html_plots_render_in_chromium(tmp_path: Path) -> None:
    playwright_or_skip()
    docs, tickets = write_tiny_set(tmp_path)
    out = tmp_path / "out"
    result = kbc_eval(tmp_path / "store", tickets, "--corpus", str(docs), "--out", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html.replace("https://help.test", "")

    requests: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "report.html").resolve().as_uri())
        page.wait_for_load_state("load")
        sizes = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])"
        )
        title = page.title()
    assert title == "kbc eval report"
    assert len(sizes) == 3  # recall@k curves, threshold curve, per-language bars
    for complete, width, height in sizes:
        assert complete and width > 0 and height > 0
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
