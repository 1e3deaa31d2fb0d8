"""The bundled example data passes its own consistency checks (examples/validate.py): the help
center, tickets, PII cases, labelled and ambiguous questions, and the multilingual set."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES


def test_the_example_data_is_consistent() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "validate.py")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "the multilingual set" in done.stdout
