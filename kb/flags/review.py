"""review_due: articles older than the review policy for their tags or product.

The policy is plain data (JSON-loadable): a default age in days and overrides per tag and
per product; the strictest rule that applies wins. An article's age counts from its
`reviewed_at` (front matter) or, failing that, its `updated_at`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kb.errors import InvalidInput
from kb.flags.corpus import Article, parse_time
from kb.flags.model import Finding, evidence_key


@dataclass(frozen=True)
class ReviewPolicy:
    """Maximum article age in days; `None` default means "only tagged/product rules apply"."""

    default_days: int | None = 365
    by_tag: dict[str, int] = field(default_factory=dict)
    by_product: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewPolicy:
        try:
            default = data.get("default_days", 365)
            return cls(
                default_days=None if default is None else int(default),
                by_tag={str(k): int(v) for k, v in (data.get("by_tag") or {}).items()},
                by_product={str(k): int(v) for k, v in (data.get("by_product") or {}).items()},
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidInput(f"review policy: {exc}") from exc

    @classmethod
    def load(cls, path: Path) -> ReviewPolicy:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"cannot read review policy {path}: {exc}") from exc

    def rule_for(self, article: Article) -> tuple[int, str] | None:
        """(max age in days, which rule) for an article, or None when no rule applies."""
        rules: list[tuple[int, str]] = []
        if self.default_days is not None:
            rules.append((self.default_days, "default"))
        rules += [(d, f"tag:{t}") for t, d in self.by_tag.items() if t in article.tags]
        if article.product and article.product in self.by_product:
            rules.append((self.by_product[article.product], f"product:{article.product}"))
        return min(rules) if rules else None


def last_reviewed(article: Article) -> datetime | None:
    return parse_time(article.meta.get("reviewed_at")) or parse_time(article.updated_at)


def _past_due(
    article: Article, policy: ReviewPolicy, now: datetime
) -> tuple[int, str, datetime, int] | None:
    """(max age in days, which rule, last reviewed, age in days) when the article is past its
    review date under `policy`; None when it is not, or its age or rule is unknown."""
    rule = policy.rule_for(article)
    reviewed = last_reviewed(article)
    if rule is None or reviewed is None or (now - reviewed).days <= rule[0]:
        return None
    return rule[0], rule[1], reviewed, (now - reviewed).days


def overdue(article: Article, policy: ReviewPolicy, now: datetime) -> bool:
    """Whether the article is past its review date under `policy` (unknown age: no)."""
    return _past_due(article, policy, now) is not None


def find_review_due(
    articles: Iterable[Article], policy: ReviewPolicy, *, now: datetime
) -> list[Finding]:
    findings = []
    for article in articles:
        due_now = _past_due(article, policy, now)
        if due_now is None:
            continue
        max_days, which, reviewed, age = due_now
        late = age - max_days
        severity = "high" if late >= max_days else "medium" if late >= max_days / 2 else "low"
        due = (reviewed + timedelta(days=max_days)).date().isoformat()
        findings.append(
            Finding(
                reason="review_due",
                document_id=article.external_id,
                subject=f"review_due:{article.external_id}",
                severity=severity,  # type: ignore[arg-type]
                evidence={
                    "summary": f"last reviewed {age} days ago; policy {which} allows {max_days}",
                    "last_reviewed": reviewed.date().isoformat(),
                    "age_days": age,
                    "policy_rule": which,
                    "max_age_days": max_days,
                    "due_since": due,
                    "overdue_days": late,
                    "article_title": article.title,
                },
                key=evidence_key(article.external_id, reviewed.date().isoformat(), max_days),
            )
        )
    return findings
