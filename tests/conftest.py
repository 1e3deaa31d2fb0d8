"""Shared fixtures: a temp store with the deterministic hashing embedder; shared data paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from kb.embedders import HashingEmbedder
from kb.store import KnowledgeBase
from tests.helpdesk_server import FakeHelpdesk

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_data(name: str) -> Path:
    """Path of a shared data set, or skip the test saying why."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data/{name} not present (only on the team's machines)")
    return path


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(256)


@pytest.fixture
def kb(tmp_path: Path, embedder: HashingEmbedder) -> Iterator[KnowledgeBase]:
    store = KnowledgeBase(tmp_path / "store", embedder)
    yield store
    store.database.close()


@pytest.fixture
def desk() -> Iterator[FakeHelpdesk]:
    """A helpdesk API on loopback (tests/helpdesk_server.py)."""
    server = FakeHelpdesk()
    yield server
    server.close()
