"""What a support lead reads off the answer log, drafts and feedback for one window of time.

Bounded work per request, by design: the window is at most `MAX_WINDOW_DAYS` long and every
read touches only the window's rows, through an index on the date. Counts are exact and cost
O(days), not O(answers): the days wholly inside the window are read from the `answer_days`
rollup (one row per day, language, outcome and reason, kept in step by every write of
answer_log, kb/storage/interactions.py), and only the partial first and last day (a window
is whole seconds), at most two days' answers, are counted from the answers, with one GROUP
BY over the covering `answer_log_days` index in its order (no table reads, no sort). So the
counts read, and Python sees, at most days x languages x outcomes x reasons rows. What needs
Python per row (latency percentiles, the JSON `sources` of cited articles, normalised
question text for content gaps) reads at most a fixed sample: the latest `ANSWER_SAMPLE`
answers, `DRAFT_SAMPLE` drafts and `GAP_SAMPLE` hand-offs of the window (ORDER BY created_at
DESC LIMIT n, an index walk); each such figure carries a `Sample` saying how many of how
many rows it read. What still grows with the window's rows, in SQL over an index range
(bench/RESULTS.md "Analytics"): the draft count and the feedback sums, which join the
window's answers and drafts.

Portable SQL against `Database`. `created_at` is UTC ISO text (`isoformat()`, 'T' between
date and time), so a window is a string range and a day is `substr(created_at, 1, 10)`;
window bounds are whole seconds.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from kb.errors import InvalidInput
from kb.storage.database import rows_in
from kb.store import KnowledgeBase

DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 366
ANSWER_SAMPLE = 10_000  # latest answers read for latency percentiles and cited articles
DRAFT_SAMPLE = 10_000  # latest drafts read for cited articles
GAP_SAMPLE = 5_000  # latest hand-offs read for the content gaps
TOP_ARTICLES = 10
TOP_GAPS = 20
_GAP_KEY_CHARS = 500  # a question's first characters decide its group
_WORD = re.compile(r"\w+")
CountRow = tuple[str, str, str, str, int]  # day, language, outcome, reason, answers


def parse_moment(text: str, what: str) -> date | datetime:
    """`2025-03-01` (a date) or an ISO datetime (`2025-03-01T12:00:00Z`) from a caller."""
    value = text.strip()
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{what} {text[:40]!r} is not a date (YYYY-MM-DD) or an ISO datetime"
        ) from None


def _utc(moment: date | datetime) -> datetime:
    """Midnight UTC of a date; a naive datetime read as UTC; truncated to whole seconds."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Window:
    """[since, until) in UTC. Default: the last 30 days, today included in full."""

    since: datetime
    until: datetime

    @classmethod
    def of(
        cls,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        *,
        now: datetime | None = None,
    ) -> Window:
        default = timedelta(days=DEFAULT_WINDOW_DAYS)
        if until is None and since is not None:
            end = _utc(since) + default
        elif until is None:
            end = _utc((now or datetime.now(UTC)).astimezone(UTC).date() + timedelta(days=1))
        else:
            end = _utc(until)
        start = end - default if since is None else _utc(since)
        if end <= start:
            raise InvalidInput(
                f"until ({end.isoformat()}) must be after since ({start.isoformat()})"
            )
        if end - start > timedelta(days=MAX_WINDOW_DAYS):
            raise InvalidInput(
                f"the window from {start.date()} to {end.date()} is {(end - start).days} days; "
                f"the most is {MAX_WINDOW_DAYS}: narrow since/until"
            )
        return cls(start, end)

    def bounds(self) -> tuple[str, str]:
        """The window as `created_at` strings: a prefix sorts before every stamp of its
        second, with or without milliseconds or offset."""
        return self.since.strftime("%Y-%m-%dT%H:%M:%S"), self.until.strftime("%Y-%m-%dT%H:%M:%S")

    def whole_days(self) -> tuple[datetime, datetime] | None:
        """The midnights [first, end) of the days wholly inside the window; None for none."""
        first, end = _utc(self.since.date()), _utc(self.until.date())
        if first < self.since:
            first += timedelta(days=1)
        return (first, end) if first < end else None

    def days(self) -> list[str]:
        """Every UTC day the window touches, oldest first (at most MAX_WINDOW_DAYS + 1)."""
        first, last = self.since.date(), (self.until - timedelta(seconds=1)).date()
        return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class Sample:
    """How much a sampled figure read: the latest `read` of the window's `of` rows."""

    read: int
    of: int

    @property
    def sampled(self) -> bool:
        return self.read < self.of


@dataclass(frozen=True)
class Outcomes:
    answers: int
    answered: int
    handoffs: int

    @property
    def deflection_rate(self) -> float | None:
        """Share of questions answered without a human; None when nothing was asked."""
        return self.answered / self.answers if self.answers else None


@dataclass(frozen=True)
class DayCount(Outcomes):
    day: str = ""


@dataclass(frozen=True)
class LanguageCount(Outcomes):
    lang: str | None = None


@dataclass(frozen=True)
class ReasonCount:
    reason: str  # "unspecified" for a hand-off logged without one
    count: int


@dataclass(frozen=True)
class Latency:
    p50_ms: float | None
    p95_ms: float | None
    sample: Sample


@dataclass(frozen=True)
class ArticleCitations:
    external_id: str
    title: str | None  # None: no longer in the store
    answers: int
    drafts: int


@dataclass(frozen=True)
class AnswerFeedback:
    helpful: int
    not_helpful: int
    comments: int

    @property
    def helpful_rate(self) -> float | None:
        votes = self.helpful + self.not_helpful
        return self.helpful / votes if votes else None


@dataclass(frozen=True)
class DraftFeedback:
    drafts: int
    final_replies: int  # feedback rows carrying the reply the agent sent
    mean_edit_distance: float | None  # 0 sent as drafted .. 1 rewritten
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class ContentGap:
    """A question customers were handed off on, grouped by its normalised words."""

    question: str  # its latest wording
    count: int
    last_asked: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    window: Window
    lang: str | None
    totals: Outcomes
    handoff_reasons: tuple[ReasonCount, ...]  # most first
    languages: tuple[LanguageCount, ...]  # most answers first
    days: tuple[DayCount, ...]  # every day of the window, zeros included
    latency: Latency
    top_articles: tuple[ArticleCitations, ...]
    articles_sample: tuple[Sample, Sample]  # (answers read, drafts read)
    answer_feedback: AnswerFeedback
    draft_feedback: DraftFeedback
    content_gaps: tuple[ContentGap, ...]
    gaps_sample: Sample


def percentile(ordered: list[float], q: float) -> float | None:
    """Nearest-rank percentile of ascending values; None for none."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def question_key(question: str) -> str:
    """What makes two hand-off questions the same gap: their words, case-folded."""
    return " ".join(_WORD.findall(question[:_GAP_KEY_CHARS].casefold()))


def _citations(rows: list[tuple[object, ...]]) -> Counter[str]:
    cited: Counter[str] = Counter()
    for (sources,) in rows:
        if sources != "[]":  # most hand-offs cite nothing
            for ext in {str(s) for s in json.loads(str(sources))}:  # once per answer
                cited[ext] += 1
    return cited


class Analytics:
    """Read-only analytics over `answer_log`, `answer_days`, `drafts` and `feedback` (any
    backend). `rollup=False` counts every day from its answers (bench/analytics.py's
    before, and the tests' recount)."""

    def __init__(self, kb: KnowledgeBase, *, rollup: bool = True) -> None:
        self.db = kb.database
        self.rollup = rollup

    def report(self, window: Window, lang: str | None = None) -> Report:
        since, until = window.bounds()
        where = _where("", lang)
        params: list[object] = [since, until, *([lang] if lang else [])]
        totals, reasons, languages, days = self._outcomes(window, lang)
        answer_rows = self.db.execute(
            f"SELECT latency_ms, sources FROM answer_log WHERE {where} "
            "ORDER BY created_at DESC LIMIT ?",
            [*params, ANSWER_SAMPLE],
        ).fetchall()
        latencies = sorted(float(r[0]) for r in answer_rows)
        (drafts,) = self.db.execute(f"SELECT COUNT(*) FROM drafts WHERE {where}", params).fetchone()
        draft_rows = self.db.execute(
            f"SELECT sources FROM drafts WHERE {where} ORDER BY created_at DESC LIMIT ?",
            [*params, DRAFT_SAMPLE],
        ).fetchall()
        gap_rows = self.db.execute(
            f"SELECT question, reason, created_at FROM answer_log WHERE {where} "
            "AND outcome = 'handoff' ORDER BY created_at DESC LIMIT ?",
            [*params, GAP_SAMPLE],
        ).fetchall()
        return Report(
            window=window,
            lang=lang,
            totals=totals,
            handoff_reasons=reasons,
            languages=languages,
            days=days,
            latency=Latency(
                percentile(latencies, 50),
                percentile(latencies, 95),
                Sample(len(answer_rows), totals.answers),
            ),
            top_articles=self._top_articles(
                _citations([(r[1],) for r in answer_rows]), _citations(draft_rows)
            ),
            articles_sample=(
                Sample(len(answer_rows), totals.answers),
                Sample(len(draft_rows), int(drafts)),
            ),
            answer_feedback=self._answer_feedback(lang, params),
            draft_feedback=self._draft_feedback(lang, params, int(drafts)),
            content_gaps=_gaps(gap_rows),
            gaps_sample=Sample(len(gap_rows), totals.handoffs),
        )

    def counted(self, window: Window, lang: str | None = None) -> list[CountRow]:
        """(day, language, outcome, reason, answers) rows of the window ('' for no language
        or reason; a key may repeat across the rollup and a partial day's rows)."""
        whole = window.whole_days() if self.rollup else None
        if whole is None:
            return self._counted_exactly(window, lang)
        first, end = whole
        rows = self.db.execute(
            "SELECT day, lang, outcome, reason, answers FROM answer_days WHERE day >= ? "
            "AND day < ?" + (" AND lang = ?" if lang else ""),
            [first.date().isoformat(), end.date().isoformat(), *([lang] if lang else [])],
        ).fetchall()
        if window.since < first:
            rows += self._counted_exactly(Window(window.since, first), lang)
        if end < window.until:
            rows += self._counted_exactly(Window(end, window.until), lang)
        return rows

    def _counted_exactly(self, window: Window, lang: str | None) -> list[CountRow]:
        """`counted` from the window's answers; the day range lets the answer_log_days index
        serve the whole GROUP BY."""
        days = window.days()
        last = (date.fromisoformat(days[-1]) + timedelta(days=1)).isoformat()
        return self.db.execute(
            "SELECT substr(created_at, 1, 10), COALESCE(lang, ''), outcome, "
            "COALESCE(reason, ''), COUNT(*) FROM answer_log "
            "WHERE substr(created_at, 1, 10) >= ? AND substr(created_at, 1, 10) < ? "
            f"AND {_where('', lang)} GROUP BY substr(created_at, 1, 10), lang, outcome, reason",
            [days[0], last, *window.bounds(), *([lang] if lang else [])],
        ).fetchall()

    def _outcomes(
        self, window: Window, lang: str | None
    ) -> tuple[Outcomes, tuple[ReasonCount, ...], tuple[LanguageCount, ...], tuple[DayCount, ...]]:
        rows = self.counted(window, lang)
        by_day: dict[str, Counter[str]] = {day: Counter() for day in window.days()}
        by_lang: dict[str | None, Counter[str]] = {}
        reasons: Counter[str] = Counter()
        for day, language, outcome, reason, n in rows:
            count = int(n)
            by_day.setdefault(str(day), Counter())[str(outcome)] += count
            by_lang.setdefault(language or None, Counter())[str(outcome)] += count
            if outcome == "handoff":
                reasons[reason or "unspecified"] += count

        def outcomes(c: Counter[str]) -> tuple[int, int, int]:
            return c["answered"] + c["handoff"], c["answered"], c["handoff"]

        answered = sum(c["answered"] for c in by_lang.values())
        handoffs = sum(c["handoff"] for c in by_lang.values())
        return (
            Outcomes(answered + handoffs, answered, handoffs),
            tuple(
                ReasonCount(r, n) for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
            ),
            tuple(
                sorted(
                    (LanguageCount(*outcomes(c), lang=code) for code, c in by_lang.items()),
                    key=lambda x: (-x.answers, x.lang or ""),
                )
            ),
            tuple(DayCount(*outcomes(c), day=day) for day, c in sorted(by_day.items())),
        )

    def _top_articles(
        self, in_answers: Counter[str], in_drafts: Counter[str]
    ) -> tuple[ArticleCitations, ...]:
        total = in_answers + in_drafts
        top = sorted(total, key=lambda ext: (-total[ext], ext))[:TOP_ARTICLES]
        titles = {
            str(ext): str(title)
            for ext, title in rows_in(
                self.db,
                "SELECT external_id, title FROM documents WHERE external_id IN ({values})",
                top,
            )
        }
        return tuple(
            ArticleCitations(ext, titles.get(ext), in_answers[ext], in_drafts[ext]) for ext in top
        )

    def _answer_feedback(self, lang: str | None, params: list[object]) -> AnswerFeedback:
        row = self.db.execute(
            "SELECT SUM(CASE WHEN f.helpful = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN f.helpful = 0 THEN 1 ELSE 0 END), COUNT(f.comment) "
            "FROM feedback f JOIN answer_log a ON a.id = f.answer_id WHERE " + _where("a.", lang),
            params,
        ).fetchone()
        return AnswerFeedback(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))

    def _draft_feedback(self, lang: str | None, params: list[object], drafts: int) -> DraftFeedback:
        row = self.db.execute(
            "SELECT COUNT(f.final_reply), AVG(f.edit_distance), "
            "SUM(CASE WHEN f.helpful = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN f.helpful = 0 THEN 1 ELSE 0 END) "
            "FROM feedback f JOIN drafts d ON d.id = f.draft_id WHERE " + _where("d.", lang),
            params,
        ).fetchone()
        mean = None if row[1] is None else float(row[1])
        return DraftFeedback(drafts, int(row[0] or 0), mean, int(row[2] or 0), int(row[3] or 0))


def _gaps(rows: list[tuple[object, ...]]) -> tuple[ContentGap, ...]:
    """Hand-offs (latest first) grouped by their words: most asked first, then latest."""
    groups: dict[str, tuple[str, str, Counter[str]]] = {}
    for question, reason, created_at in rows:
        key = question_key(str(question))
        if not key:
            continue
        if key not in groups:
            groups[key] = (str(question), str(created_at), Counter())
        groups[key][2][str(reason or "unspecified")] += 1
    # groups are in latest-first order and sorted() is stable: ties stay latest first
    ranked = sorted(groups.values(), key=lambda g: -sum(g[2].values()))[:TOP_GAPS]
    return tuple(
        ContentGap(text, sum(reasons.values()), last, tuple(sorted(reasons)))
        for text, last, reasons in ranked
    )


def _where(alias: str, lang: str | None) -> str:
    """The window (and language) condition on a table aliased `alias` ("" for none)."""
    sql = f"{alias}created_at >= ? AND {alias}created_at < ?"
    return sql + (f" AND {alias}lang = ?" if lang else "")
