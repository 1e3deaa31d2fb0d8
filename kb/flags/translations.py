"""translation_outdated: a translation last updated before its source article changed."""

from __future__ import annotations

from collections.abc import Iterable

from kb.flags.corpus import Article, parse_time
from kb.flags.model import Finding, evidence_key


def find_outdated_translations(
    articles: Iterable[Article], by_id: dict[str, Article]
) -> list[Finding]:
    """Compare each translation's `updated_at` with its source's; undated pairs are skipped."""
    findings = []
    for article in articles:
        if not article.translation_of:
            continue
        source = by_id.get(article.translation_of)
        if source is None:
            continue
        mine, theirs = parse_time(article.updated_at), parse_time(source.updated_at)
        if mine is None or theirs is None or mine >= theirs:
            continue
        behind = (theirs - mine).days
        findings.append(
            Finding(
                reason="translation_outdated",
                document_id=article.external_id,
                subject=f"translation_outdated:{article.external_id}",
                severity="high" if behind >= 90 else "medium" if behind >= 14 else "low",
                evidence={
                    "summary": f"{article.lang or '?'} translation is {behind} days older than its "
                    f"{source.lang or '?'} source {source.title!r}",
                    "source_id": source.external_id,
                    "source_title": source.title,
                    "source_updated_at": source.updated_at,
                    "translation_updated_at": article.updated_at,
                    "days_behind": behind,
                    "article_title": article.title,
                },
                key=evidence_key(article.external_id, source.updated_at, article.updated_at),
            )
        )
    return findings
