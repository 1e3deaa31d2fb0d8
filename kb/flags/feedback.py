"""unhelpful: not-helpful votes and heavy agent edits on drafts that cite an article.

Only feedback since the article last changed counts (an edit resets the evidence). A flag
needs `min_votes` and a one-sided Wilson lower bound above the help center's own rate, so
two unlucky votes never flag an article; the binomial p-value is shown as evidence.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from kb.flags.corpus import Article, parse_time
from kb.flags.model import Finding, evidence_key
from kb.store import KnowledgeBase

Z_ONE_SIDED_95 = 1.645


@dataclass(frozen=True)
class FeedbackConfig:
    min_votes: int = 5
    heavy_edit: float = 0.5  # normalised edit distance at which a draft was "rewritten"
    min_baseline: float = 0.2  # the floor for the help-center-wide rate we compare against


def wilson_lower(successes: int, n: int, z: float = Z_ONE_SIDED_95) -> float:
    """Lower confidence bound of a proportion (0 with no data)."""
    if n == 0:
        return 0.0
    p = successes / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z * z / n))


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p): how surprising k bad outcomes are at rate p."""
    if k <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    total = 0.0
    for i in range(k, n + 1):
        log_term = (
            math.lgamma(n + 1)
            - math.lgamma(i + 1)
            - math.lgamma(n - i + 1)
            + i * math.log(p)
            + (n - i) * math.log(1 - p)
        )
        total += math.exp(log_term)
    return min(1.0, total)


@dataclass
class _Tally:
    votes: int = 0
    unhelpful: int = 0
    drafts: int = 0
    heavy: int = 0
    distance_sum: float = 0.0
    comments: list[str] = field(default_factory=list)


def find_unhelpful(
    kb: KnowledgeBase, articles_by_id: dict[str, Article], cfg: FeedbackConfig | None = None
) -> list[Finding]:
    cfg = cfg or FeedbackConfig()
    changed = {ext: parse_time(a.ingested_at) for ext, a in articles_by_id.items()}
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    all_votes = all_bad = all_drafts = all_heavy = 0
    for row in kb.catalog.feedback_rows():
        helpful, distance, comment = row.helpful, row.edit_distance, row.comment
        when = parse_time(row.created_at)
        if helpful is not None:
            all_votes += 1
            all_bad += helpful == 0
        if distance is not None:
            all_drafts += 1
            all_heavy += distance >= cfg.heavy_edit
        for ext in dict.fromkeys(row.sources):
            since = changed.get(ext)
            if ext not in articles_by_id or (since and when and when < since):
                continue
            t = tallies[ext]
            if helpful is not None:
                t.votes += 1
                t.unhelpful += helpful == 0
            if distance is not None:
                t.drafts += 1
                t.heavy += distance >= cfg.heavy_edit
                t.distance_sum += distance
            if (
                comment
                and (helpful == 0 or (distance or 0) >= cfg.heavy_edit)
                and len(t.comments) < 3
            ):
                t.comments.append(comment[:200])
    vote_base = max(cfg.min_baseline, all_bad / all_votes if all_votes else 0.0)
    edit_base = max(cfg.min_baseline, all_heavy / all_drafts if all_drafts else 0.0)
    findings = []
    for ext, t in tallies.items():
        parts: dict[str, object] = {}
        lows = []
        if t.votes >= cfg.min_votes and wilson_lower(t.unhelpful, t.votes) > vote_base:
            lows.append(wilson_lower(t.unhelpful, t.votes))
            parts["votes"] = {
                "not_helpful": t.unhelpful,
                "total": t.votes,
                "rate": round(t.unhelpful / t.votes, 3),
                "wilson_lower": round(lows[-1], 3),
                "baseline": round(vote_base, 3),
                "p_value": round(binomial_tail(t.unhelpful, t.votes, vote_base), 4),
            }
        if t.drafts >= cfg.min_votes and wilson_lower(t.heavy, t.drafts) > edit_base:
            lows.append(wilson_lower(t.heavy, t.drafts))
            parts["edits"] = {
                "heavy_edits": t.heavy,
                "drafts": t.drafts,
                "rate": round(t.heavy / t.drafts, 3),
                "mean_edit_distance": round(t.distance_sum / t.drafts, 3),
                "wilson_lower": round(lows[-1], 3),
                "baseline": round(edit_base, 3),
                "p_value": round(binomial_tail(t.heavy, t.drafts, edit_base), 4),
            }
        if not parts:
            continue
        article = articles_by_id[ext]
        bits = []
        if "votes" in parts:
            bits.append(f"{t.unhelpful}/{t.votes} answers citing it rated not helpful")
        if "edits" in parts:
            bits.append(f"{t.heavy}/{t.drafts} drafts citing it heavily edited")
        findings.append(
            Finding(
                reason="unhelpful",
                document_id=ext,
                subject=f"unhelpful:{ext}",
                severity="high" if len(parts) == 2 or max(lows) >= 0.6 else "medium",
                evidence={
                    "summary": "; ".join(bits),
                    **parts,
                    "comments": t.comments,
                    "since": article.ingested_at,
                    "article_title": article.title,
                },
                key=evidence_key(
                    ext,
                    article.content_hash,
                    int(math.log2(1 + t.unhelpful)),
                    int(math.log2(1 + t.heavy)),
                ),
                touches=t.votes + t.drafts,
            )
        )
    return findings
