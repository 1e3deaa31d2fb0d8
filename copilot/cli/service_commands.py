"""`kbc serve` and `kbc keys create | list | revoke`."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from kb.storage.keys import ROLES, KeyStore
from kb.store import KnowledgeBase

if TYPE_CHECKING:
    from copilot.compose.types import ServedGenerator


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--llm", default=None, help="Generator: extractive | local/<name> | any litellm model."
)
@click.option("--workers", default=1, show_default=True, hidden=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, llm: str | None, workers: int) -> None:
    """Serve the copilot API, widget and consoles with uvicorn."""
    import uvicorn

    from copilot.app import create_app
    from copilot.config import Settings
    from copilot.malloc_arenas import cap_malloc_arenas

    cap_malloc_arenas()  # before the models and worker threads start (RSS stays flat)

    overrides: dict[str, object] = {"data_dir": ctx.obj["data_dir"]}
    if ctx.obj["store_url"]:
        overrides["store_url"] = ctx.obj["store_url"]
    if ctx.obj["embedder"]:
        overrides["embedder"] = ctx.obj["embedder"]
    if llm:
        overrides["llm_model"] = llm
    settings = Settings(**overrides)  # type: ignore[arg-type]
    app = create_app(settings)
    _warm_up(app.state.kbc.engine.generator)
    base = f"http://{host}:{port}"
    click.echo(f"KB Copilot on {base}  (generator: {settings.llm_model})")
    click.echo(f"  widget demo   {base}/demo")
    click.echo(f"  agent console {base}/console")
    click.echo(f"  flags console {base}/flags-console")
    click.echo(f"  API docs      {base}/docs   (OpenAPI: {base}/openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="info")


def _warm_up(generator: ServedGenerator | None) -> None:
    """Start a local model's server before the first request; say so plainly when it cannot."""
    if generator is None:
        return
    from kb.errors import KBError

    click.echo(f"starting {generator.model} ...")
    try:
        generator.warm_up()
    except KBError as exc:
        click.echo(
            f"warning: {exc.message} — replies fall back to the extractive composer", err=True
        )
        return
    status = generator.status()
    if status.get("state") not in (None, "ready", "remote"):
        click.echo(
            f"warning: model server is {status.get('state')} ({status.get('last_error')}); "
            "replies fall back to the extractive composer until it is ready",
            err=True,
        )
    elif status.get("pid"):
        click.echo(f"model server ready (pid {status['pid']}, supervised; /healthz shows it)")


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (stored hashed; shown once)."""


@keys.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", help="A label to recognise the key by.")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    help="Allowed browser origin for a widget key (repeatable).",
)
@click.pass_context
def create(ctx: click.Context, role: str, name: str, origins: tuple[str, ...]) -> None:
    """Create a key and print it once."""
    with KnowledgeBase(ctx.obj["data_dir"], store_url=ctx.obj["store_url"]) as kb:
        key = KeyStore(kb).create(role, name=name, origins=origins)
    click.echo(key)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_keys(ctx: click.Context, as_json: bool) -> None:
    """List keys (prefix, role, origins, dates) — never the secrets."""
    with KnowledgeBase(ctx.obj["data_dir"], store_url=ctx.obj["store_url"]) as kb:
        rows = KeyStore(kb).list()
    if as_json:
        click.echo(json.dumps([asdict(k) for k in rows], indent=2))
        return
    for k in rows:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        origins = ",".join(k.origins) or "-"
        click.echo(f"kbc_{k.prefix}_…  {k.role:<7} {state:<8} {k.name or '-'}  origins {origins}")


@keys.command("revoke")
@click.argument("prefix")
@click.pass_context
def revoke(ctx: click.Context, prefix: str) -> None:
    """Revoke a key by its prefix (or the whole key)."""
    with KnowledgeBase(ctx.obj["data_dir"], store_url=ctx.obj["store_url"]) as kb:
        KeyStore(kb).revoke(prefix)
    click.echo(f"revoked kbc_{prefix.removeprefix('kbc_').split('_')[0]}_…")


COMMANDS = [serve, keys]
