"""contradicted_by_tickets: resolved tickets whose resolution disagrees with a similar
article claim by claim (numbers, durations, prices, limits, versions, UI labels, menu paths,
step order). Heuristic by default; an optional verifier confirms candidates.

Which tickets count is relative to the article: every ticket resolved after the article's
last edit (an old article never edited since keeps its old evidence), optionally capped by
`max_age_days`; an undated article uses `undated_window_days`. A ticket resolved before the
edit may describe what the edit fixed, so it never counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kb.flags.claim_match import (
    CHANGE_CUE,
    Judgement,
    Sides,
    day_of,
    judge,
    sides_of,
    weak_terms,
)
from kb.flags.claims import extract_claims
from kb.flags.corpus import (
    Article,
    Ticket,
    articles_named_by,
    document_vectors,
    nearest_articles,
    parse_time,
)
from kb.flags.model import Finding, evidence_key
from kb.flags.text import Sentence, sentences
from kb.store import KnowledgeBase


class ClaimVerifier(Protocol):
    """Confirms (True), rejects (False) or abstains (None) on a heuristic candidate."""

    def confirm(self, article_sentence: str, ticket_sentence: str, claim: str) -> bool | None:
        """Do these two sentences really disagree about `claim`?"""
        ...


@dataclass(frozen=True)
class ContradictionConfig:
    """`max_age_days` (None: no cap) bounds how old a ticket after the article's last edit
    may be; `undated_window_days` is the window for articles without an edit date."""

    max_age_days: int | None = None
    undated_window_days: int = 365
    articles_per_ticket: int = 3
    min_article_similarity: float = 0.1
    min_shared_terms: int = 1


@dataclass
class ContradictionResult:
    findings: list[Finding] = field(default_factory=list)
    touches: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    rejected_by_verifier: int = 0


def compare(
    article: Article,
    ticket: Ticket,
    cfg: ContradictionConfig,
    article_sides: list[Sides] | None = None,
    ticket_sides: list[Sides] | None = None,
    weak: set[str] | None = None,
) -> list[dict[str, Any]]:
    """Claim-level disagreements between one article and one ticket resolution.

    A resolution sentence that agrees with the article on a value confirms it, so its other
    values of that kind (the customer's own) are not read as disagreements.
    """
    a_sides = article_sides if article_sides is not None else sides_of(article.body)
    t_sides = ticket_sides if ticket_sides is not None else sides_of(ticket.resolution)
    items = [item for _, _, item in judge(article, ticket, a_sides, t_sides, weak or set()).found]
    items.extend(_step_order(article, ticket))
    return items


def attribute(
    judged: list[tuple[str, float, Judgement]], group: Mapping[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Which article each ticket claim really contradicts, among the ticket's nearest ones.

    The rule `compare` applies within one article, across the ticket's nearest articles: a
    sentence another article confirms on the same kind of value (not a translation of the one
    it disagrees with) at least as closely is about that article ("claims must be opened
    within 14 days" is the claims page's rule, not a contradiction of a credit's 48 hours);
    a weight limit both plans share says nothing about whose price the sentence states. A
    claim that disagrees with several articles is held against the one it matches most
    closely (then the nearest) and its translations, not every page with a figure in the
    same unit (a region's own weight limit next to the general one).
    """
    agreed: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for ext, _, j in judged:
        for sentence_kind, strength in j.agreed.items():
            agreed[sentence_kind].append((group.get(ext, ext), strength))
    best: dict[tuple[str, str], tuple[int, float, str]] = {}
    kept: list[tuple[str, str, tuple[str, str], dict[str, Any]]] = []
    for ext, score, j in judged:
        mine = group.get(ext, ext)
        for strength, key, item in j.found:
            if any(g != mine and s >= strength for g, s in agreed.get((key[0], item["kind"]), ())):
                continue
            kept.append((ext, mine, key, item))
            if key not in best or (strength, score) > best[key][:2]:
                best[key] = (strength, score, mine)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ext, mine, key, item in kept:
        if best[key][2] == mine:
            out[ext].append(item)
    return out


def _ordered_labels(text: str) -> list[str]:
    out: list[str] = []
    for claim in extract_claims(text):
        if claim.kind in ("label", "path"):
            value = claim.value.split(" > ")[-1].lower()
            if value not in out:
                out.append(value)
    return out


def _step_order(article: Article, ticket: Ticket) -> list[dict[str, Any]]:
    """Numbered article steps whose UI labels the ticket walks through in another order."""
    blocks: dict[int, list[Sentence]] = defaultdict(list)
    for s in sentences(article.body):
        if s.step is not None:
            blocks[s.block].append(s)
    ticket_labels = _ordered_labels(ticket.resolution)
    if len(ticket_labels) < 2 or not CHANGE_CUE.search(ticket.resolution):
        return []
    out = []
    for steps in blocks.values():
        art_labels = _ordered_labels(" ".join(s.text for s in steps))
        shared = [label for label in ticket_labels if label in art_labels]
        if len(shared) < 2:
            continue
        if [label for label in art_labels if label in shared] != shared:
            out.append(
                {
                    "kind": "steps",
                    "article_sentence": " / ".join(s.text for s in steps),
                    "article_value": " → ".join(lb for lb in art_labels if lb in shared),
                    "ticket_sentence": ticket.resolution[:400],
                    "ticket_value": " → ".join(shared),
                    "ticket_id": ticket.external_id,
                    "resolved_at": day_of(ticket.resolved_at),
                }
            )
    return out


def find_contradictions(
    kb: KnowledgeBase,
    *,
    now: datetime,
    cfg: ContradictionConfig | None = None,
    verifier: ClaimVerifier | None = None,
    only: Iterable[str] | None = None,
    articles_by_id: dict[str, Article],
    answered: Mapping[str, tuple[set[str], list[str]]] | None = None,
) -> ContradictionResult:
    """Walk tickets (far fewer than articles) to their nearest articles and compare.

    `answered` maps an article to (ticket ids, questions) of a question cluster the answer
    check says it answers: those tickets are compared with it too, and the questions are
    shown as evidence, since a cluster an article answers but tickets resolve differently
    is evidence against that article, not a missing one.
    """
    from kb.flags.corpus import tickets as load_tickets

    answered = answered or {}
    extra: dict[str, set[str]] = defaultdict(set)
    for ext, (ticket_ids, _) in answered.items():
        for tid in ticket_ids:
            extra[tid].add(ext)

    cfg = cfg or ContradictionConfig()
    wanted = set(only) if only is not None else None
    since = now - timedelta(days=cfg.max_age_days) if cfg.max_age_days is not None else None
    undated_since = now - timedelta(days=cfg.undated_window_days)
    result = ContradictionResult()
    per_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sides_cache: dict[str, list[Sides]] = {}
    weak: set[str] | None = None  # computed on first use: a corpus pass, only if tickets exist
    groups = {ext: a.translation_of or ext for ext, a in articles_by_id.items()}
    for ticket in load_tickets(kb):
        if ticket.resolved_at is None or ticket.resolved_at > now:
            continue
        if since is not None and ticket.resolved_at < since:
            continue
        _, vecs = document_vectors(kb, ticket.external_id)
        if not len(vecs):
            continue
        near = nearest_articles(kb, vecs, k=cfg.articles_per_ticket)
        if near:
            result.touches[near[0][0]] = result.touches.get(near[0][0], 0) + 1
        t_sides = sides_of(ticket.resolution)
        if not t_sides:
            continue
        near_ids = {ext for ext, _ in near}
        named = articles_named_by(kb, f"{ticket.title}. {ticket.question}")
        floor = cfg.min_article_similarity  # an article the question names counts however far
        near = [(ext, max(score, floor) if ext in named else score) for ext, score in near]
        near += [(ext, floor) for ext in named if ext not in near_ids]
        near_ids.update(named)
        near += [
            (ext, 1.0) for ext in sorted(extra.get(ticket.external_id, ())) if ext not in near_ids
        ]
        judged: list[tuple[str, float, Judgement]] = []
        counted: list[Article] = []
        for ext, score in near:
            article = articles_by_id.get(ext)
            if article is None or score < cfg.min_article_similarity:
                continue
            if ext not in sides_cache:
                sides_cache[ext] = sides_of(article.body)
            if weak is None:
                weak = weak_terms(a.body for a in articles_by_id.values())
            # every near article competes for the ticket's claims, counted or not
            judged.append((ext, score, judge(article, ticket, sides_cache[ext], t_sides, weak)))
            if wanted is not None and ext not in wanted:
                continue
            changed = parse_time(article.updated_at)
            if changed is not None and ticket.resolved_at < changed:
                continue  # the article changed after this ticket: it may already be right
            if changed is None and ticket.resolved_at < undated_since:
                continue
            counted.append(article)
        claimed = attribute(judged, groups)
        for article in counted:
            ext = article.external_id
            for item in [*claimed.get(ext, []), *_step_order(article, ticket)]:
                result.candidates += 1
                if verifier is not None:
                    verdict = verifier.confirm(
                        item["article_sentence"], item["ticket_sentence"], item["ticket_value"]
                    )
                    if verdict is False:
                        result.rejected_by_verifier += 1
                        continue
                    item["verified"] = verdict
                per_article[ext].append(item)
    for ext, items in per_article.items():
        finding = _finding(articles_by_id[ext], items, result.touches.get(ext, 0))
        if ext in answered:
            questions = answered[ext][1]
            finding.evidence["answered_questions"] = questions[:6]
            finding.evidence["answered_questions_count"] = len(questions)
        result.findings.append(finding)
    return result


def _finding(article: Article, items: list[dict[str, Any]], touches: int) -> Finding:
    tickets = sorted({i["ticket_id"] for i in items})
    dates = sorted(i["resolved_at"] for i in items if i["resolved_at"])
    first = items[0]
    summary = (
        f"{len(tickets)} resolved ticket(s) say {first['ticket_value']!r} where the article "
        f"says {first['article_value']!r}"
    )
    return Finding(
        reason="contradicted_by_tickets",
        document_id=article.external_id,
        subject=f"contradicted_by_tickets:{article.external_id}",
        severity="high" if len(tickets) >= 2 else "medium",
        evidence={
            "summary": summary,
            "since": dates[0] if dates else None,
            "article_updated_at": article.updated_at,
            "counted": "tickets resolved after the article's last edit"
            if article.updated_at
            else "tickets of the undated-article window",
            "ticket_ids": tickets,
            "items": items[:10],
            "article_title": article.title,
        },
        key=evidence_key(
            article.external_id, sorted({(i["article_sentence"], i["ticket_id"]) for i in items})
        ),
        touches=touches,
    )
