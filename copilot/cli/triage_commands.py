"""`kbc triage THREAD.json`: suggested tags, urgency, language and related documents for an
incoming thread (the body of POST /v1/triage), from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("thread", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the triage as JSON (the API's).")
@click.pass_context
def triage(ctx: click.Context, thread: Path, as_json: bool) -> None:
    """Triage an incoming thread: suggested tags, urgency, language and related documents."""
    from copilot.cli.bodies import read_body
    from copilot.config import get_settings
    from copilot.routes.threads import thread_messages
    from copilot.schemas.threads import ThreadBase
    from copilot.schemas.triage import TriageOut
    from copilot.triage import Triager
    from kb.maintenance import open_store
    from kb.retrieval import Retriever

    body = read_body(thread, ThreadBase)
    messages = thread_messages(body, get_settings())
    with open_store(ctx.obj["data_dir"], ctx.obj["embedder"], ctx.obj["store_url"]) as kb:
        languages = set(kb.catalog.grouped_counts("lang")) - {"?"}
        found = Triager(kb, Retriever(kb), languages=languages or None).triage(
            messages, subject=body.subject, locale=body.locale
        )
    out = TriageOut.of(found)
    if as_json:
        click.echo(json.dumps(out.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    click.echo(f"language {out.lang}, sentiment {out.sentiment}, urgency {out.urgency}")
    for tag in out.tags:
        click.echo(f"  tag {tag.tag:24} {tag.share:.2f}  from {', '.join(tag.tickets[:3])}")
    for kind, related in (("ticket", out.similar_tickets), ("article", out.articles)):
        for r in related:
            click.echo(f"  {kind:7} {r.external_id:24} {r.score:.3f}  {r.title}")


COMMANDS = [triage]
