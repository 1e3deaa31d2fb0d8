"""The controls a sentence names, for claims (kb.flags.claims): menu paths ("Settings >
Billing > Invoices", bold labels chained by "then") and UI labels (bold, quoted, or named
plainly after a press verb), with the sentence's other terms as what each is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kb.flags.text import content_terms
from kb.text import (
    LABEL_STOPS,
    LEAD_VERB,
    MENU_LEAD_VERBS,
    PATH_CONNECTORS,
    PRESS_VERBS,
    SEQUENCE_WORDS,
    words_pattern,
)


@dataclass(frozen=True)
class Control:
    """A menu path (steps joined by " > ") or a UI label, as written (`span`)."""

    kind: Literal["path", "label"]
    value: str
    span: str
    context: frozenset[str]


_BOLD = re.compile(r"\*\*([^*\n]{1,80})\*\*|__([^_\n]{1,80})__")
_QUOTED = re.compile(r"[\"“«„]([^\"”»“\n]{2,60})[\"”»“]|`([^`\n]{2,60})`")
_PATH_SEP = re.compile(r"(?<!\s)\s*+(?:>|→|»|›)\s*+")
# bold labels chained by "then" words, a lead verb allowed after it: a path written out
_THEN = words_pattern(SEQUENCE_WORDS)
_LEAD = words_pattern(v.lower() for v in MENU_LEAD_VERBS)
_BOLD_SEQUENCE = re.compile(
    rf"\*\*[^*\n]{{1,80}}\*\*(?:\s*+,?\s*+(?:{_THEN})\s++(?:(?:{_LEAD})\s++)?"
    rf"\*\*[^*\n]{{1,80}}\*\*)+",
    re.IGNORECASE,
)
_UPPER = "A-ZÀ-ÖØ-Þ"
# a control named plainly after a press verb: a capitalised word and up to three more
_PLAIN_LABEL = re.compile(
    rf"(?<![\w*])(?i:{words_pattern(PRESS_VERBS)})\s+(?!\*)"
    rf"([{_UPPER}][\w'’-]*+(?:\s(?!(?i:{words_pattern(LABEL_STOPS)})\b)[\w'’-]++){{0,3}})"
)
_CONNECT = "|".join(re.escape(c) for c in PATH_CONNECTORS)
# a menu label: at most 8 capitalised words of at most 61 characters, 3 connectors in a row
_LABEL_WORD = rf"[{_UPPER}][\w&'’/-]{{0,60}}+"
_SEGMENT = rf"{_LABEL_WORD}(?: (?:(?:{_CONNECT}) ){{0,3}}(?:&|{_LABEL_WORD})){{0,7}}"
# a step followed by another may go on in lower case ("Account > Connected services > Google
# Photos"): the last step may not, or it would run into the sentence ("... and tap Save")
_INNER = rf"{_SEGMENT}(?:(?: [^\W\d_{_UPPER}][\w&'’/-]{{0,60}}+){{1,3}}(?=\s*+(?:>|→|»|›)))?"
_PATH = re.compile(rf"(?<![{_UPPER}]){_INNER}(?:\s*+(?:>|→|»|›)\s*+{_INNER})+")


def paths_and_labels(sentence: str) -> list[Control]:
    """Menu paths ("Settings > Billing", bold labels chained by "then") and UI labels (bold,
    quoted, or named after a press verb) in one sentence, each once."""
    out: list[Control] = []
    seen: set[str] = set()
    sentence_terms: set[str] | None = None

    def terms_of_sentence() -> set[str]:
        nonlocal sentence_terms
        if sentence_terms is None:
            sentence_terms = content_terms(sentence)
        return sentence_terms

    texts = [m.group(1) or m.group(2) or "" for m in _BOLD.finditer(sentence)]
    bold_paths = [t for t in texts if _PATH_SEP.search(t)]
    plain = _BOLD.sub(" ", sentence)
    chained = [
        " > ".join(m.group(1) or m.group(2) or "" for m in _BOLD.finditer(seq.group(0)))
        for seq in _BOLD_SEQUENCE.finditer(sentence)
    ]
    paths = [(t, True) for t in chained] + [
        (t, False) for t in [*bold_paths, *(m.group(0) for m in _PATH.finditer(plain))]
    ]
    for text, is_chain in paths:
        parts = [p.strip(" .,'\"`") for p in _PATH_SEP.split(text) if p.strip()]
        if parts and not is_chain:  # a chain's steps are bold labels, no lead verb
            parts[0] = LEAD_VERB.sub("", parts[0])
        if len(parts) >= 2 and " > ".join(parts) not in seen:
            seen.add(" > ".join(parts))
            context = frozenset(terms_of_sentence() - _terms(parts))
            out.append(Control("path", " > ".join(parts), text, context))
            if not is_chain:  # a chain's labels stay labels too: a renamed one is still read
                seen.update(p.lower() for p in parts)
    plain_labels = _PLAIN_LABEL.finditer(_BOLD.sub(" ", _QUOTED.sub(" ", sentence)))
    for m in [*_BOLD.finditer(sentence), *_QUOTED.finditer(sentence), *plain_labels]:
        label = (m.group(1) or m.group(m.lastindex or 1) or "").strip(" .,:")
        if not label or _PATH_SEP.search(label) or label.lower() in seen:
            continue
        if any(c.isdigit() for c in label) or not any(c.isalpha() for c in label):
            continue
        if label.endswith(("?", "？")) or label.startswith("¿"):
            continue  # a question set in bold is an FAQ's heading, not a control
        seen.add(label.lower())
        context = frozenset(terms_of_sentence() - _terms([label]))
        out.append(Control("label", label, m.group(0), context))
    return out


def _terms(parts: list[str]) -> set[str]:
    return set().union(*(content_terms(p) for p in parts)) if parts else set()
