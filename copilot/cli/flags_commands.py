"""`kbc flags scan | list | set`: content flags from the command line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import click

from kb.flags.model import REASONS, STATUSES
from kb.store import KnowledgeBase


def _open(ctx: click.Context) -> KnowledgeBase:
    from kb.maintenance import open_store

    return open_store(ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"])


@click.group()
def flags() -> None:
    """Stale, contradicted, duplicate and missing articles, with evidence."""


@flags.command()
@click.option(
    "--policy",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Review policy JSON (default: <data-dir>/review_policy.json if present).",
)
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    type=click.Choice(REASONS),
    help="Only these signals (repeatable). Default: all.",
)
@click.option(
    "--verify-with-llm",
    "llm",
    default=None,
    metavar="MODEL",
    help="Confirm contradiction candidates with this litellm model.",
)
@click.option(
    "--max-ticket-age-days",
    type=click.IntRange(1, None),
    default=None,
    help="Ignore contradicting tickets older than this (default: KBC_FLAGS_TICKET_MAX_AGE_DAYS;"
    " none: every ticket resolved after the article's last edit counts).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def scan(
    ctx: click.Context,
    policy: Path | None,
    reasons: tuple[str, ...],
    llm: str | None,
    max_ticket_age_days: int | None,
    as_json: bool,
) -> None:
    """Run every signal over the store and update the flags (lifecycle kept)."""
    from copilot.config import get_settings
    from kb.flags import ScanConfig, run_scan

    if max_ticket_age_days is None:
        max_ticket_age_days = get_settings().flags_ticket_max_age_days
    with _open(ctx) as kb:
        cfg = ScanConfig.for_store(
            ctx.obj["data_dir"], policy, ticket_max_age_days=max_ticket_age_days
        )
        if reasons:
            cfg.reasons = reasons
        if llm:
            from copilot.flags_verifier import LLMClaimVerifier
            from copilot.llm import LLMGateway

            cfg.verifier = LLMClaimVerifier(LLMGateway(llm, timeout_s=60))
        summary = run_scan(kb, cfg)
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
        return
    c = summary.changes
    click.echo(
        f"scanned {summary.articles} articles in {summary.total_seconds:.1f}s: "
        f"{c.opened} new, {c.updated} updated, {c.reopened} re-opened, "
        f"{c.auto_fixed} closed (no longer detected), {c.kept_dismissed} still dismissed"
    )
    for name, seconds in summary.seconds.items():
        found = summary.found.get(name)
        click.echo(
            f"  {name:26} {seconds:7.2f}s" + (f"  {found} found" if found is not None else "")
        )


@flags.command("list")
@click.option("--reason", type=click.Choice(REASONS), default=None)
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--document", default=None, help="Only flags on this article id.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print flags (with evidence) as JSON.")
@click.pass_context
def list_flags(
    ctx: click.Context,
    reason: str | None,
    status: str | None,
    document: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Flags by impact (tickets/answers touching the article x severity)."""
    from kb.flags import FlagStore

    with _open(ctx) as kb:
        found = FlagStore(kb).list(reason=reason, status=status, document=document, limit=limit)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no flags")
    for f in found:
        click.echo(
            f"#{f.id:<5} {f.impact:7.1f} {f.severity:6} {f.status:12} {f.reason:24} "
            f"{f.document_id or '-'}\n        {f.evidence.get('summary', '')}"
        )


@flags.command("show")
@click.argument("flag_id", type=int)
@click.pass_context
def show(ctx: click.Context, flag_id: int) -> None:
    """One flag's evidence: passages side by side, questions and the nearest article."""
    from kb.flags import FlagStore

    with _open(ctx) as kb:
        flag = FlagStore(kb).get(flag_id)
    click.echo(f"#{flag.id} {flag.reason} {flag.severity} {flag.status} {flag.document_id or '-'}")
    for line in evidence_lines(flag.evidence):
        click.echo(line)


def evidence_lines(ev: dict[str, Any], width: int = 60) -> list[str]:
    """Evidence as a content owner reads it: the summary, then what backs it."""
    out = [str(ev.get("summary", ""))]
    for item in ev.get("items", []):
        out.append(f"  article: {item['article_sentence']}")
        out.append(
            f"  ticket {item['ticket_id']} ({item.get('resolved_at')}): {item['ticket_sentence']}"
        )
    for p in ev.get("passages", []):
        left = textwrap.wrap(" ".join(str(p["this"]).split()), width) or [""]
        right = textwrap.wrap(" ".join(str(p["other"]).split()), width) or [""]
        out.append(
            f"  {'this article':<{width}} | {ev.get('duplicate_of', 'other')} ({p['similarity']})"
        )
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            out.append(f"  {a:<{width}} | {b}")
    if ev.get("facts"):
        out.append(f"  facts: {ev['facts']}")
    for q in ev.get("examples", []):
        out.append(f"  asked: {q}")
    near = ev.get("nearest_article")
    if near:
        out.append(f"  nearest article: {near.get('title') or near['id']} ({near['id']})")
    if ev.get("why_not_answered"):
        out.append(f"  why it does not answer: {ev['why_not_answered']}")
    return out


@flags.command("set")
@click.argument("flag_id", type=int)
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--note", default=None)
@click.pass_context
def set_status(ctx: click.Context, flag_id: int, status: str, note: str | None) -> None:
    """Acknowledge, fix, dismiss or re-open a flag (fixing re-checks the article first)."""
    from functools import partial

    from kb.flags import FlagStore, ScanConfig
    from kb.flags.scan import still_detected

    with _open(ctx) as kb:
        cfg = ScanConfig.for_store(ctx.obj["data_dir"])
        flag = FlagStore(kb).transition(
            flag_id, status, note, still_detected=partial(still_detected, kb, cfg=cfg)
        )
    click.echo(f"flag #{flag.id} is {flag.status}")


COMMANDS = [flags]
