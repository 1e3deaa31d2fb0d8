"""Citation markers and links: only real sources are cited, only known URLs are linked."""

from __future__ import annotations

from copilot.compose import Source, citation_numbers, validate

ARTICLE = Source(1, "kb-a", "Reset your password", "https://help.test/kb-password", "article",
                 "en", ("Click **Forgot password**.",), 0.8)  # fmt: skip
OTHER = Source(2, "kb-b", "Refunds", "https://help.test/kb-refunds", "article", "en",
               ("Refunds take 14 days.",), 0.5)  # fmt: skip
TICKET = Source(3, "t-9", "Refund for annual plan", None, "ticket", "en",
                ("Agent refunded the annual plan.",), 0.4)  # fmt: skip
SOURCES = [ARTICLE, OTHER, TICKET]


def test_out_of_range_citations_are_removed_in_every_form() -> None:
    text, cited = validate(
        "Use the link [1]. Refunds take 14 days [2][7]. Also [4, 2] and [Source 3]. Not [9].",
        SOURCES,
    )
    assert text == "Use the link [1]. Refunds take 14 days [2]. Also [2] and [3]. Not."
    assert cited == (1, 2, 3)


def test_cited_numbers_follow_first_use() -> None:
    _, cited = validate("B [2]. A [1]. B again [2].", SOURCES)
    assert cited == (2, 1)
    assert citation_numbers("x [3, 1] y [1]") == (3, 1)


def test_unknown_links_are_stripped_keeping_their_text() -> None:
    text, _ = validate(
        "See [our pricing](https://evil.example/p) or visit http://evil.example. "
        'Or <https://evil.example/x> and <a href="https://evil.example">this page</a> '
        "and ![logo](https://evil.example/logo.png).",
        SOURCES,
    )
    assert "evil.example" not in text
    assert text == "See our pricing or visit. Or and this page and logo."


def test_known_links_are_kept() -> None:
    text, _ = validate(
        "Read [the guide](https://help.test/kb-password) and https://help.test/kb-refunds. "
        "Also [the FAQ](https://help.test/faq/).",
        SOURCES,
        known_urls={"https://help.test/faq"},
    )
    assert "[the guide](https://help.test/kb-password)" in text
    assert "https://help.test/kb-refunds." in text
    assert "[the FAQ](https://help.test/faq/)" in text


def test_known_urls_may_be_a_predicate() -> None:
    text, _ = validate("Go to https://docs.test/a and https://other.test/b now.", SOURCES,
                       known_urls=lambda url: url.startswith("https://docs.test/"))  # fmt: skip
    assert text == "Go to https://docs.test/a and now."


def test_tickets_are_never_linked() -> None:
    ticket = Source(3, "t-9", "Refund", "https://desk.test/tickets/9", "ticket", "en", ("x",), 0.4)
    text, cited = validate(
        "Same as [this ticket](https://desk.test/tickets/9) [3].",
        [ARTICLE, ticket],
        known_urls={"https://desk.test/tickets/9"},
    )
    assert "desk.test" not in text
    assert text == "Same as this ticket [3]." and cited == (3,)


def test_markdown_link_labels_are_not_citations() -> None:
    text, cited = validate("Open [1](https://evil.example) now [1].", SOURCES)
    assert text == "Open 1 now [1]." and cited == (1,)
