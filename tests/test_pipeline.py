"""Ingestion end to end on a temp folder: incremental no-op, update, prune, bad files, kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest import pipeline
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.models import Document
from kb.store import KnowledgeBase
from kb.text.language import detect_language
from tests.helpcenter import ARTICLES, write_help_center


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, counting how many texts it was asked to embed."""

    def __init__(self) -> None:
        super().__init__(256)
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder()


def _store(tmp_path: Path, embedder: HashingEmbedder) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "store", embedder)


def _consistent(kb: KnowledgeBase) -> None:
    chunk_ids = {r[0] for r in kb.database.execute("SELECT id FROM chunks")}
    fts_ids = {r[0] for r in kb.database.execute("SELECT rowid FROM chunks_fts")}
    index = kb.vectors._index
    vector_ids = {int(index.id_map.at(i)) for i in range(index.ntotal)}
    assert chunk_ids == fts_ids == vector_ids


def test_first_ingest_then_rerun_is_a_noop(tmp_path: Path, counting: CountingEmbedder) -> None:
    src = write_help_center(tmp_path / "hc")
    kb = _store(tmp_path, counting)
    first = run([src], kb, counting)
    assert (first.added, first.updated, first.failed) == (len(ARTICLES), 0, [])
    assert first.chunks_embedded == counting.embedded > 0
    generation = kb.generation

    second = run([src], kb, counting)
    assert (second.added, second.updated, second.unchanged) == (0, 0, len(ARTICLES))
    assert second.chunks_embedded == 0 and counting.embedded == first.chunks_embedded
    assert kb.generation == generation  # nothing written at all
    _consistent(kb)


def test_update_reembeds_only_changed_chunks(tmp_path: Path, counting: CountingEmbedder) -> None:
    src = write_help_center(tmp_path / "hc")
    kb = _store(tmp_path, counting)
    run([src], kb, counting)
    before = counting.embedded
    page = src / "password.md"
    page.write_text(page.read_text().replace("30 minutes", "45 minutes"), encoding="utf-8")

    summary = run([src], kb, counting)
    assert (summary.updated, summary.unchanged) == (1, len(ARTICLES) - 1)
    assert summary.chunks_embedded == counting.embedded - before == 1
    assert summary.chunks_reused >= 1
    doc = kb.get_document("kb-password")
    assert doc is not None and "45 minutes" in doc.body
    _consistent(kb)


def test_reingest_detects_no_language_for_unchanged_documents(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The help center declares no languages: the first run detects them, a re-run of the
    unchanged files takes them from the stored hashes, and a changed file is detected again."""
    src = write_help_center(tmp_path / "hc")
    kb = _store(tmp_path, embedder)
    run([src], kb, embedder)
    langs = _languages(kb)
    assert langs["kb-password-es"] == "es" and langs["kb-password"] == "en"

    detected: list[str] = []

    def counting_detect(text: str, default: str | None = None) -> str | None:
        detected.append(text)
        return detect_language(text, default)

    monkeypatch.setattr(pipeline, "detect_language", counting_detect)
    rerun = run([src], kb, embedder)
    assert (rerun.unchanged, rerun.updated, detected) == (len(ARTICLES), 0, [])
    assert _languages(kb) == langs

    page = src / "es" / "password.md"
    page.write_text(page.read_text().replace("30 minutos", "45 minutos"), encoding="utf-8")
    changed = run([src], kb, embedder)
    assert (changed.updated, changed.unchanged, len(detected)) == (1, len(ARTICLES) - 1, 1)
    assert _languages(kb) == langs  # still Spanish, detected again


def _languages(kb: KnowledgeBase) -> dict[str, str | None]:
    docs = {ext: kb.get_document(ext) for ext in kb.document_hashes()}
    return {ext: doc.lang for ext, doc in docs.items() if doc is not None}


def test_language_matching_agrees_with_the_document_hash() -> None:
    doc = Document(external_id="a", title="T", body="Body", tags=("x",), meta={"k": 1})
    stored = replace(doc, lang="de").hash
    assert doc.language_matching(stored, ["en", "de", "fr"]) == "de"
    assert doc.language_matching(stored, ["en", "fr"]) is None
    assert replace(doc, body="Other").language_matching(stored, ["de"]) is None
    assert replace(doc, lang="").hash == doc.hash  # no language hashes as the empty one


def test_prune_removes_vanished_sources_only(tmp_path: Path, embedder: HashingEmbedder) -> None:
    src = write_help_center(tmp_path / "hc")
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.md").write_text("# Keep me\nSomething unrelated to the help center.\n")
    kb = _store(tmp_path, embedder)
    run([src, other], kb, embedder)
    (src / "export.md").unlink()

    no_prune = run([src], kb, embedder)
    assert no_prune.removed == 0 and kb.get_document("kb-export") is not None
    pruned = run([src], kb, embedder, prune=True)
    assert pruned.removed == 1
    assert kb.get_document("kb-export") is None
    assert kb.get_document("keep") is not None  # outside the pruned path
    _consistent(kb)


def test_bad_files_are_reported_skipped_and_lose_nothing(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_help_center(tmp_path / "hc")
    kb = _store(tmp_path, embedder)
    run([src], kb, embedder)
    # The file behind kb-refunds breaks; a prune run must not delete what it stored before.
    (src / "refunds.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (src / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    (src / "latin1.md").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (src / "empty.md").write_text("")
    (src / "huge.md").write_text("word " * 200)
    (src / "picture.png").write_bytes(b"\x89PNG")
    monkeypatch.setattr("ingest.files.MAX_FILE_BYTES", 500)

    summary = run([src], kb, embedder, prune=True)
    reasons = {Path(f.source).name: f.reason for f in summary.failed}
    assert set(reasons) == {
        "refunds.md",
        "binary.md",
        "latin1.md",
        "empty.md",
        "huge.md",
        "picture.png",
    }
    assert "binary" in reasons["binary.md"]
    assert "UTF-8" in reasons["latin1.md"]
    assert "empty" in reasons["empty.md"]
    assert "limit" in reasons["huge.md"]
    assert "unsupported" in reasons["picture.png"]
    assert summary.removed == 0
    assert kb.get_document("kb-refunds") is not None
    assert kb.counts()["documents"] == len(ARTICLES)
    _consistent(kb)


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from ingest import pipeline
from ingest.pipeline import run
from kb.embedders import HashingEmbedder
from kb.store import KnowledgeBase

pipeline.BATCH_DOCUMENTS = 10

class Slow(HashingEmbedder):
    calls = 0
    def embed(self, texts):
        Slow.calls += 1
        if Slow.calls == 3:
            print("ready", flush=True)
            time.sleep(60)
        return super().embed(texts)

emb = Slow(64)
kb = KnowledgeBase(Path(sys.argv[1]), emb)
_ = kb.vectors
run([Path(sys.argv[2])], kb, emb)
"""


def test_kill_mid_ingest_leaves_a_consistent_store(tmp_path: Path) -> None:
    src = tmp_path / "many"
    src.mkdir()
    for i in range(60):
        (src / f"a{i:03}.md").write_text(f"# Article {i}\n\nTopic number {i} about bookings.\n")
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(store), str(src)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=max(1.0, deadline - time.monotonic()))

    embedder = HashingEmbedder(64)
    kb = KnowledgeBase(store, embedder)
    assert kb.counts()["documents"] == 20  # two batches committed, the third lost whole
    _consistent(kb)
    summary = run([src], kb, embedder)
    assert (summary.added, summary.unchanged) == (40, 20)
    _consistent(kb)
