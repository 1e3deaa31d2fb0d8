"""`kbc`: one click group; each command group lives in its own module."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from kb.errors import KBError

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


# Command groups whose modules import heavy packages, loaded only when invoked. The short help
# shown by `kbc --help` lives here so listing commands imports nothing (tests/test_cli_startup.py
# checks it matches the real command's).
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "analytics": (
        "copilot.cli.analytics_commands",
        "Deflection, hand-offs, latency, cited articles, feedback and content gaps.",
    ),
    "flags": (
        "copilot.cli.flags_commands",
        "Stale, contradicted, duplicate and missing articles, with evidence.",
    ),
    "triage": (
        "copilot.cli.triage_commands",
        "Triage an incoming thread: suggested tags, urgency, language and related documents.",
    ),
    "sync": (
        "copilot.cli.sync_commands",
        "Sync a live Zendesk, Intercom or Freshdesk help center into the store.",
    ),
    "qa": (
        "copilot.cli.qa_commands",
        "QA scorecards: score a reply an agent sent against the help center.",
    ),
}


class KbcGroup(click.Group):
    """Turns every KBError into one clear line on stderr and its stable exit code; loads the
    LAZY_COMMANDS modules only when one of their commands runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module = importlib.import_module(LAZY_COMMANDS[cmd_name][0])
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        rows = []
        for name in names:
            if name in LAZY_COMMANDS and name not in self.commands:
                stand_in = click.Command(name, help=LAZY_COMMANDS[name][1])
                rows.append((name, stand_in.get_short_help_str(limit)))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KBError as exc:
            click.echo(f"kbc: error: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=KbcGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KBC_DATA_DIR",
    default=Path(".kbc"),
    show_default=True,
    help="Folder holding the store (env KBC_DATA_DIR).",
)
@click.option(
    "--store-url",
    envvar="KBC_STORE_URL",
    default=None,
    help="postgresql://user:pass@host/db for a PostgreSQL + pgvector store (env "
    "KBC_STORE_URL). Default: the embedded SQLite store in --data-dir.",
)
@click.option(
    "--embedder",
    envvar="KBC_EMBEDDER",
    default=None,
    help="Embedding model: minilm (ONNX Runtime) | minilm-torch | use-multilingual | hashing. "
    "Default: the store's own.",
)
@click.version_option(package_name="kbc")
@click.pass_context
def main(ctx: click.Context, data_dir: Path, store_url: str | None, embedder: str | None) -> None:
    """KB Copilot: a knowledge base and reply copilot for support teams."""
    ctx.obj = {"data_dir": data_dir, "store_url": store_url or None, "embedder": embedder}


def _register() -> None:
    from copilot.cli import calibrate_commands, eval_commands, service_commands, store_commands

    for module in (store_commands, service_commands, eval_commands, calibrate_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
