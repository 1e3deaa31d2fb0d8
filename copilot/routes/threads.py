"""Shared by replies and summaries: thread size limits and the shape conversions."""

from __future__ import annotations

from typing import cast

from copilot.compose import Draft, Source, ThreadSummary
from copilot.config import Settings
from copilot.messages import other_language_note
from copilot.schemas.common import SentenceOut, SourceOut
from copilot.schemas.threads import SummaryOut, ThreadBase
from kb.errors import PayloadTooLarge
from kb.models import Kind


def thread_messages(thread: ThreadBase, settings: Settings) -> list[tuple[str, str]]:
    """(author, body) pairs, or 413 when the thread is longer than the configured limits."""
    if len(thread.messages) > settings.max_thread_messages:
        raise PayloadTooLarge(
            f"thread has {len(thread.messages)} messages; the limit is "
            f"{settings.max_thread_messages}"
        )
    for i, m in enumerate(thread.messages):
        if len(m.body) > settings.max_message_chars:
            raise PayloadTooLarge(
                f"message {i} has {len(m.body):,} characters; the limit is "
                f"{settings.max_message_chars:,}"
            )
    return [(m.author, m.body) for m in thread.messages]


def sources_out(sources: list[Source], reply_lang: str | None = None) -> list[SourceOut]:
    """The sources as the API shows them; with `reply_lang`, each in another language says
    so in the reply's language."""
    return [
        SourceOut(
            n=s.n,
            external_id=s.external_id,
            title=s.title,
            url=s.url,
            kind=cast(Kind, s.kind),
            lang=s.lang,
            snippet=_snippet(s.passages[0] if s.passages else ""),
            relevance=round(s.relevance, 4),
            note=other_language_note(s.lang, reply_lang) if reply_lang else None,
        )
        for s in sources
    ]


def sentences_out(draft: Draft) -> list[SentenceOut]:
    return [
        SentenceOut(
            text=s.text,
            citations=list(s.citations),
            supported=s.supported,
            score=round(s.score, 4),
            evidence=s.evidence,
        )
        for s in draft.sentences
    ]


def summary_out(summary: ThreadSummary) -> SummaryOut:
    return SummaryOut(
        problem=summary.problem,
        tried=list(summary.tried),
        current_state=summary.current_state,
        next_step=summary.next_step,
        sentiment=summary.sentiment,
        urgency=summary.urgency,
        text=summary.text,
        generator_used=summary.generator_used,
    )


def _snippet(text: str, limit: int = 280) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: flat.rfind(" ", 0, limit)] + "…"
