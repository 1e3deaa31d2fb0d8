"""`kbc qa score THREAD.json`: a QA scorecard for a reply an agent sent, from the command line;
`kbc qa calibrate`: the grounded cut read off the store's own resolved tickets.

The file has the body of POST /v1/qa/scorecards: the thread (subject, locale, messages) and the
sent `reply`; the same limits apply. Exit code 0 when the reply passes, 1 when a criterion fails
(so a script can sample replies and count), 2 for a bad file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from copilot.schemas.qa import ScorecardOut


@click.group()
def qa() -> None:
    """QA scorecards: score a reply an agent sent against the help center."""


@qa.command()
@click.argument("thread", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scorecard as JSON (the API's).")
@click.pass_context
def score(ctx: click.Context, thread: Path, as_json: bool) -> None:
    """Score the `reply` of THREAD.json: grounded, contradicts, language, answered every
    question, privacy — each with the article sentence or value it rests on."""
    from copilot.cli.bodies import read_body
    from copilot.compose import ExtractiveComposer
    from copilot.config import get_settings
    from copilot.engine import Copilot
    from copilot.qa import ScorecardChecker, load_cut
    from copilot.routes.qa import scorecard_out
    from copilot.routes.threads import thread_messages
    from copilot.schemas.qa import ScorecardIn
    from kb.maintenance import open_store
    from kb.retrieval import Retriever

    body = read_body(thread, ScorecardIn)
    settings = get_settings()
    messages = thread_messages(body, settings)
    with open_store(ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        retriever = Retriever(kb)
        engine = Copilot(kb, retriever, ExtractiveComposer(None), settings)
        checker = ScorecardChecker(kb, engine, grounded_cut=load_cut(kb))
        card = checker.score(messages, body.reply, subject=body.subject, locale=body.locale)
    out = scorecard_out(card)
    if as_json:
        click.echo(json.dumps(out.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        _print(out)
    sys.exit(0 if card.passed else 1)


@qa.command()
@click.option(
    "--limit",
    type=click.IntRange(30, 2000),
    default=200,
    show_default=True,
    help="Resolved tickets to score (a fixed sample, by a hash of their id).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the saved cut as JSON.")
@click.pass_context
def calibrate(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Read this help center's grounded cut off its own resolved tickets and save it.

    Each ticket's reply is scored against its question; the cut is the mean support score
    that 90% of them reach. From then on a scorecard's grounded check compares a reply with
    the team's own replies, not with the shipped rule (a majority of sentences supported)."""
    from dataclasses import asdict

    from copilot.compose import ExtractiveComposer
    from copilot.config import get_settings
    from copilot.engine import Copilot
    from copilot.qa import ScorecardChecker, calibrate_grounded
    from kb.maintenance import open_store
    from kb.retrieval import Retriever

    with open_store(ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        engine = Copilot(kb, Retriever(kb), ExtractiveComposer(None), get_settings())
        cut = calibrate_grounded(kb, ScorecardChecker(kb, engine), limit)
    if as_json:
        click.echo(json.dumps(asdict(cut), indent=2))
    else:
        click.echo(f"saved grounded cut {cut.cut:.2f}: {cut.replies} resolved tickets' replies "
                   f"scored ({cut.skipped} skipped: too long, or nothing to score)")  # fmt: skip


def _print(card: ScorecardOut) -> None:
    verdict = "PASS" if card.passed else "FAIL: " + ", ".join(card.failing)
    click.echo(f"{verdict}  (customer {card.customer_lang}, reply {card.reply_lang or '?'})")
    for c in card.criteria:
        mark = "ok  " if c.passed else "FAIL"
        click.echo(f"  {mark} {c.name:24} {c.score:.2f}  {c.detail}")
    for s in card.sentences:
        ref = s.support
        where = f" <- {ref.external_id}: {_short(ref.sentence)}" if ref else ""
        click.echo(f"  {'+' if s.supported else '-'} {s.score:.2f} {_short(s.text)}{where}")
    for x in card.contradictions:
        a = x.article
        click.echo(f"  ! {x.value!r} in {_short(x.sentence)!r}: {a.external_id} ({a.title}) "
                   f"says {x.article_value!r}: {_short(a.sentence)!r}")  # fmt: skip
    for q in card.questions:
        said = _short(q.sentence) if q.answered and q.sentence else "no reply sentence"
        click.echo(f"  ? {'answered' if q.answered else 'MISSED  '} {_short(q.question)} -> {said}")
    for p in card.pii:
        click.echo(f"  # {p.kind} {p.shown}")


def _short(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


COMMANDS = [qa]
