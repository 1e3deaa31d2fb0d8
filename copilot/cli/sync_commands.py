"""`kbc sync zendesk|intercom|freshdesk`: a live help center's articles into the store."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import cast

import click

from kb.errors import InvalidInput
from kb.models import VISIBILITIES, Visibility

SYSTEMS = ("zendesk", "intercom", "freshdesk")
TOKEN_ENV = {
    "zendesk": "ZENDESK_TOKEN",
    "intercom": "INTERCOM_TOKEN",
    "freshdesk": "FRESHDESK_API_KEY",
}


@click.command()
@click.argument("system", type=click.Choice(SYSTEMS))
@click.option(
    "--url", default=None, help="The help center's API host, e.g. https://acme.zendesk.com."
)
@click.option("--email", default=None, help="Zendesk: the agent's email for an API token.")
@click.option(
    "--token-env",
    default=None,
    help="Environment variable holding the token (default ZENDESK_TOKEN, INTERCOM_TOKEN, "
    "FRESHDESK_API_KEY). Never passed on the command line.",
)
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    default="public",
    show_default=True,
    help="Visibility of articles the help center does not restrict.",
)
@click.option("--prune", is_flag=True, help="Remove this help center's articles it no longer has.")
@click.option(
    "--tickets",
    is_flag=True,
    help="Resolved tickets (Intercom: closed conversations) instead of articles, "
    "incrementally (resumes where the last run stopped).",
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="--tickets, first run: tickets changed since this date (default: 90 days ago).",
)
@click.option(
    "--max-requests",
    type=click.IntRange(10, 100_000),
    default=1_000,
    show_default=True,
    help="--tickets: API requests this run may make; the next run goes on from there.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def sync(
    ctx: click.Context,
    system: str,
    url: str | None,
    email: str | None,
    token_env: str | None,
    visibility: str,
    prune: bool,
    tickets: bool,
    since: datetime | None,
    max_requests: int,
    as_json: bool,
) -> None:
    """Sync a live Zendesk, Intercom or Freshdesk help center into the store.

    Every published article is fetched first, then written like `kbc ingest`: a failed fetch
    writes nothing, and unchanged articles are not re-embedded."""
    from ingest.connectors.helpdesks import connector
    from ingest.connectors.sync import fetch, write
    from kb.embedders.coverage import reembed_hint
    from kb.maintenance import open_store

    variable = token_env or TOKEN_ENV[system]
    token = os.environ.get(variable, "").strip()
    if not token:
        raise InvalidInput(
            f"set {variable} to the {system} API token (or name another --token-env)"
        )
    if tickets:
        _sync_tickets(ctx, system, url, token, email, prune, since, max_requests, as_json)
        return
    source = connector(system, url, token, email)
    fetched = fetch(source, cast(Visibility, visibility))
    obj = ctx.obj
    with open_store(
        obj["data_dir"], obj["embedder"], obj["store_url"], languages=fetched.languages
    ) as kb:
        assert kb.embedder is not None
        summary = write(source, fetched, kb, kb.embedder, prune=prune)
        hint = reembed_hint(kb.model_id, kb.catalog.grouped_counts("lang"))
    ingest = summary.ingest
    if as_json:
        click.echo(json.dumps({**summary.as_dict(), "hint": hint}, indent=2))
    else:
        click.echo(
            f"{system}: {summary.pages} pages in {summary.fetch_seconds:.1f}s; added "
            f"{ingest.added}, updated {ingest.updated}, unchanged {ingest.unchanged}, removed "
            f"{ingest.removed}, failed {len(ingest.failed)} in {ingest.seconds:.1f}s"
        )
        for failure in ingest.failed:
            click.echo(f"  failed: {failure.source}: {failure.reason}", err=True)
        if summary.prune_skipped:
            click.echo(f"  not pruned: {summary.prune_skipped}", err=True)
        if hint:
            click.echo(f"  note: {hint}", err=True)
    if ingest.failed:
        ctx.exit(1)


def _sync_tickets(
    ctx: click.Context,
    system: str,
    url: str | None,
    token: str,
    email: str | None,
    prune: bool,
    since: datetime | None,
    max_requests: int,
    as_json: bool,
) -> None:
    from ingest.connectors.ticket_feeds import (
        FreshdeskTicketFeed,
        IntercomTicketFeed,
        ZendeskTicketFeed,
    )
    from ingest.connectors.ticket_sync import TicketFeed, sync_tickets
    from kb.maintenance import open_store

    if prune:
        raise InvalidInput(
            "--prune does not apply to --tickets: an incremental run sees only changes"
        )
    feed: TicketFeed
    if system == "intercom":
        feed = IntercomTicketFeed(token, url or "https://api.intercom.io")
    elif not url:
        raise InvalidInput(f"{system} needs --url (its https:// address)")
    elif system == "zendesk":
        feed = ZendeskTicketFeed(url, token, email)
    else:
        feed = FreshdeskTicketFeed(url, token)
    obj = ctx.obj
    with open_store(obj["data_dir"], obj["embedder"], obj["store_url"]) as kb:
        assert kb.embedder is not None
        summary = sync_tickets(
            feed,
            kb,
            kb.embedder,
            since=since.replace(tzinfo=UTC) if since else None,
            max_requests=max_requests,
        )
    ingest = summary.ingest
    if as_json:
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        click.echo(
            f"{system} tickets: {summary.pages} pages, {summary.tickets_seen} tickets changed "
            f"({summary.not_resolved} not resolved), {summary.requests} requests; added "
            f"{ingest.added}, updated {ingest.updated}, unchanged {ingest.unchanged}, failed "
            f"{len(ingest.failed)}" + ("; more left: run it again" if summary.more else "")
        )
        for failure in ingest.failed:
            click.echo(f"  failed: {failure.source}: {failure.reason}", err=True)


COMMANDS = [sync]
