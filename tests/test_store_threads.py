"""Readers and a writer on one SQLite store at once: no deadlock, every read sees whole rows.

Found by `make fuzz`: a reader stepping a cursor outside the store's lock while a writer's
FTS trigger called back into Python (`kbc_segment`) hung the server. Reads now finish under
the lock (kb.storage.database.SqliteDatabase.execute).
"""

from __future__ import annotations

import threading
from pathlib import Path

from kb.embedders import HashingEmbedder
from kb.models import SearchFilters
from kb.store import KnowledgeBase
from tests.conformance.conftest import write


def test_keyword_readers_and_a_writer_never_deadlock(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(64))
    write(kb, "seed", ["予約をキャンセルする方法 cancel a booking"])
    stop = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        try:
            while not stop.is_set():
                for cid, _ in kb.keyword_search(
                    "cancel booking 予約", SearchFilters.everything(), 50
                ):
                    assert isinstance(cid, int)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read, daemon=True) for _ in range(3)]
    for r in readers:
        r.start()
    writer = threading.Thread(
        target=lambda: [
            write(kb, f"d{i}", [f"予約 {i} をキャンセル cancel booking number {i}"])
            for i in range(150)
        ],
        daemon=True,
    )
    writer.start()
    writer.join(timeout=120)
    stop.set()
    for r in readers:
        r.join(timeout=30)
    assert not writer.is_alive(), "the writer hung (deadlock)"
    assert not any(r.is_alive() for r in readers), "a reader hung (deadlock)"
    assert errors == []
    assert kb.counts()["documents"] == 151
    kb.close()
