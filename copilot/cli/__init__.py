"""`kbc`: one click group; each command group lives in its own module."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kb.errors import KBError

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


class KbcGroup(click.Group):
    """Turns every KBError into one clear line on stderr and its stable exit code."""

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
    "--embedder",
    envvar="KBC_EMBEDDER",
    default=None,
    help="Embedding model: minilm (ONNX Runtime) | minilm-torch | use-multilingual | hashing. "
    "Default: the store's own.",
)
@click.version_option(package_name="kbc")
@click.pass_context
def main(ctx: click.Context, data_dir: Path, embedder: str | None) -> None:
    """KB Copilot: a knowledge base and reply copilot for support teams."""
    ctx.obj = {"data_dir": data_dir, "embedder": embedder}


def _register() -> None:
    from copilot.cli import eval_commands, flags_commands, service_commands, store_commands

    for module in (store_commands, service_commands, eval_commands, flags_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
