"""Analytics: what the support lead sees for a window (GET /v1/analytics, `kbc analytics`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kb.storage.analytics import Outcomes, Report, Sample


class SampleOut(BaseModel):
    read: int = Field(description="Rows this figure read: the latest of the window's")
    of: int = Field(description="Rows in the window")
    sampled: bool = Field(description="True when read < of: the figure is from the latest rows")


class OutcomesOut(BaseModel):
    answers: int
    answered: int
    handoffs: int
    deflection_rate: float | None = Field(description="answered / answers; null when none")


class DayOut(OutcomesOut):
    day: str = Field(description="UTC day, YYYY-MM-DD")


class LanguageOut(OutcomesOut):
    lang: str | None = Field(description="Detected language; null when unknown")


class ReasonOut(BaseModel):
    reason: str
    count: int


class LatencyOut(BaseModel):
    p50_ms: float | None
    p95_ms: float | None
    sample: SampleOut


class ArticleOut(BaseModel):
    external_id: str
    title: str | None = Field(description="null when the article is no longer in the store")
    answers: int = Field(description="Sampled answers citing it")
    drafts: int = Field(description="Sampled drafts citing it")


class AnswerFeedbackOut(BaseModel):
    helpful: int
    not_helpful: int
    helpful_rate: float | None = Field(description="helpful / votes; null when no votes")
    comments: int


class DraftFeedbackOut(BaseModel):
    drafts: int
    final_replies: int = Field(description="Feedback rows with the reply the agent sent")
    mean_edit_distance: float | None = Field(
        description="0 sent as drafted .. 1 rewritten; null when no final reply"
    )
    helpful: int
    not_helpful: int


class ContentGapOut(BaseModel):
    question: str = Field(description="The latest wording of the question")
    count: int
    last_asked: str
    reasons: list[str]


class AnalyticsOut(BaseModel):
    since: str = Field(description="Window start (UTC, inclusive)")
    until: str = Field(description="Window end (UTC, exclusive)")
    lang: str | None
    totals: OutcomesOut
    handoff_reasons: list[ReasonOut]
    languages: list[LanguageOut]
    days: list[DayOut] = Field(description="Every day of the window, zeros included")
    latency: LatencyOut
    top_articles: list[ArticleOut]
    articles_sample: dict[str, SampleOut] = Field(description="answers and drafts read")
    answer_feedback: AnswerFeedbackOut
    draft_feedback: DraftFeedbackOut
    content_gaps: list[ContentGapOut] = Field(description="Most handed-off questions")
    gaps_sample: SampleOut

    @classmethod
    def from_report(cls, r: Report) -> AnalyticsOut:
        answers_read, drafts_read = r.articles_sample
        return cls(
            since=r.window.since.isoformat(),
            until=r.window.until.isoformat(),
            lang=r.lang,
            totals=OutcomesOut(**_outcomes(r.totals)),
            handoff_reasons=[ReasonOut(reason=x.reason, count=x.count) for x in r.handoff_reasons],
            languages=[LanguageOut(lang=x.lang, **_outcomes(x)) for x in r.languages],
            days=[DayOut(day=x.day, **_outcomes(x)) for x in r.days],
            latency=LatencyOut(
                p50_ms=r.latency.p50_ms, p95_ms=r.latency.p95_ms, sample=_sample(r.latency.sample)
            ),
            top_articles=[
                ArticleOut(
                    external_id=a.external_id, title=a.title, answers=a.answers, drafts=a.drafts
                )
                for a in r.top_articles
            ],
            articles_sample={"answers": _sample(answers_read), "drafts": _sample(drafts_read)},
            answer_feedback=AnswerFeedbackOut(
                helpful=r.answer_feedback.helpful,
                not_helpful=r.answer_feedback.not_helpful,
                helpful_rate=r.answer_feedback.helpful_rate,
                comments=r.answer_feedback.comments,
            ),
            draft_feedback=DraftFeedbackOut(
                drafts=r.draft_feedback.drafts,
                final_replies=r.draft_feedback.final_replies,
                mean_edit_distance=r.draft_feedback.mean_edit_distance,
                helpful=r.draft_feedback.helpful,
                not_helpful=r.draft_feedback.not_helpful,
            ),
            content_gaps=[
                ContentGapOut(
                    question=g.question,
                    count=g.count,
                    last_asked=g.last_asked,
                    reasons=list(g.reasons),
                )
                for g in r.content_gaps
            ],
            gaps_sample=_sample(r.gaps_sample),
        )


def _outcomes(o: Outcomes) -> dict[str, object]:
    return {
        "answers": o.answers,
        "answered": o.answered,
        "handoffs": o.handoffs,
        "deflection_rate": o.deflection_rate,
    }


def _sample(s: Sample) -> SampleOut:
    return SampleOut(read=s.read, of=s.of, sampled=s.sampled)
