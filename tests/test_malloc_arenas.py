"""The server caps glibc's malloc arenas (RSS flat under load, bench/soak.py); an operator's
MALLOC_ARENA_MAX wins."""

from __future__ import annotations

import sys

import pytest

from copilot.malloc_arenas import ENV, cap_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_arenas_are_capped_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert cap_malloc_arenas() is True


def test_an_operators_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "4")
    assert cap_malloc_arenas() is False
