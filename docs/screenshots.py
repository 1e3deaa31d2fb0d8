"""Screenshots of the widget (answer and hand-off) and the agent console for the README.

    .venv/bin/python docs/screenshots.py [--store DIR] [--llm MODEL]

Serves the real app over a store built from examples/ (MiniLM; bench/out/widget-store,
updated incrementally), drives Debian's Chromium and writes docs/widget-answer.png,
docs/widget-handoff.png and docs/console.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DOCS = REPO / "docs"
ANSWER_QUESTION = "Can I export my bookings to a CSV file?"
HANDOFF_QUESTION = "Do you offer on-site training in Tokyo?"


def main() -> None:
    from bench.widget import CHROMIUM, CHROMIUM_ARGS, OUT, examples_store, running_site

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=OUT / "widget-store")
    parser.add_argument("--llm", default="extractive", help="generator for the console draft")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"skipped: {CHROMIUM} not present (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    store = examples_store(args.store)
    settings = {"handoff_email": "support@orbitly.example", "llm_model": args.llm}
    with running_site(store, **settings) as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            widget = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
            for name, question, shown in (
                ("widget-answer.png", ANSWER_QUESTION, ".m.a"),
                ("widget-handoff.png", HANDOFF_QUESTION, ".m.h"),
            ):
                widget.goto(f"{site.base}/demo")
                widget.click("button.l")
                widget.fill("#kbc-q", question)
                widget.press("#kbc-q", "Enter")
                widget.locator(shown).wait_for(timeout=60_000)
                # Sources and "Did this help?" in view (the question scrolls up a little).
                widget.locator(".g").evaluate("log => { log.scrollTop = log.scrollHeight; }")
                widget.mouse.move(0, 0)
                widget.screenshot(path=str(DOCS / name))
                print("wrote", DOCS / name)

            console = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="en-US")
            console.goto(f"{site.base}/console")
            console.fill("#key", site.agent)
            console.click("#signin-form button[type=submit]")
            console.select_option("#example", index=1)
            console.click("#draft")
            console.wait_for_selector("#draft-card:not([hidden])", timeout=300_000)
            console.fill("#q", "refund after renewal")
            console.press("#q", "Enter")
            console.wait_for_selector("#hits li.hit")
            console.screenshot(path=str(DOCS / "console.png"), full_page=True)
            print("wrote", DOCS / "console.png")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
