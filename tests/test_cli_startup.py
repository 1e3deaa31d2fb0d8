"""What each CLI path imports: only `kbc search` (and a real ingest) loads an encoder runtime,
and none of them imports torch; lazily loaded commands show their real help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from copilot.cli import LAZY_COMMANDS, main

HEAVY = ("torch", "transformers", "sentence_transformers", "onnxruntime", "tokenizers")

# Runs one CLI call in a fresh interpreter and reports which heavy packages it imported.
PROBE = """
import json, sys
from copilot.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
from kb.embedders import minilm_onnx
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))
print(json.dumps({"loaded": loaded, "sessions": len(minilm_onnx._runtime)}))
"""


def _probe(*args: str) -> dict[str, object]:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_lazy_commands_show_their_real_short_help() -> None:
    ctx = click.Context(main)
    for name, (_, short_help) in LAZY_COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None
        assert command.help is not None
        assert command.help.strip().splitlines()[0] == short_help
    assert set(LAZY_COMMANDS) <= set(main.list_commands(ctx))


@pytest.mark.slow
def test_only_search_loads_the_encoder(tmp_path: Path) -> None:
    source = tmp_path / "articles"
    source.mkdir()
    (source / "reset.md").write_text("# Reset your password\n\nOpen Settings and choose Reset.\n")
    (source / "export.md").write_text("# Export your data\n\nChoose Export and pick CSV.\n")
    store = ["--data-dir", str(tmp_path / "store")]
    first = _probe(*store, "ingest", str(source))
    assert first == {"loaded": ["onnxruntime", "tokenizers"], "sessions": 1}
    for args in (
        ["--help"],
        ["stats"],
        ["keys", "list"],
        ["flags", "list"],
        ["ingest", str(source)],
    ):
        assert _probe(*store, *args) == {"loaded": [], "sessions": 0}, args
    assert _probe(*store, "search", "reset password") == {
        "loaded": ["onnxruntime", "tokenizers"],
        "sessions": 1,
    }
