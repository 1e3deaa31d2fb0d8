"""Reading one resolved ticket against one article, claim by claim: which of the ticket's
values disagree with which of the article's, how strongly each pair is about the same thing,
and which ticket sentences the article confirms (kb.flags.contradictions decides, across a
ticket's nearest articles, which article a disagreement is held against).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from kb.flags.claim_compare import calendar_span, comparable, conflicts, destination
from kb.flags.claims import Claim, billing_period, extract_claims, with_period
from kb.flags.corpus import Article, Ticket
from kb.flags.text import GENERIC, Sentence, content_terms, sentences
from kb.text import CHANGE_CUES, EXCEPTION_CUES, phrase_pattern

# A resolution sentence that grants an exception says nothing about how the product works.
_EXCEPTION = phrase_pattern(EXCEPTION_CUES)
# Statements about the customer's own data ("your parcel was valued at", "tu pedido era de").
_CUSTOMER_STATE = re.compile(
    r"\b(you(?:'ve| have)(?: currently| already)? (?:used|got|have|booked|created|added)|"
    r"your (?:account|workspace|team|invoice|card|booking)s? (?:has|had|was|shows|is)|"
    r"your [\w-]+s? (?:was|were|weighs|weighed|took|cost|came|arrived)|"
    r"you currently|you were charged|you're at|you paid|yours (?:was|arrived|came|took)|"
    r"(?:tu|su|vuestro|vuestra) [\w-]+ (?:era|fue|pesa|pesaba|tardó|costó|llegó)|"
    r"(?:o seu|a sua|seu|sua) [\w-]+ (?:era|foi|pesa|demorou|custou|chegou)|"
    r"(?:dein|ihr|deine|ihre) [\w-]+(?: [\w-]+){0,8}? (?:war|wog|wiegt|dauerte|kostete|kam)|"
    r"(?:votre|ton|ta) [\w-]+ (?:était|pesait|pèse|a coûté|est arrivée?)|"
    r"(?:il tuo|la tua|il suo|la sua) [\w-]+ (?:era|è stat[oa]|pesava|costava|è arrivat[oa])|"
    r"(?:hai|avete) (?:usato|pagato|prenotato|consumato))(?!\w)",
    re.IGNORECASE,
)
CHANGE_CUE = phrase_pattern(CHANGE_CUES)
_NUMERIC = frozenset({"quantity", "price", "duration", "percent"})
_QUESTION_MARK = re.compile(r"\?\s*$")
_TABLE_CELLS = " | "  # how kb.text joins a table row's cells
_FAR = 20  # durations this many times apart are not one limit changed (_far_apart)


@dataclass
class Sides:
    sentence: Sentence
    claims: list[Claim]
    terms: set[str]


def sides_of(text: str) -> list[Sides]:
    out = []
    for s in sentences(text):
        if _QUESTION_MARK.search(s.text):
            continue
        claims = extract_claims(s.text)
        if claims and s.heading and (period := billing_period(s.heading)):
            # a price under "## Price per month" is a monthly price
            claims = [with_period(c, period) for c in claims]
        if claims and _TABLE_CELLS in s.text:
            # a table row is one record: each value in it is about the whole row
            row = frozenset(content_terms(s.text))
            claims = [replace(c, context=c.context | row) for c in claims]
        if claims:
            out.append(Sides(s, claims, content_terms(s.text, drop_generic=True)))
    return out


def weak_terms(bodies: Iterable[str], *, share: float = 0.15, min_docs: int = 20) -> set[str]:
    """Terms in more than `share` of articles say little about what a claim is about."""
    docs = 0
    df: Counter[str] = Counter()
    for body in bodies:
        docs += 1
        df.update(content_terms(body))
    if docs < min_docs:
        return set()
    return {t for t, n in df.items() if n / docs > share}


@dataclass(frozen=True)
class Thread:
    """What the whole ticket says beyond one resolution sentence: the customer's question's
    terms, and whether the resolution says something changed."""

    asked: frozenset[str] = frozenset()
    change: bool = False


def _topic_match(
    a: Sides,
    t: Sides,
    ca: Claim,
    ct: Claim,
    weak: set[str],
    thread: Thread,
    subject: frozenset[str] = frozenset(),
) -> int:
    """How strongly two claims are about the same thing (0: not at all). `subject`: the
    article's title terms, what a sentence with no specific word of its own is about."""
    near = (ca.context & ct.context) - GENERIC - weak
    shared = (a.terms & t.terms) - weak
    cue = bool(CHANGE_CUE.search(t.sentence.text))
    if ca.kind == "label":
        # a rename names the old control ("the export button") and says it changed — in
        # this sentence, or the customer asked for the old control by name and the reply
        # says it changed ("I can't find Schedule pickup" / "that button was renamed")
        old = content_terms(ca.value)
        named = bool(old & content_terms(t.sentence.text))
        if named and (cue or len(shared) >= 2):
            return len(shared) + 1
        asked = bool(old) and old <= thread.asked and thread.change
        return len(shared) + 1 if asked and (a.terms & t.terms or cue) else 0
    if ca.kind == "path":
        return len(near) + 1 if cue or near else 0
    if ca.kind == "quantity":  # the counted noun already anchors the claim
        anchor = (ca.context & ct.context) | (a.terms & t.terms)
        return len(anchor) if anchor - {ca.unit} else 0
    if len(a.claims) == 1 and not ca.context - GENERIC - weak and not a.terms - GENERIC - weak:
        # "Your order has to be over £150.": a sentence saying nothing specific of its own,
        # nor another value to say what it is of ("One week: €35"), is about what its
        # article is ("Pay in instalments")
        near = (subject & t.terms) - GENERIC
        shared = set(near)
    if ca.unit != ct.unit and len(near) < 2:
        return 0  # business days read against hours: only when clearly about one thing
    return len(near) + len(shared) if near and shared else 0


def _comparable(ca: Claim, ct: Claim, thread: Thread) -> bool:
    """`claims.comparable`, or a menu path the customer asked for by name that the reply
    says has changed ("there's no Payment methods under Account anymore" / "the payment
    settings moved: go to Profile > Wallet")."""
    if comparable(ca, ct):
        return not _far_apart(ca, ct)
    if ca.kind == ct.kind == "path" and thread.change:
        wanted = destination(ca)
        return bool(wanted) and wanted <= thread.asked
    return False


def _far_apart(ca: Claim, ct: Claim) -> bool:
    """Two durations more than `_FAR` times apart measure different things (a child's age of
    18 months against a 48-hour booking notice, 8 years against 3 weeks): a changed rule
    moves a limit by a few times (the largest change in the 16 labelled flag sets: 2 hours
    to 24)."""
    if ca.kind != "duration" or not (ca.low and ct.low and ca.high and ct.high):
        return False
    return max(ca.low, ct.low) > _FAR * min(ca.high, ct.high)


def _agrees(ca: Claim, ct: Claim) -> bool:
    """Values agree; a value inside an article's limit ("up to 120") agrees with it."""
    if not conflicts(ca, ct):
        return True
    if ca.low is None or ct.low is None or ca.high is None or ct.high is None or ct.qualifier:
        return False
    a_low, a_high = calendar_span(ca, ct)
    t_low, t_high = calendar_span(ct, ca)
    if ca.qualifier == "max":
        return t_high <= a_high
    if ca.qualifier == "min":
        return t_low >= a_low
    return False


@dataclass
class Judgement:
    """One article read against one ticket: disagreements keyed by (ticket sentence, claim),
    with how strongly each is about the same thing, and how closely the article confirms
    each ticket sentence."""

    found: list[tuple[int, tuple[str, str], dict[str, Any]]] = field(default_factory=list)
    agreed: dict[tuple[str, str], int] = field(default_factory=dict)  # (sentence, claim kind)


def judge(
    article: Article, ticket: Ticket, a_sides: list[Sides], t_sides: list[Sides], weak: set[str]
) -> Judgement:
    article_text = article.body.lower()
    subject = frozenset(content_terms(article.title) - weak)
    out = Judgement()
    seen: set[tuple[str, str]] = set()
    thread = Thread(
        frozenset(content_terms(f"{ticket.title} {ticket.question}")),
        bool(CHANGE_CUE.search(ticket.resolution)),
    )
    for t in t_sides:
        text = t.sentence.text
        if _EXCEPTION.search(text):
            continue
        agreed_on: dict[tuple[str, str], int] = {}  # (kind, unit) -> closest agreement
        found: list[tuple[int, Sides, Claim, Claim]] = []
        stated: set[int] = set()  # ids of this sentence's values the article itself states
        for ct in t.claims:
            if ct.qualifier == "not":
                continue  # the value said not to hold: the old one, not the ticket's
            if ct.kind in _NUMERIC and _CUSTOMER_STATE.search(text):
                continue
            if ct.kind == "path" and ct.value.lower() in article_text:
                continue  # the article already mentions it: a different control, not a rename
            if ct.kind == "label" and ct.value in article.body:
                continue  # as written, capitals too: "Check in" is not the verb "check in"
            for a in a_sides:
                for ca in a.claims:
                    if ca.qualifier == "not" or not _comparable(ca, ct, thread):
                        continue
                    strength = _topic_match(a, t, ca, ct, weak, thread, subject)
                    if strength <= 0:
                        continue
                    if _agrees(ca, ct):
                        if not conflicts(ca, ct):
                            key = (ct.kind, ct.unit)
                            agreed_on[key] = max(agreed_on.get(key, 0), strength)
                            if ct.kind in _NUMERIC:
                                stated.add(id(ct))
                    else:
                        found.append((strength, a, ca, ct))
        # a value the article states itself, about a related thing, is that statement's: "a
        # locker costs €8" restates the article's €8 day locker, it does not contradict its
        # €12 heated one, however many words the €12 sentence shares
        found = [f for f in found if id(f[3]) not in stated]
        for (kind, _), strength in agreed_on.items():
            out.agreed[(text, kind)] = max(out.agreed.get((text, kind), 0), strength)
        if agreed_on:
            # business days read against hours are the weaker reading: a sentence that
            # confirms one of the article's values is not held against another unit's
            found = [f for f in found if f[2].unit == f[3].unit]
        # a value of this sentence confirmed, more closely than it contradicts, wins over
        # its other values of that kind (the customer's own 32 kg next to the 30 kg limit);
        # an agreement on a percentage says nothing about a warranty's years
        found = [f for f in found if f[0] > agreed_on.get((f[3].kind, f[3].unit), 0)]
        if not found:
            continue
        strength, a, ca, ct = max(found, key=lambda f: f[0])
        if (a.sentence.text, text) in seen:
            continue
        seen.add((a.sentence.text, text))
        item = {
            "kind": ct.kind,
            "article_sentence": a.sentence.text,
            "article_value": ca.value,
            "ticket_sentence": text,
            "ticket_value": ct.value,
            "ticket_id": ticket.external_id,
            "resolved_at": day_of(ticket.resolved_at),
        }
        out.found.append((strength, (text, ct.span), item))
    return out


def day_of(when: datetime | None) -> str | None:
    return when.date().isoformat() if when else None
