"""Conformance: keyword search, vector search and the filters every result passes."""

from __future__ import annotations

import numpy as np

from kb.models import Chunk, SearchFilters
from kb.store import KnowledgeBase
from tests.conformance.conftest import chunk_ids, write

EVERYTHING = SearchFilters.everything()


def _docs(kb: KnowledgeBase, hits: list[tuple[int, float]]) -> list[str]:
    rows = kb.chunk_rows(cid for cid, _ in hits)
    return [rows[cid].external_id for cid, _ in hits]


def _seed(kb: KnowledgeBase) -> None:
    write(kb, "pw", ["Reset your password from the login page."], title="Password reset", lang="en")
    write(kb, "csv", ["Export bookings to a CSV file from Reports."], title="Exports", lang="en")
    write(
        kb,
        "int",
        ["Internal: password resets for VIP accounts go to tier 2."],
        title="VIP",
        visibility="internal",
        lang="en",
    )
    write(
        kb,
        "tk",
        ["Customer could not reset password; sent a link."],
        title="Ticket",
        kind="ticket",
        lang="en",
    )
    write(
        kb,
        "es",
        ["Restablece tu contraseña desde la página de inicio."],
        title="Contraseña",
        lang="es",
        product="app",
    )


def test_keyword_search_finds_ranks_and_scores_best_first(store: KnowledgeBase) -> None:
    _seed(store)
    hits = store.keyword_search("password", EVERYTHING, 10)
    assert set(_docs(store, hits)) == {"pw", "int", "tk"}
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert _docs(store, hits)[0] == "pw", "a title match ranks first"
    assert store.keyword_search("bookings csv", EVERYTHING, 10)[0][0] in chunk_ids(store)
    assert _docs(store, store.keyword_search("bookings csv", EVERYTHING, 10)) == ["csv"]


def test_keyword_search_is_safe_on_syntax_and_empty_queries(store: KnowledgeBase) -> None:
    _seed(store)
    for query in ["", "   ", "the a of", '"unbalanced', "a AND OR NOT (", "pass*", "-password"]:
        hits = store.keyword_search(query, EVERYTHING, 10)
        assert all(isinstance(cid, int) for cid, _ in hits)
    assert store.keyword_search("password", EVERYTHING, 0) == []
    assert store.keyword_search("zzzunknownterm", EVERYTHING, 10) == []


def test_keyword_search_matches_across_case_and_languages(store: KnowledgeBase) -> None:
    _seed(store)
    assert _docs(store, store.keyword_search("PASSWORD Login", SearchFilters.public(), 10)) == [
        "pw"
    ]
    assert _docs(store, store.keyword_search("contraseña", EVERYTHING, 10)) == ["es"]


def test_filters_hold_in_keyword_search(store: KnowledgeBase) -> None:
    _seed(store)
    public = set(_docs(store, store.keyword_search("password reset", SearchFilters.public(), 10)))
    assert public == {"pw"}, "internal articles and tickets never reach a public search"
    nothing = SearchFilters(visibility=frozenset())
    assert store.keyword_search("password", nothing, 10) == []
    tickets = SearchFilters(visibility=frozenset({"internal"}), kinds=frozenset({"ticket"}))
    assert _docs(store, store.keyword_search("password", tickets, 10)) == ["tk"]
    spanish = SearchFilters.public(lang="es")
    assert _docs(store, store.keyword_search("restablece", spanish, 10)) == ["es"]
    assert store.keyword_search("restablece", SearchFilters.public(product="billing"), 10) == []


def test_chunks_passing_applies_every_filter(store: KnowledgeBase) -> None:
    _seed(store)
    ids = sorted(chunk_ids(store))
    rows = store.chunk_rows(ids)
    by_doc = {r.external_id: cid for cid, r in rows.items()}
    assert store.chunks_passing(ids, SearchFilters.public()) == {
        by_doc["pw"],
        by_doc["csv"],
        by_doc["es"],
    }
    assert store.chunks_passing(ids, SearchFilters(visibility=frozenset())) == set()
    assert store.chunks_passing(ids, SearchFilters(kinds=frozenset())) == set()
    assert store.chunks_passing(ids, SearchFilters.public(product="app")) == {by_doc["es"]}
    assert store.chunks_passing([], EVERYTHING) == set()
    assert store.chunks_passing([10**12], EVERYTHING) == set()


def test_vector_search_returns_nearest_by_cosine(store: KnowledgeBase) -> None:
    _seed(store)
    index = store.vectors
    assert index.count == store.chunk_count() == 5
    text = Chunk(0, "Export bookings to a CSV file from Reports.", ("Section",), 8, "en")
    query = np.asarray(store.embedder.embed([text.embedding_text("Exports")]))[0]
    hits = index.search(query, 3)
    assert len(hits) == 3
    assert _docs(store, hits)[0] == "csv"
    assert abs(hits[0][1] - float(np.dot(query, query))) < 1e-3
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    assert len(index.search(query, 50)) == 5
    assert index.search(query, 0) == []


def test_vector_search_follows_replace_and_delete(store: KnowledgeBase) -> None:
    _seed(store)
    query = np.asarray(store.embedder.embed(["Export bookings to a CSV file"]))[0]
    store.delete(["csv"])
    assert "csv" not in _docs(store, store.vectors.search(query, 10))
    write(store, "csv2", ["Export bookings to a CSV file."], title="Exports")
    assert _docs(store, store.vectors.search(query, 1)) == ["csv2"]
    assert store.vectors.count == 5


def test_document_frequencies_count_chunks_per_term(store: KnowledgeBase) -> None:
    _seed(store)
    df = store.document_frequencies(["password", "bookings", "absentterm"])
    assert df == {"password": 3, "bookings": 1, "absentterm": 0}


def _seed_unspaced(kb: KnowledgeBase) -> None:
    write(
        kb,
        "ja-pw",
        ["ログイン画面の「パスワードをお忘れですか」から新しいパスワードを設定できます。"],
        title="パスワードの再設定",
        lang="ja",
    )
    write(kb, "ja-cancel", ["予約は出発の二日前まで無料で取り消せます。"], title="予約", lang="ja")
    write(kb, "zh-pw", ["您可以在账户设置页面更改登录密码。"], title="更改密码", lang="zh")
    write(kb, "zh-export", ["在报表页面可以把预订导出为表格文件。"], title="导出", lang="zh")


def test_keyword_search_finds_japanese_and_chinese_by_shared_words(store: KnowledgeBase) -> None:
    _seed(store)
    _seed_unspaced(store)
    # neither question repeats a run of its article: they share words (bigrams) with it
    ja = store.keyword_search("パスワードを忘れた時はどうすればいいですか", EVERYTHING, 10)
    assert _docs(store, ja)[0] == "ja-pw"
    assert (
        _docs(store, store.keyword_search("予約を取り消したい", EVERYTHING, 10))[0] == "ja-cancel"
    )
    zh = store.keyword_search("怎么修改我的密码?", EVERYTHING, 10)
    assert _docs(store, zh) == ["zh-pw"]
    assert _docs(store, store.keyword_search("如何导出预订", EVERYTHING, 10)) == ["zh-export"]
    assert set(_docs(store, store.keyword_search("password", EVERYTHING, 10))) == {
        "pw",
        "int",
        "tk",
    }


def test_document_frequencies_count_bigrams_of_unspaced_scripts(store: KnowledgeBase) -> None:
    _seed_unspaced(store)
    assert store.document_frequencies(["密码", "予約", "パス"]) == {"密码": 1, "予約": 1, "パス": 1}


def test_keyword_search_finds_korean_and_thai_by_shared_words(store: KnowledgeBase) -> None:
    _seed_unspaced(store)
    write(
        store,
        "ko",
        ["예약을 취소하려면 예약 목록에서 취소 버튼을 누르세요."],
        title="예약 취소",
    )
    write(store, "th", ["คุณสามารถยกเลิกการจองได้จากหน้ารายการจอง"], title="ยกเลิกการจอง")
    assert (
        _docs(store, store.keyword_search("예약 취소는 어떻게 하나요?", EVERYTHING, 10))[0] == "ko"
    )
    assert _docs(store, store.keyword_search("ยกเลิกจองยังไง", EVERYTHING, 10))[0] == "th"
