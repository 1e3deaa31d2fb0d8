"""Analytics on a real SQLite store: every figure by hand, window edges, sampling, the API
(roles, bad windows) and `kbc analytics`. The same figures run on PostgreSQL in
tests/conformance/test_analytics.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from copilot.app import build_state, create_app
from copilot.cli import main
from copilot.config import Settings
from kb.embedders import HashingEmbedder
from kb.errors import InvalidInput
from kb.storage import analytics as analytics_module
from kb.storage.analytics import Analytics, Report, Window, parse_moment, question_key
from kb.storage.keys import KeyStore
from kb.store import KnowledgeBase
from tests.analytics_data import SINCE, UNTIL, check_march, seed_march

ROLES = ("agent", "owner", "admin", "widget")
MARCH = {"since": SINCE, "until": UNTIL}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, KnowledgeBase]]:
    data_dir = tmp_path_factory.mktemp("analytics") / "store"
    kb = KnowledgeBase(data_dir, HashingEmbedder(384))
    seed_march(kb)
    yield data_dir, kb
    kb.database.close()


@pytest.fixture(scope="module")
def api(store: tuple[Path, KnowledgeBase]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data_dir, kb = store
    settings = Settings.model_validate({"data_dir": data_dir, "embedder": "hashing-384"})
    keys = KeyStore(kb)
    tokens = {
        role: keys.create(role, origins=("https://shop.example.com",) if role == "widget" else ())
        for role in ROLES
    }
    with TestClient(create_app(settings, state=build_state(settings, kb))) as client:
        yield client, tokens


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Origin": "https://shop.example.com"}


def _report(
    kb: KnowledgeBase, since: str = SINCE, until: str = UNTIL, lang: str | None = None
) -> Report:
    window = Window.of(parse_moment(since, "since"), parse_moment(until, "until"))
    return Analytics(kb).report(window, lang)


def test_every_figure_by_hand(store: tuple[Path, KnowledgeBase]) -> None:
    check_march(_report(store[1]))


def test_one_language(store: tuple[Path, KnowledgeBase]) -> None:
    r = _report(store[1], lang="de")
    assert (r.totals.answers, r.totals.answered, r.totals.handoffs) == (2, 0, 2)
    assert r.totals.deflection_rate == 0.0
    assert [x.lang for x in r.languages] == ["de"]
    assert (r.latency.p50_ms, r.latency.p95_ms) == (40.0, 50.0)
    assert [(a.external_id, a.answers, a.drafts) for a in r.top_articles] == [("kb-c", 0, 1)]
    assert (r.answer_feedback.helpful, r.answer_feedback.not_helpful) == (0, 0)
    assert r.answer_feedback.helpful_rate is None
    assert (r.draft_feedback.drafts, r.draft_feedback.final_replies) == (1, 0)
    assert r.draft_feedback.mean_edit_distance is None
    assert [g.count for g in r.content_gaps] == [1, 1]  # "cancel" once in German, crypto once


def test_window_edges_in_seconds(store: tuple[Path, KnowledgeBase]) -> None:
    # [12:00 on the 1st, 08:00 on the 2nd): the answer at 12:00:00.000 in, the one at 08:00 out
    r = _report(store[1], "2026-03-01T12:00:00Z", "2026-03-02T08:00:00+00:00")
    assert (r.totals.answers, r.totals.answered) == (1, 1)
    assert [d.day for d in r.days] == ["2026-03-01", "2026-03-02"]
    # later: the answer stamped exactly on the old `until` is in, the draft of the 5th too
    r = _report(store[1], "2026-03-02", "2026-03-06")
    assert (r.totals.answers, r.totals.handoffs) == (4, 3)
    df = r.draft_feedback
    assert (df.drafts, df.final_replies) == (3, 3)
    assert df.mean_edit_distance is not None and abs(df.mean_edit_distance - 0.5) < 1e-9
    # a naive datetime is UTC; other offsets are converted
    r = _report(store[1], "2026-03-01T13:00:00+01:00", "2026-03-01T12:00:01")
    assert r.totals.answers == 1


def test_whole_days_come_from_the_rollup_and_partial_days_from_the_answers(
    tmp_path: Path,
) -> None:
    kb = KnowledgeBase(tmp_path / "store", HashingEmbedder(64))
    try:
        seed_march(kb)
        # a rollup out of step shows where each count comes from: only whole days read it
        kb.database.execute(
            "UPDATE answer_days SET answers = answers + 100 WHERE day = ?", ["2026-03-02"]
        )
        assert [d.answers for d in _report(kb).days] == [2, 202, 1]
        r = _report(kb, "2026-03-01T12:00:00", "2026-03-04")  # the 1st partial
        assert [d.answers for d in r.days] == [1, 202, 1]
        r = _report(kb, "2026-03-01", "2026-03-02T08:00:01")  # the 2nd partial
        assert [d.answers for d in r.days] == [2, 1]
        r = _report(kb, "2026-03-02T08:00:00", "2026-03-03")  # no whole day
        assert [d.answers for d in r.days] == [2]
        exact = Analytics(kb, rollup=False).report(Window.of(date(2026, 3, 1), date(2026, 3, 4)))
        check_march(exact)
    finally:
        kb.database.close()


def test_whole_days_of_a_window() -> None:
    def whole(since: str, until: str) -> tuple[str, str] | None:
        window = Window.of(parse_moment(since, "since"), parse_moment(until, "until"))
        days = window.whole_days()
        return None if days is None else (days[0].isoformat(), days[1].isoformat())

    assert whole("2026-03-01", "2026-03-04") == (
        "2026-03-01T00:00:00+00:00",
        "2026-03-04T00:00:00+00:00",
    )
    assert whole("2026-03-01T00:00:01", "2026-03-03T23:59:59") == (
        "2026-03-02T00:00:00+00:00",
        "2026-03-03T00:00:00+00:00",
    )
    assert whole("2026-03-01T00:00:01", "2026-03-02T23:59:59") is None
    assert whole("2026-03-01", "2026-03-01T23:59:59") is None
    assert whole("2026-03-01T12:00:00+01:00", "2026-03-02T00:00:00+01:00") is None


def test_default_window_is_thirty_days_with_today() -> None:
    w = Window.of(now=datetime(2026, 3, 10, 15, 30, tzinfo=UTC))
    assert (w.since, w.until) == (
        datetime(2026, 2, 9, tzinfo=UTC),
        datetime(2026, 3, 11, tzinfo=UTC),
    )
    assert len(w.days()) == 30 and w.days()[-1] == "2026-03-10"
    only_since = Window.of(date(2026, 1, 1))
    assert only_since.until == datetime(2026, 1, 31, tzinfo=UTC)
    assert Window.of(until=date(2026, 1, 31)).since == datetime(2026, 1, 1, tzinfo=UTC)
    assert len(Window.of(date(2025, 1, 1), date(2026, 1, 2)).days()) == 366  # the longest


@pytest.mark.parametrize(
    ("since", "until", "says"),
    [
        ("2026-03-04", "2026-03-04", "must be after since"),
        ("2026-03-05", "2026-03-04", "must be after since"),
        ("2025-01-01", "2026-01-03", "the most is 366"),
        ("2026-02-30", "2026-03-04", "is not a date"),
        ("yesterday", "2026-03-04", "is not a date"),
    ],
)
def test_bad_windows(since: str, until: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        Window.of(parse_moment(since, "since"), parse_moment(until, "until"))


def test_sampled_figures_say_so(
    store: tuple[Path, KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analytics_module, "ANSWER_SAMPLE", 2)
    monkeypatch.setattr(analytics_module, "GAP_SAMPLE", 1)
    r = _report(store[1])
    assert r.totals.answers == 5  # counts stay exact
    assert (r.latency.sample.read, r.latency.sample.of, r.latency.sample.sampled) == (2, 5, True)
    assert (r.latency.p50_ms, r.latency.p95_ms) == (40.0, 50.0)  # the latest two answers
    assert [(g.question, g.count) for g in r.content_gaps] == [("Can I pay with crypto?", 1)]
    assert r.gaps_sample.sampled and r.articles_sample[0].sampled


def test_question_key_groups_case_spacing_and_punctuation() -> None:
    assert question_key("How do I cancel my plan?") == question_key(" how do I cancel my  PLAN")
    assert question_key("?!") == ""


def test_empty_store_gives_zeros(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "empty", HashingEmbedder(64))
    try:
        r = Analytics(kb).report(Window.of())
    finally:
        kb.database.close()
    assert (r.totals.answers, r.totals.answered, r.totals.handoffs) == (0, 0, 0)
    assert r.totals.deflection_rate is None
    assert len(r.days) == 30 and all(d.answers == 0 for d in r.days)
    assert (r.latency.p50_ms, r.latency.sample.read, r.latency.sample.sampled) == (None, 0, False)
    assert r.top_articles == () and r.content_gaps == () and r.languages == ()
    assert (r.draft_feedback.drafts, r.answer_feedback.helpful) == (0, 0)


@pytest.mark.parametrize(
    ("role", "status"), [("agent", 403), ("widget", 403), ("owner", 200), ("admin", 200)]
)
def test_roles(api: tuple[TestClient, dict[str, str]], role: str, status: int) -> None:
    client, tokens = api
    got = client.get("/v1/analytics", params=MARCH, headers=auth(tokens[role]))
    assert got.status_code == status
    if status == 403:
        assert got.json()["error"]["code"] == "forbidden"


def test_no_key_is_401(api: tuple[TestClient, dict[str, str]]) -> None:
    assert api[0].get("/v1/analytics").status_code == 401


def test_api_figures(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    body = client.get("/v1/analytics", params=MARCH, headers=auth(tokens["owner"])).json()
    assert (body["since"], body["until"]) == (
        "2026-03-01T00:00:00+00:00",
        "2026-03-04T00:00:00+00:00",
    )
    assert body["totals"] == {"answers": 5, "answered": 2, "handoffs": 3, "deflection_rate": 0.4}
    assert body["handoff_reasons"][0] == {"reason": "low_confidence", "count": 2}
    assert [d["answers"] for d in body["days"]] == [2, 2, 1]
    assert body["latency"] == {
        "p50_ms": 30.0,
        "p95_ms": 50.0,
        "sample": {"read": 5, "of": 5, "sampled": False},
    }
    assert body["top_articles"][0] == {
        "external_id": "kb-a",
        "title": "Reset your password",
        "answers": 2,
        "drafts": 1,
    }
    assert body["answer_feedback"]["helpful_rate"] == 0.5
    assert body["draft_feedback"]["final_replies"] == 2
    assert body["content_gaps"][0]["count"] == 2
    german = client.get(
        "/v1/analytics", params={**MARCH, "lang": "de"}, headers=auth(tokens["admin"])
    ).json()
    assert (german["lang"], german["totals"]["answers"]) == ("de", 2)


def test_api_default_window_on_this_store(api: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = api
    got = client.get("/v1/analytics", headers=auth(tokens["owner"]))
    assert got.status_code == 200 and len(got.json()["days"]) == 30


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-03-04", "until": "2026-03-01"},
        {"since": "2025-01-01", "until": "2026-03-01"},
        {"since": "not-a-date"},
    ],
)
def test_api_bad_windows(api: tuple[TestClient, dict[str, str]], params: dict[str, str]) -> None:
    client, tokens = api
    got = client.get("/v1/analytics", params=params, headers=auth(tokens["owner"]))
    assert got.status_code == 422
    assert got.json()["error"]["code"] == "invalid_input"


def test_cli_summary_and_json(store: tuple[Path, KnowledgeBase]) -> None:
    data_dir = str(store[0])
    runner = CliRunner()
    done = runner.invoke(
        main, ["--data-dir", data_dir, "analytics", "--since", SINCE, "--until", UNTIL]
    )
    assert done.exit_code == 0, done.output
    out = done.output
    assert "totals: 5 answers, 2 answered, 3 handed off, deflection 40.0%" in out
    assert "hand-offs by reason: low_confidence 2, no_relevant_article 1" in out
    assert "latency: p50 30.0 ms, p95 50.0 ms" in out
    assert "2 helpful, 2 not helpful (50.0% helpful)" in out
    assert "mean edit distance 0.30" in out
    assert "kb-a  Reset your password" in out and "kb-c  (not in the store)" in out
    assert "2  how do I cancel my  plan  [low_confidence]" in out
    assert "2026-03-02  2 answers, 0 answered, 2 handed off" in out
    as_json = runner.invoke(
        main, ["--data-dir", data_dir, "analytics", "--since", SINCE, "--until", UNTIL, "--json"]
    )
    assert as_json.exit_code == 0
    assert json.loads(as_json.output)["totals"]["answers"] == 5


def test_cli_bad_window_is_one_line_and_exit_2(store: tuple[Path, KnowledgeBase]) -> None:
    done = CliRunner().invoke(
        main, ["--data-dir", str(store[0]), "analytics", "--since", "2026-03-04", "--until", SINCE]
    )
    assert done.exit_code == 2
    assert done.stderr.startswith("kbc: error: until (2026-03-01T00:00:00+00:00) must be after")
