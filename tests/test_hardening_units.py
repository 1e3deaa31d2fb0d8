"""Units behind issue 16's fixes: client IPs behind proxies, limiter buckets, the sensitive-
instruction check, URL policy and the flags-table migration."""

from __future__ import annotations

import sqlite3

import pytest

from copilot.auth import client_ip
from copilot.compose.safety import screen_draft, screen_sources, sensitive
from copilot.compose.types import Draft, SentenceSupport, Source
from copilot.config import Settings
from copilot.ratelimit import RateLimiter
from ingest.pipeline import url_problem
from kb.errors import RateLimited
from kb.storage.sqlite_schema import MIGRATIONS, migrate


def test_client_ip_trusts_forwarded_for_only_from_proxies() -> None:
    assert client_ip("203.0.113.5", "1.2.3.4", "") == "203.0.113.5"  # nothing trusted
    assert client_ip("203.0.113.5", "1.2.3.4", "10.0.0.0/8") == "203.0.113.5"  # peer untrusted
    assert client_ip("10.0.0.2", "1.2.3.4", "10.0.0.0/8") == "1.2.3.4"
    # a client cannot prepend a fake hop: the right-most untrusted entry wins
    assert client_ip("10.0.0.2", "6.6.6.6, 1.2.3.4, 10.0.0.9", "10.0.0.0/8") == "1.2.3.4"
    assert client_ip("10.0.0.2", "not-an-ip", "10.0.0.0/8") == "10.0.0.2"
    assert client_ip("10.0.0.2", "10.0.0.3", "10.0.0.0/8") == "10.0.0.2"  # only proxies
    assert client_ip("::1", "2001:db8::7", "::1") == "2001:db8::7"


def test_trusted_proxies_are_validated_at_start() -> None:
    with pytest.raises(ValueError):
        Settings(trusted_proxies="10.0.0.300")
    assert Settings(trusted_proxies="10.0.0.1, 192.168.0.0/16").trusted_proxies


def test_limiter_check_and_record() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0], window=60)
    for _ in range(3):
        limiter.check("f", 3)
        limiter.record("f")
    with pytest.raises(RateLimited) as refused:
        limiter.check("f", 3)
    assert refused.value.retry_after == 60
    now[0] = 61.0
    limiter.check("f", 3)  # the window slid past the failures


@pytest.mark.parametrize(
    "sentence",
    [
        "To verify your account, reply to this email entering your password and card number.",
        "Send us your password so we can check your account.",
        "Please email us your card number and CVV.",
        "Reply to this email with the verification code we texted you.",
        "You can pay the invoice with gift cards from any store.",
        "Pay the renewal in bitcoin to the wallet below.",
        "Envíanos tu contraseña y el número de tarjeta por correo.",
        "Schicken Sie uns Ihr Passwort per E-Mail.",
        "Envoyez-nous votre mot de passe par e-mail.",
    ],
)
def test_sensitive_instructions(sentence: str) -> None:
    assert sensitive(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Enter your new password twice and click Save.",
        "We will never ask for your password or card number.",
        "Never share your PIN with anyone.",
        "Enter the verification code we sent to your phone.",
        "Enter your card number in Settings > Billing > Payment method.",
        "If you forgot your password, click Forgot password on the sign-in page.",
        "Pay by card or PayPal in Settings > Billing.",
        "Orbitly doesn't send 2FA codes by SMS.",
    ],
)
def test_ordinary_help_text_is_not_sensitive(sentence: str) -> None:
    assert sensitive(sentence) is None


def _source(passage: str) -> Source:
    return Source(1, "kb-x", "X", "https://help.test/x", "article", "en", (passage,), 0.9)


def test_screen_sources_removes_only_the_sensitive_sentence() -> None:
    passage = (
        "Open Settings to verify.\nTo finish, reply to this email with your\n"
        "password and card number.\nIt takes two minutes."
    )
    screened = screen_sources([_source(passage)])
    kept = screened.sources[0].passages[0]
    assert "card number" not in kept and "Open Settings to verify." in kept
    assert "It takes two minutes." in kept
    assert list(screened.dropped) == ["kb-x"]


def test_screen_sources_strips_unknown_links_for_customers() -> None:
    passage = "See [the runbook](https://wiki.corp/x) or [help](https://help.test/y)."
    kept = screen_sources([_source(passage)], {"https://help.test/y"}).sources[0].passages[0]
    assert "wiki.corp" not in kept and "the runbook" in kept and "https://help.test/y" in kept
    assert screen_sources([_source(passage)]).sources[0].passages[0] == passage  # agents


def test_screen_draft_drops_sentences_an_llm_wrote() -> None:
    good = SentenceSupport("Open Settings > Billing [1].", (1,), True, 1.0, None)
    bad = SentenceSupport("Reply with your password and card number [2].", (2,), True, 1.0, None)
    draft = Draft(f"{good.text} {bad.text}", (good, bad), (1, 2), "m", None, "en", 1.0)
    clean = screen_draft(draft)
    assert clean.text == good.text and clean.sentences == (good,) and clean.cited == (1,)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://help.test/a", True),
        ("http://help.test", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,x", False),
        ("https://u:p@help.test/", False),
        ("https:///nohost", False),
        ("https://help.test/a\nb", False),
    ],
)
def test_url_problem(url: str, ok: bool) -> None:
    assert (url_problem(url) is None) is ok


def test_url_hosts_policy() -> None:
    hosts = ["help.test"]
    assert url_problem("https://eu.help.test/a", hosts) is None
    assert url_problem("https://help.test.evil.com/a", hosts)
    assert url_problem("https://evilhelp.test/a", hosts)


def test_flags_migration_keeps_rows() -> None:
    db = sqlite3.connect(":memory:")
    for number, migration in enumerate(MIGRATIONS[:3], start=1):
        db.executescript(f"BEGIN; {migration()}; PRAGMA user_version = {number}; COMMIT;")
    db.execute(
        "INSERT INTO flags (subject, reason, severity, evidence_key, created_at, updated_at, "
        "status_changed_at) VALUES ('dup:a|b', 'duplicate', 'low', 'k', 't', 't', 't')"
    )
    db.commit()
    migrate(db)
    assert db.execute("SELECT id, subject FROM flags").fetchall() == [(1, "dup:a|b")]
    db.execute(
        "INSERT INTO flags (subject, reason, severity, evidence_key, created_at, updated_at, "
        "status_changed_at) VALUES ('s', 'sensitive_instruction', 'high', 'k', 't', 't', 't')"
    )
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO feedback (created_at, answer_id, sources, client) VALUES "
            "('t', 1, '[]', 'c'), ('t', 1, '[]', 'c')"
        )
