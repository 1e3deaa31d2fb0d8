"""widget.js size and time-to-first-answer on the demo page, measured in headless Chromium.

    .venv/bin/python bench/widget.py [--runs 15] [--store DIR] [--no-write]

Builds a store from examples/ (MiniLM; bench/out/widget-store, updated incrementally),
serves the real app in-process with the extractive generator, opens /demo in Debian's
Chromium and times, inside the page, question submitted -> answer rendered (a fresh page per
run). Prints the figures and rewrites the `## Widget` section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
if sys.path and Path(sys.path[0] or ".").resolve() == REPO / "bench":
    sys.path[0] = str(REPO)  # run as a script: bench/ingest.py must not shadow the package
OUT = REPO / "bench" / "out"
RESULTS = REPO / "bench" / "RESULTS.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUESTIONS = [
    "How do I connect my Google Calendar?",
    "How do I reset my password?",
    "Can I export my bookings to a CSV file?",
    "How do I add Zoom links to my bookings?",
    "How do I turn on two-factor authentication?",
]
# Runs in the page: submit the question, resolve when an answer (or hand-off) is rendered.
TIME_TO_ANSWER_JS = """async (question) => {
  const root = document.querySelector('[data-kbc-widget]').shadowRoot;
  const log = root.querySelector('.g'), input = root.querySelector('#kbc-q');
  const before = log.querySelectorAll('.m.a, .m.h').length;
  const done = new Promise((resolve) => new MutationObserver((_, obs) => {
    const shown = log.querySelectorAll('.m.a, .m.h');
    if (shown.length > before) { obs.disconnect(); resolve(shown[shown.length - 1].className); }
  }).observe(log, { childList: true }));
  input.value = question;
  const t0 = performance.now();
  root.querySelector('form').requestSubmit();
  const kind = await done;
  const ms = performance.now() - t0;
  const http = performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/v1/answers'));
  return { ms, kind, http: http.length ? http[http.length - 1].duration : null };
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def examples_store(data_dir: Path) -> Path:
    """A MiniLM store of examples/ (help center + resolved tickets), kept up to date
    incrementally (unchanged documents are not re-embedded); the small test help center
    when examples/ is absent."""
    from ingest.pipeline import run
    from kb.maintenance import open_store

    examples = REPO / "examples"
    with open_store(data_dir, "minilm") as kb:
        assert kb.embedder is not None
        if (examples / "help-center").is_dir():
            run([examples / "help-center"], kb, kb.embedder, prune=True)
            tickets = examples / "tickets" / "resolved.jsonl"
            if tickets.exists():
                run([tickets], kb, kb.embedder, kind="ticket", prune=True)
        else:
            from tests.helpcenter import write_help_center

            run([write_help_center(data_dir.parent / "helpcenter")], kb, kb.embedder)
    return data_dir


@dataclass
class Site:
    base: str
    state: Any  # copilot.state.AppState
    agent: str
    widget: str


@contextmanager
def running_site(data_dir: Path, **settings: Any) -> Iterator[Site]:
    """The real app under uvicorn on a free loopback port, with fresh agent and widget keys."""
    import uvicorn

    from copilot.app import build_state, create_app
    from copilot.config import Settings
    from kb.storage.keys import KeyStore

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = build_state(Settings(data_dir=data_dir, **settings))
    keys = KeyStore(state.kb)
    widget = keys.create("widget", name="bench", origins=(base,))
    agent = keys.create("agent", name="bench")
    state.settings = state.settings.model_copy(update={"demo_widget_key": widget})
    server = uvicorn.Server(
        uvicorn.Config(create_app(state.settings, state=state), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Site(base=base, state=state, agent=agent, widget=widget)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        state.kb.database.close()


def widget_size() -> tuple[int, int]:
    from copilot.pages.routes import asset

    raw = asset("widget.js").encode()
    return len(raw), len(gzip.compress(raw, compresslevel=9))


def measure(base: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    answer_ms: list[float] = []
    ready_ms: list[float] = []
    server_ms: list[float] = []
    http_ms: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(runs + 1):  # the first run warms the server up; not counted
                page = browser.new_page()
                page.goto(f"{base}/demo")
                page.wait_for_selector("button.l")
                ready = page.evaluate(
                    "performance.getEntriesByName(new URL('/widget.js', location).href)[0]"
                    ".responseEnd"
                )
                page.click("button.l")
                with page.expect_response(lambda r: r.url.endswith("/v1/answers")) as response:
                    result = page.evaluate(TIME_TO_ANSWER_JS, QUESTIONS[i % len(QUESTIONS)])
                if result["kind"] != "m a":
                    raise SystemExit(f"expected an answer, got {result}")
                if i:
                    answer_ms.append(result["ms"])
                    ready_ms.append(ready)
                    server_ms.append(response.value.json()["latency_ms"])
                    http_ms.append(result["http"])
                page.close()
        finally:
            browser.close()
    return {
        "runs": runs,
        "time_to_first_answer_ms_median": round(statistics.median(answer_ms), 1),
        "time_to_first_answer_ms_p90": round(sorted(answer_ms)[int(0.9 * (runs - 1))], 1),
        "time_to_first_answer_ms_min": round(min(answer_ms), 1),
        "http_round_trip_ms_median": round(statistics.median(http_ms), 1),
        "server_latency_ms_median": round(statistics.median(server_ms), 1),
        "widget_loaded_ms_median": round(statistics.median(ready_ms), 1),
    }


def write_section(figures: dict[str, Any], command: str) -> None:
    """Replace (or append) the `## Widget` section of bench/RESULTS.md; others stay as they are."""
    section = f"""## Widget

Command (2-core shared machine, headless Debian Chromium, extractive generator, MiniLM store
of `examples/`; a fresh page per run, first run discarded as warm-up):

```
{command}
```

| figure | value |
|---|---:|
| `widget.js` size | {figures["bytes"]:,} bytes ({figures["bytes"] / 1024:.1f} KiB) |
| `widget.js` gzip -9 | {figures["gzip_bytes"]:,} bytes |
| time to first answer, median of {figures["runs"]} (question submitted -> answer rendered) \
| {figures["time_to_first_answer_ms_median"]} ms |
| time to first answer, p90 / min | {figures["time_to_first_answer_ms_p90"]} / \
{figures["time_to_first_answer_ms_min"]} ms |
| of which the `/v1/answers` HTTP request (Resource Timing), median \
| {figures["http_round_trip_ms_median"]} ms |
| of which the answer itself (`latency_ms` in the response), median \
| {figures["server_latency_ms_median"]} ms |
| `widget.js` loaded after navigation start, median | {figures["widget_loaded_ms_median"]} ms |

Time to first answer is measured inside the page (`performance.now()` from the form submit
to the answer's node appearing in the shadow DOM), so it includes the `/v1/answers` round
trip and rendering. The HTTP request adds key verification, rate limiting, CORS and logging
the answer (a SQLite commit) to the answer's own `latency_ms` (retrieval, extractive
composition, support check); the rest is the browser parsing and rendering. The widget makes
no third-party requests and needs no framework.
"""
    text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Widget\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--store", type=Path, default=OUT / "widget-store")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"skipped: {CHROMIUM} not present (apt-get install chromium)")
    size, gz = widget_size()
    store = examples_store(args.store)
    with running_site(
        store, rate_limit_widget_per_minute=100_000, rate_limit_ip_per_minute=100_000
    ) as site:
        figures = {"bytes": size, "gzip_bytes": gz, **measure(site.base, args.runs)}
    print(json.dumps(figures, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "widget.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if not args.no_write:
        write_section(figures, f".venv/bin/python bench/widget.py --runs {args.runs}")
        print(f"wrote the Widget section of {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
