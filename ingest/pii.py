"""PII redaction for ticket text, applied before anything is stored or embedded.

Precision matters as much as recall: booking numbers, dates, prices and versions are how
agents find things, so a number is only redacted when it is clearly PII:

- e-mail addresses -> `[EMAIL]` (a local part, `@`, and a dotted domain with a letter TLD);
- IBANs -> `[IBAN]` only when the ISO 13616 mod-97 check passes and the length fits the country;
- payment cards -> `[CARD]` only for 13-19 digits in card-like grouping, a card-network first
  digit (2-6) and a passing Luhn check;
- phone numbers -> `[PHONE]`: `+CC ...` international forms, NANP forms (`(415) 555-0142`,
  `415-555-0142`, `415.555.0142`, `415 555 0142`), and other national forms only right after
  a phone word ("call", "mobile", "Telefon", "móvil"...). Dates, times, prices, versions,
  `#48213990`-style ids, `INV-2026-000123`, ticket ids and IP addresses are left alone.

Order matters: e-mails, then IBANs, then cards, then phones, so a card number is never
half-eaten by the phone pattern. Redacting twice gives the same text as redacting once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

EMAIL, PHONE, CARD, IBAN = "email", "phone", "card", "iban"
PLACEHOLDERS = {EMAIL: "[EMAIL]", PHONE: "[PHONE]", CARD: "[CARD]", IBAN: "[IBAN]"}


@dataclass(frozen=True)
class Redaction:
    """Redacted text and how many of each kind of PII were replaced (kinds with 0 left out)."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)


# --- e-mail ------------------------------------------------------------------------------

_EMAIL_RE = re.compile(  # Unicode-aware: "josé.garcía@correo.es" is an address too
    r"(?<![\w.%+\-])"
    r"\w(?:[\w.%+\-]{0,62}[\w%+\-])?"
    r"@(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}"
    r"(?![\w\-]|\.[^\W_])"
)

# --- IBAN --------------------------------------------------------------------------------

# ISO 13616 registry lengths (SWIFT IBAN registry), by country code.
_IBAN_LENGTHS_SPEC = (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 "
    "DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 "
    "IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 "
    "MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 "
    "SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
)
IBAN_LENGTHS: dict[str, int] = {item[:2]: int(item[2:]) for item in _IBAN_LENGTHS_SPEC.split()}

_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])", re.ASCII
)

_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4})* ?$")

# --- payment cards -------------------------------------------------------------------------

_CARD_RE = re.compile(
    r"(?<![\w.,/+\-])"
    r"(?:[2-6][0-9]{12,18}"  # ungrouped
    r"|[2-6][0-9]{3}(?P<s>[ \-])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{1,4}(?:(?P=s)[0-9]{1,3})?"
    r"|[2-6][0-9]{3}(?P<t>[ \-])[0-9]{6}(?P=t)[0-9]{4,5})"  # 4-6-5 (Amex), 4-6-4 (Diners)
    r"(?![\w\-/]|[.,][0-9])",
    re.ASCII,
)

# --- phone numbers -------------------------------------------------------------------------

_SEP = r"[ .\-]?"
_INTL_PHONE_RE = re.compile(
    r"(?<![\w+])\+[1-9][0-9]{0,2}"
    r"(?:" + _SEP + r"\([0-9]{1,4}\)|" + _SEP + r"[0-9]{1,5}){1,8}"
    r"(?![0-9]|[.\-][0-9])",
    re.ASCII,
)
_NANP_PHONE_RE = re.compile(
    r"(?<![\w.+/\-#$€£])"
    r"(?:1[ .\-]?)?"
    r"(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])"
    r"[2-9][0-9]{2}[ .\-][0-9]{4}"
    r"(?![\w/]|[.\-,:][0-9])",
    re.ASCII,
)
_NATIONAL_PHONE_RE = re.compile(
    r"(?<![\w#$€£.,/:+\-])"
    r"(?:0[1-9][0-9]{8,9}"  # 01223304705, 0612345678 (12 digits is an AWS account id)
    r"|0[1-9][0-9]{1,4}(?:[ \-][0-9]{2,8}){1,3}"  # 01223 413000, 020 7946 0958
    r"|0[1-9](?:[ .\-][0-9]{2}){4})"  # 06 12 34 56 78
    r"(?![\w/:]|[.,\-][0-9])",
    re.ASCII,
)
_HEX_GROUP_BEFORE = re.compile(r"(?<![\w])(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{2,8}[ ]{1,2}$")
_HEX_GROUP_AFTER = re.compile(r"[ ]{1,2}(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{2,8}(?!\w)")
_PHONE_WORDS = (
    r"phone|telephone|tel|mobile|cell|cellphone|call|whatsapp|sms|fax|hotline"
    r"|reach\s+(?:me|us|them)|reached\s+at|reachable\s+(?:at|on|via)|text\s+(?:me|us)"
    r"|my\s+number|contact\s+number"
    r"|tel[ée]fono|m[oó]vil|celular|ll[aá]m(?:a|e|eme|ame|enme|ar)"
    r"|telefon|telefonnummer|handy|handynummer|mobilnummer|rufnummer|anrufen|erreichbar"
    r"|t[ée]l[ée]phone|portable|appel(?:er|ez)|joignable"
)
# Only these words may stand between a phone word and the number ("call me on ...").
_FILLER_WORDS = (
    r"me|us|him|her|them|at|on|to|via|is|my|our|the|back|number|no|nr|direct|directly|anytime"
    r"|es|mi|al|en|el|número|numero|ist|meine|unter|die|mein|est|mon|au|le|de|numéro"
)
_CONTEXT_PHONE_RE = re.compile(
    r"\b(?:" + _PHONE_WORDS + r")\b"
    r"(?:[\s:.,\-]|\b(?:" + _FILLER_WORDS + r")\b){0,14}?"
    r"(?<![\w#$€£./\-])"
    r"(?P<num>\+?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9](?:[0-9]|[ .\-](?=[0-9(])|\([0-9]{1,4}\))*)"
    r"(?![\w/]|[.,:\-][0-9])",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(
    r"^(?:[0-9]{4}[.\-][0-9]{1,2}[.\-][0-9]{1,2}|[0-9]{1,2}[.\-][0-9]{1,2}[.\-][0-9]{2,4})$"
)
_VERSION_LIKE = re.compile(r"^[0-9]{1,4}(?:\.[0-9]{1,4}){1,3}$")
_DIGIT = re.compile(r"[0-9]")
_GROUP = re.compile(r"\(0\)|[0-9]+")

MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15  # E.164


# --- checks ------------------------------------------------------------------------------


def luhn_valid(number: str) -> bool:
    """Luhn (mod 10) check over the digits of `number`; separators are ignored."""
    digits = [int(c) for c in number if c.isdigit()]
    if not digits:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check: known country length (when in the table) and mod-97 == 1."""
    iban = re.sub(r"\s+", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


# --- matchers: each returns the span to redact inside a candidate match, or None ------------


def _iban_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Cut the candidate at the country's IBAN length (a word may follow a grouped IBAN)."""
    text = match.group(0)
    country = text[:2].upper()
    if text[:2] != country and country not in IBAN_LENGTHS:
        return None  # lower-case only for known countries: "ab12 ..." is rarely an IBAN
    expected = IBAN_LENGTHS.get(country)
    end = _cut_after_alnums(text, expected) if expected else len(text)
    if end is None or not iban_valid(text[:end]):
        return None
    return match.start(), match.start() + end


def _cut_after_alnums(text: str, count: int) -> int | None:
    """Index just after the `count`-th alphanumeric, if that falls at a token boundary."""
    seen = 0
    for i, char in enumerate(text):
        if char.isalnum():
            seen += 1
            if seen == count:
                end = i + 1
                return end if end == len(text) or text[end] == " " else None
    return None


def _after_iban_head(match: re.Match[str]) -> bool:
    """True when the match continues an IBAN-like token whose own check failed (a typo)."""
    return _IBAN_HEAD.search(match.string, max(0, match.start() - 40), match.start()) is not None


def card_network_plausible(digits: str, grouped: bool = False) -> bool:
    """Prefix and length of a real card network (Visa, Mastercard, Amex, Discover, Diners,
    JCB, UnionPay; Maestro only when written in card-like groups)."""
    n, p2, p3, p4 = len(digits), int(digits[:2]), int(digits[:3]), int(digits[:4])
    rules = (
        (digits[0] == "4", n in (13, 16, 19)),
        (51 <= p2 <= 55 or 2221 <= p4 <= 2720, n == 16),
        (p2 in (34, 37), n == 15),
        (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65, 16 <= n <= 19),
        (300 <= p3 <= 305 or p2 in (36, 38, 39), 14 <= n <= 19),
        (3528 <= p4 <= 3589 or p2 == 62, 16 <= n <= 19),
        (grouped and (p2 == 50 or 56 <= p2 <= 69), 12 <= n <= 19),
    )
    return any(prefix and length for prefix, length in rules)


def _card_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Card network prefix and length, Luhn, and not the tail of an IBAN that failed its check."""
    digits = "".join(_DIGIT.findall(match.group(0)))
    grouped = len(digits) != len(match.group(0))
    if not card_network_plausible(digits, grouped) or not luhn_valid(digits):
        return None
    return None if _after_iban_head(match) else match.span()


def _intl_phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Accept 7-15 digits (the trunk `(0)` not counted); drop trailing groups past 15."""
    text = match.group(0)
    count, end = 0, 0
    for group in _GROUP.finditer(text):
        if group.group(0) == "(0)":
            continue
        if count + len(group.group(0)) > MAX_PHONE_DIGITS:
            break
        count += len(group.group(0))
        end = group.end()
    if count < MIN_PHONE_DIGITS:
        return None
    if text[end : end + 1] == ")":
        end += 1
    return match.start(), match.start() + end


def _nanp_span(match: re.Match[str]) -> tuple[int, int] | None:
    return match.span()


def _national_phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    """A trunk-prefixed national number (UK, DE, FR, ...): 10-12 digits, not a date."""
    digits = len(_DIGIT.findall(match.group(0)))
    if not 10 <= digits <= 12 or _after_iban_head(match) or _inside_hex_run(match):
        return None
    return match.span()


def _inside_hex_run(match: re.Match[str]) -> bool:
    """True inside a run of hex/digit groups (key fingerprints, memory dumps)."""
    text = match.string
    before = _HEX_GROUP_BEFORE.search(text, max(0, match.start() - 12), match.start())
    return before is not None or _HEX_GROUP_AFTER.match(text, match.end()) is not None


def _context_phone_span(match: re.Match[str]) -> tuple[int, int] | None:
    """A number right after a phone word: 7-15 digits that do not read as a date or version."""
    number = match.group("num").strip()
    digits = len(_DIGIT.findall(number))
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        return None
    if _DATE_LIKE.match(number) or _VERSION_LIKE.match(number):
        return None
    start = match.start("num")
    return start, start + len(number)


def _email_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Skip image names such as `icon@2x.png`: the TLD is a file extension, not a domain."""
    tld = match.group(0).rsplit(".", 1)[-1].lower()
    return None if tld in _FILE_EXTENSIONS else match.span()


_FILE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif"})

_SpanFn = Callable[[re.Match[str]], "tuple[int, int] | None"]
_MATCHERS: tuple[tuple[str, re.Pattern[str], _SpanFn], ...] = (
    (EMAIL, _EMAIL_RE, _email_span),
    (IBAN, _IBAN_RE, _iban_span),
    (CARD, _CARD_RE, _card_span),
    (PHONE, _INTL_PHONE_RE, _intl_phone_span),
    (PHONE, _NANP_PHONE_RE, _nanp_span),
    (PHONE, _NATIONAL_PHONE_RE, _national_phone_span),
    (PHONE, _CONTEXT_PHONE_RE, _context_phone_span),
)


def _apply(
    text: str,
    kind: str,
    pattern: re.Pattern[str],
    span_of: _SpanFn,
    found: list[tuple[str, str]] | None = None,
) -> tuple[str, int]:
    """Replace every accepted span of `pattern` by the kind's placeholder (and append
    (kind, the value replaced) to `found` when given).

    A rejected candidate is retried one character later, so a greedy candidate (an IBAN
    followed by words) never hides a real match that starts inside it.
    """
    out: list[str] = []
    last, pos, count = 0, 0, 0
    while (match := pattern.search(text, pos)) is not None:
        span = span_of(match)
        if span is None:
            pos = match.start() + 1
            continue
        out.append(text[last : span[0]])
        out.append(PLACEHOLDERS[kind])
        if found is not None:
            found.append((kind, text[span[0] : span[1]]))
        last = pos = span[1]
        count += 1
    out.append(text[last:])
    return "".join(out), count


def redact(text: str) -> Redaction:
    """Replace e-mails, IBANs, card numbers and phone numbers with placeholders."""
    counts: dict[str, int] = {}
    for kind, pattern, span_of in _MATCHERS:
        text, found = _apply(text, kind, pattern, span_of)
        if found:
            counts[kind] = counts.get(kind, 0) + found
    return Redaction(text, counts)


def pii_found(text: str) -> list[tuple[str, str]]:
    """(kind, value as written) of everything `redact` replaces, in the order it does."""
    found: list[tuple[str, str]] = []
    for kind, pattern, span_of in _MATCHERS:
        text, _ = _apply(text, kind, pattern, span_of, found)
    return found


def merge_counts(*counts: dict[str, int]) -> dict[str, int]:
    """Sum several `Redaction.counts` (a ticket's subject and messages) into one."""
    total: dict[str, int] = {}
    for part in counts:
        for kind, n in part.items():
            total[kind] = total.get(kind, 0) + n
    return dict(sorted(total.items()))
