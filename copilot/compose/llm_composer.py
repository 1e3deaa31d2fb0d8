"""The LLM composer: prompt, generate, clean citations and links, check support — or fall back.

Any failure of the model (an exception, empty text, no valid citation while sources
exist, the wrong language) yields the extractive draft with `fallback_reason` set, so a
caller always gets a grounded draft.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from copilot.compose.attribution import attribute_citations
from copilot.compose.citations import (
    KnownUrls,
    citation_numbers,
    strip_citations,
    tidy,
    validate,
)
from copilot.compose.extractive import ExtractiveComposer
from copilot.compose.facts import strip_labels
from copilot.compose.prompts import MAX_SOURCES, build_messages
from copilot.compose.structured import (
    Rejection,
    Sentence,
    StructuredOutputError,
    TextFieldStream,
    build_structured_messages,
    cite,
    closest_to_question,
    draft_schema,
    echoes,
    parse_sentences,
    render,
    unsupported_feedback,
)
from copilot.compose.support import check_support, supported_share
from copilot.compose.types import Draft, GeneratedText, Source, Style, TextGenerator
from kb.embedders.base import Embedder
from kb.errors import KBError
from kb.text.language import detect_language as text_language
from kb.text.words import content_set

log = logging.getLogger(__name__)

MAX_REASON_CHARS = 200
# languages langdetect confuses on short texts: not a reason to throw a draft away
_NEIGHBOURS = {
    "es": {"ca", "gl"}, "pt": {"gl"}, "nl": {"af"}, "no": {"da", "nb", "nn"},
    "nb": {"da", "no"}, "da": {"no", "nb"}, "hr": {"bs", "sr"}, "id": {"ms"},
}  # fmt: skip
_THINK = re.compile(r"<think>.*?(</think>|$)", re.IGNORECASE | re.DOTALL)
_WRAPPER = re.compile(r"^\s*```[a-z]*\s*\n(.*?)\n\s*```\s*$", re.DOTALL)
_LABEL_PREFIX = re.compile(r"^\s*(answer|reply|respuesta|antwort|réponse)\s*:\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\[(?:your|agent|my|support agent)[ _]?name\]|\[company( name)?\]",
                          re.IGNORECASE)  # fmt: skip
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

DetectLanguage = Callable[[str, str | None], str | None]


def clean_generation(text: str) -> str:
    """Model output minus reasoning blocks, code-fence wrappers, "Answer:" and name placeholders."""
    text = _THINK.sub("", text).strip()
    wrapped = _WRAPPER.match(text)
    if wrapped:
        text = wrapped.group(1)
    text = _LABEL_PREFIX.sub("", text)
    return tidy(_PLACEHOLDER.sub("", text))


class LLMComposer:
    """Drafts with a language model, grounded and checked; falls back to extractive."""

    def __init__(
        self,
        generator: TextGenerator,
        fallback: ExtractiveComposer,
        embedder: Embedder | None = None,
        known_urls: KnownUrls | None = None,
        *,
        max_sources: int = MAX_SOURCES,
        detect_language: DetectLanguage | None = None,
        structured: bool = True,
    ) -> None:
        self.generator = generator
        self.fallback = fallback
        self.embedder = embedder
        self.known_urls = known_urls
        self.max_sources = max_sources
        self.detect_language = detect_language or text_language
        # JSON sentences under a schema (copilot.compose.structured) instead of free text
        self.structured = structured

    def compose(
        self,
        question: str,
        sources: Sequence[Source],
        *,
        lang: str,
        style: Style,
        customer_name: str | None = None,
        max_sentences: int = 4,
        stream: bool = False,
        timeout_s: float | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Draft:
        """A cited LLM draft, or the extractive one with `fallback_reason` saying why.

        ``timeout_s`` overrides the generator's deadline (widget answers have their own
        budget); ``on_token`` receives the model's text as it streams."""
        started = time.perf_counter()

        def fall_back(reason: str, result: GeneratedText | None = None) -> Draft:
            log.info("LLM draft fell back to extractive: %s", reason)
            draft = self.fallback.compose(question, sources, lang=lang, style=style,
                                          customer_name=customer_name,
                                          max_sentences=max_sentences)  # fmt: skip
            return dataclasses.replace(
                draft, fallback_reason=reason[:MAX_REASON_CHARS],
                completion_tokens=result.completion_tokens if result else 0,
                first_token_seconds=result.first_token_seconds if result else None,
                seconds=time.perf_counter() - started,
            )  # fmt: skip

        if not sources:
            return fall_back("no_sources")
        used = list(sources)[: self.max_sources]
        options: dict[str, Any] = {}
        if timeout_s:
            options["timeout_s"] = timeout_s
        if self.structured:
            return self._structured(question, used, lang, style, customer_name, stream,
                                    on_token, options, fall_back, started)  # fmt: skip
        if on_token is not None:
            options["on_token"] = on_token
        messages = build_messages(question, used, lang=lang, style=style,
                                  customer_name=customer_name,
                                  max_sources=self.max_sources)  # fmt: skip
        try:
            result = self.generator.complete(messages, stream=stream, **options)
        except KBError as exc:
            if exc.code in {"llm_busy", "llm_unavailable"} and "timed out" not in exc.message:
                return fall_back(exc.code)
            return fall_back(f"llm_error: {exc.message}")
        except Exception as exc:  # a generator must never break a draft
            return fall_back(f"llm_error: {type(exc).__name__}: {exc}")
        raw = clean_generation(result.text or "")
        if not raw:
            return fall_back("empty_output", result)
        text, _ = validate(raw, used, self.known_urls)
        validated = text
        text, supports = attribute_citations(validated, used, self.embedder)
        if text != validated:
            log.info("added citations the model left out")
        cited = citation_numbers(text)
        if not cited:
            return fall_back("no_valid_citation", result)
        wrong = self._wrong_language(text, lang)
        if wrong:
            return fall_back(f"wrong_language: {wrong}, expected {lang}", result)
        return Draft(
            text=text, sentences=tuple(supports), cited=cited,
            generator_used=self.generator.model, fallback_reason=None, lang=lang,
            supported_share=supported_share(supports),
            completion_tokens=result.completion_tokens,
            first_token_seconds=result.first_token_seconds,
            seconds=time.perf_counter() - started,
        )  # fmt: skip

    def _structured(
        self,
        question: str,
        used: list[Source],
        lang: str,
        style: Style,
        customer_name: str | None,
        stream: bool,
        on_token: Callable[[str], None] | None,
        options: dict[str, Any],
        fall_back: Callable[[str, GeneratedText | None], Draft],
        started: float,
    ) -> Draft:
        """JSON sentences under a schema; keep those the support check backs; retry once."""
        valid = {s.n for s in used}
        fmt = draft_schema(sorted(valid))

        def prompt(failure: str | None = None) -> list[dict[str, str]]:
            return build_structured_messages(question, used, lang=lang,
                                             max_sources=self.max_sources,
                                             failure=failure)  # fmt: skip

        messages = prompt()
        result: GeneratedText | None = None
        failure = "invalid_output"
        kept: list[Sentence] = []
        tokens = 0
        for _attempt in range(2):
            call = dict(options)
            if on_token is not None:
                call["on_token"] = TextFieldStream(on_token).feed
            try:
                result = self.generator.complete(messages, stream=stream, response_format=fmt,
                                                 **call)  # fmt: skip
            except KBError as exc:
                if exc.code in {"llm_busy", "llm_unavailable"} and "timed out" not in exc.message:
                    return fall_back(exc.code, result)
                return fall_back(f"llm_error: {exc.message}", result)
            except Exception as exc:  # a generator must never break a draft
                return fall_back(f"llm_error: {type(exc).__name__}: {exc}", result)
            tokens += result.completion_tokens
            try:
                sentences = parse_sentences(_THINK.sub("", result.text or ""), valid)
            except StructuredOutputError as exc:
                failure = f"invalid_output: {exc}"
                messages = prompt(str(exc))
                continue
            if not sentences:
                return fall_back("llm_no_answer", result)  # the model says: not in the sources
            kept, rejected = self._supported(sentences, used, question)
            if kept:
                break
            failure = "no_supported_sentence"
            messages = prompt(unsupported_feedback(rejected, used, question))
        if not kept or result is None:
            return fall_back(failure, result)
        text, _ = validate(render(kept, style=style, lang=lang, customer_name=customer_name),
                           used, self.known_urls)  # fmt: skip
        supports = check_support(text, used, self.embedder)
        wrong = self._wrong_language(text, lang)
        if wrong:
            return fall_back(f"wrong_language: {wrong}, expected {lang}", result)
        return Draft(
            text=text, sentences=tuple(supports), cited=citation_numbers(text),
            generator_used=self.generator.model, fallback_reason=None, lang=lang,
            supported_share=supported_share(supports), completion_tokens=tokens,
            first_token_seconds=result.first_token_seconds,
            seconds=time.perf_counter() - started,
        )  # fmt: skip

    def _supported(
        self, sentences: list[Sentence], used: list[Source], question: str
    ) -> tuple[list[Sentence], list[Rejection]]:
        """The sentences the support checker backs, and the others with the source sentence
        a retry should quote. One that repeats the question is never kept; an uncited one, or
        one whose cited source does not back it, gets the source that does at the checker's
        stricter uncited threshold (a small model often cites the wrong one). For an echo, or a
        sentence sharing no word with the question (the worked example copied: its closest
        line is off the question too), the lines to quote are those closest to each part of
        the question; never one repeating the question (quoted, the retry copies it and is
        rejected again)."""
        kept: list[Sentence] = []
        rejected: list[Rejection] = []
        for sentence in sentences:
            if echoes(sentence.text, question):
                rejected.append(Rejection(sentence.text, closest_to_question(question, used),
                                          echo=True))  # fmt: skip
                continue
            checks = []
            if sentence.sources:
                checks = check_support(cite(sentence), used, self.embedder)
                if checks and all(c.supported for c in checks):
                    kept.append(sentence)
                    continue
            text, uncited = attribute_citations(sentence.text, used, self.embedder)
            numbers = citation_numbers(text)
            if numbers and uncited and all(c.supported for c in uncited):
                kept.append(Sentence(sentence.text, tuple(numbers)))
            else:
                failed = next((c for c in checks or uncited if not c.supported), None)
                evidence = failed.evidence if failed else None
                off_topic = not content_set(sentence.text) & content_set(question)
                if evidence is None or off_topic or echoes(evidence, question):
                    rejected.append(Rejection(sentence.text, closest_to_question(question, used)))
                else:
                    rejected.append(Rejection(sentence.text, (evidence,)))
        return kept, rejected

    def _wrong_language(self, text: str, lang: str) -> str | None:
        """The detected language when it clearly is not `lang`; None when it is or is unclear."""
        if not lang:
            return None
        # UI labels and URLs are often left in English: judge the prose around them
        prose = _URL.sub(" ", strip_labels(strip_citations(text)))
        detected = self.detect_language(prose, None)
        want = lang.replace("_", "-").split("-", 1)[0].lower()
        if detected is None or detected == want or detected in _NEIGHBOURS.get(want, set()):
            return None
        return detected
