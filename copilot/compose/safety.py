"""Sensitive instructions never reach a customer: "send us your password", "reply with your
card number", "pay with gift cards". Such sentences in an article are phishing or a bad
edit; the copilot drops them from what it composes from and flags the article for its owner.

A sentence is sensitive when it asks for a secret (password, PIN, one-time code, card
number, CVV, bank login, recovery phrase) through a channel that is not the product (reply,
e-mail, chat, phone, "to us", a link); asks for card or bank data together with another
secret ("your password and card number": no real flow does); or asks for payment outside
the product (gift cards, crypto, wire transfers). Warnings ("we will never ask for your
password") are not. Patterns are bounded and run on one sentence at a time (en/es/de/fr).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final

# _fix_links: the same link rules the composers apply to their output, applied to the input
from copilot.compose.citations import _fix_links, url_checker
from copilot.compose.types import Draft, Source
from ingest.pipeline import url_problem
from kb.flags.model import Finding, evidence_key
from kb.storage.flags import FlagStore
from kb.store import KnowledgeBase
from kb.text.sentences import split_segments

MAX_SENTENCE_CHARS = 2000  # longer "sentences" are checked on their first 2,000 characters
SENSITIVE_REASON: Final = "sensitive_instruction"  # a flag reason no scan computes


def _words(alternatives: str) -> re.Pattern[str]:
    """Whole-word alternatives, one per line (regex syntax within a line)."""
    lines = [line.strip() for line in alternatives.strip().splitlines() if line.strip()]
    options = [part.strip() for line in lines for part in line.split(" | ")]
    return re.compile(r"(?<!\w)(?:" + "|".join(options) + r")(?!\w)", re.IGNORECASE)


_SECRETS: dict[str, re.Pattern[str]] = {
    "password": _words(
        r"""
        pass ?words? | passcodes? | contraseñas? | claves? de acceso | passwor(?:t|d)
        kennw(?:o|ö)rt(?:er)? | mots? de passe | login credentials | your credentials
        """
    ),
    "code": _words(
        r"""
        pin(?: code| number)? | (?:one[- ]time|verification|security|2fa|sms|otp|mfa) codes? | otp
        códigos? de (?:verificación|seguridad) | (?:bestätigungs|sicherheits)codes?
        codes? de (?:vérification|sécurité) | recovery (?:phrase|codes?) | seed phrase
        backup codes?
        """
    ),
    "card": _words(
        r"""
        (?:credit |debit )?card numbers? | full card(?: details)? | card details | cvv2? | cvc
        security code on the back | números? de (?:la )?tarjeta | datos de (?:la )?tarjeta
        kartennummer | kreditkartennummer | kartendaten | prüfnummer
        numéros? de (?:la )?carte | cryptogramme | coordonnées bancaires
        """
    ),
    "bank": _words(
        r"""
        bank(?:ing)? (?:login|password|details|credentials) | online banking
        social security numbers? | ssn | datos bancarios | bankdaten
        """
    ),
}
# Ways of handing something over that are not the product's own screens.
_CHANNEL = _words(
    r"""
    send(?:ing)? | share | sharing | e-?mail(?:ing)? (?:us|it|them|your|the|back)
    (?:by|in an?|via) e-?mail | reply(?:ing)? | respond | text us | dm | message us | tell us
    give (?:us|it to) | read (?:it )?out | call us | over the phone | by phone
    in (?:the|this) chat
    to us | to our (?:team|agents?) | to (?:an?|the) (?:agent|representative|support)
    via (?:chat|phone|whatsapp) | this (?:link|form|page) | following (?:link|form|page)
    click (?:here|the link) | env(?:í|i)a(?:nos|r)? | comp(?:a|á)rte(?:nos)? | responde
    dinos | por correo | sende(?:n)? | schick(?:en|e) | teile(?:n)? | antworte(?:n)?
    per e-?mail | envoye[zr] | partage[zr] | répondez | par e-?mail
    """
)
_OFF_PRODUCT_PAYMENT = _words(
    r"""
    gift ?cards? | itunes cards? | steam cards? | google play cards? | bitcoins? | btc
    crypto(?:currency)? | usdt | western union | moneygram | wire (?:transfer|the (?:money|payment))
    zelle | venmo | cash ?app | personal (?:bank )?account | friends and family
    tarjetas? regalo | gutscheinkarten? | cartes? cadeaux? | geschenkkarten?
    """
)
_PAY = _words(
    r"""
    pay(?:ing|ment)? | purchase | buy | transfer | send (?:money|funds) | paga[rd]? | bezahlen
    zahlen | überweisen | payer | payez | compra[rd]?
    """
)
# Warnings quote the same words: "we will never ask for your password".
_WARNING = _words(
    r"""
    never | don'?t | do not | doesn'?t | does not | won'?t | will not | no one | nobody
    nunca | jamás | niemals | nie | jamais | ne (?:\w+ )?pas | avoid | beware | scams?
    phishing | fraud(?:ulent)?
    """
)
# "Enter your new password twice" in Settings: the product's own screens are where a
# password or a code is typed.
_IN_PRODUCT = _words(
    r"""
    new password | current password | old password | settings | sign[- ]in page
    log[- ]in page | login (?:page|screen) | app | account page | profile | twice | reset
    confirm (?:it|the new) | nueva contraseña | neues passwort | nouveau mot de passe
    configuración | einstellungen | paramètres
    """
)


def sensitive(sentence: str) -> str | None:
    """Why `sentence` must not be shown to a customer ("asks for password and card ...")."""
    text = sentence[:MAX_SENTENCE_CHARS]
    if _WARNING.search(text):
        return None
    kinds = [kind for kind, pattern in _SECRETS.items() if pattern.search(text)]
    if len(kinds) >= 2 and {"card", "bank"} & set(kinds):  # signing in needs no card number
        return f"asks for {' and '.join(kinds)} together"
    if kinds and _CHANNEL.search(text):
        if kinds[0] in ("card", "bank"):
            return f"asks for the customer's {kinds[0]} details outside the product"
        if not _IN_PRODUCT.search(text):
            return f"asks for the customer's {kinds[0]} outside the product"
    if _OFF_PRODUCT_PAYMENT.search(text) and _PAY.search(text):
        return "asks for payment outside the product"
    return None


@dataclass(frozen=True)
class Screened:
    """Sources with sensitive sentences removed, and what was removed per article."""

    sources: list[Source]
    dropped: dict[str, list[tuple[str, str]]]  # external_id -> [(sentence, why)]


def screen_sources(
    sources: Sequence[Source], known_urls: Collection[str] | None = None
) -> Screened:
    """Remove sensitive sentences from every passage; a passage left empty is removed.

    With `known_urls` (customer-facing calls), links to any other URL keep only their text,
    so snippets and evidence never carry an intranet URL quoted in a public article.
    """
    ok = url_checker(sources, known_urls) if known_urls is not None else None
    out: list[Source] = []
    dropped: dict[str, list[tuple[str, str]]] = {}
    for source in sources:
        passages = []
        for passage in source.passages:
            kept, removed = _screen_passage(passage)
            if removed:
                dropped.setdefault(source.external_id, []).extend(removed)
            if ok is not None and ("://" in kept or "www." in kept.lower()):
                kept = _fix_links(kept, ok)
            if kept.strip():
                passages.append(kept)
        out.append(replace(source, passages=tuple(passages)))
    return Screened(out, dropped)


@lru_cache(maxsize=8192)
def _screen_passage(passage: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(passage without sensitive sentences, [(sentence, why)]) — cached: the same chunks
    come back for many questions."""
    kept, removed = passage, []
    for segment in split_segments(passage):
        why = sensitive(segment.plain) if segment.kind != "code" else None
        if why:
            removed.append((segment.plain, why))
            kept = _remove(kept, segment.body)
    return kept, tuple(removed)


def safe_url(url: str | None) -> str | None:
    """`url` when customers may be sent there (http/https with a host), else None — for
    stores ingested before URLs were checked."""
    return url if url is not None and url_problem(url) is None else None


def _remove(passage: str, shown: str) -> str:
    """Remove one segment from its passage: the segment's text has its whitespace collapsed
    (soft-wrapped lines), so match its words with any whitespace between them."""
    words = shown.split()
    if not words:
        return passage
    pattern = r"\s+".join(re.escape(w) for w in words)
    return re.sub(pattern, " ", passage, count=1)


def screen_draft(draft: Draft) -> Draft:
    """Drop sensitive sentences from a composed draft (an LLM may write one on its own)."""
    bad = [s for s in draft.sentences if sensitive(s.text)]
    if not bad:
        return draft
    text = draft.text
    for s in bad:
        text = text.replace(s.text, "", 1)
    kept = tuple(s for s in draft.sentences if s not in bad)
    content = [s for s in kept if s.citations]
    share = sum(s.supported for s in content) / len(content) if content else 0.0
    cited = tuple(n for n in draft.cited if any(n in s.citations for s in kept))
    text = re.sub(r"[ \t]{2,}", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()
    return replace(draft, text=text, sentences=kept, cited=cited, supported_share=share)


class SensitiveFlagger:
    """Flags an article whose sentences were dropped, once per article text per process."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def flag(self, dropped: dict[str, list[tuple[str, str]]]) -> int:
        findings = []
        for external_id, items in dropped.items():
            sentences = sorted({s for s, _ in items})
            mark = (external_id, evidence_key(*sentences))
            with self._lock:
                if mark in self._seen:
                    continue
                self._seen.add(mark)
            findings.append(
                Finding(
                    reason=SENSITIVE_REASON,
                    document_id=external_id,
                    subject=f"{SENSITIVE_REASON}:{external_id}",
                    severity="high",
                    evidence={
                        "summary": f"{len(sentences)} sentence(s) ask customers for secrets or "
                        "off-product payment; they are left out of answers until fixed",
                        "sentences": sentences[:10],
                        "why": sorted({w for _, w in items}),
                    },
                    key=mark[1],
                )
            )
        if findings:
            # never auto-closed by a scan: only an owner (after an edit) closes it
            FlagStore(self.kb).apply(findings, in_scope=lambda _: False)
        return len(findings)
