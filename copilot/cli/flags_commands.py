"""`kbc flags scan | list | set`: content flags from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kb.flags.model import REASONS, STATUSES
from kb.store import KnowledgeBase


def _open(ctx: click.Context) -> KnowledgeBase:
    from kb.maintenance import open_store

    return open_store(ctx.obj["data_dir"], ctx.obj["embedder"])


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
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def scan(
    ctx: click.Context,
    policy: Path | None,
    reasons: tuple[str, ...],
    llm: str | None,
    as_json: bool,
) -> None:
    """Run every signal over the store and update the flags (lifecycle kept)."""
    from kb.flags import ScanConfig, run_scan

    with _open(ctx) as kb:
        cfg = ScanConfig.for_store(ctx.obj["data_dir"], policy)
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
