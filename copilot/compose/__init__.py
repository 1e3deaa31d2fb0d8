"""Composing drafts from retrieved sources: extractive or LLM, always cited and support-checked.

`ExtractiveComposer` needs no model; `LLMComposer` wraps any `TextGenerator` and falls
back to the extractive draft when the model fails. `check_support` computes per-sentence
grounding; `summarize_thread` summarizes a ticket thread.
"""

from __future__ import annotations

from copilot.compose.citations import citation_numbers, validate
from copilot.compose.extractive import ExtractiveComposer
from copilot.compose.llm_composer import LLMComposer
from copilot.compose.prompts import build_messages, language_name
from copilot.compose.summary import ThreadSummary, summarize_thread
from copilot.compose.support import check_support, is_courtesy, supported_share
from copilot.compose.types import (
    EXTRACTIVE,
    Composer,
    Draft,
    GeneratedText,
    SentenceSupport,
    ServedGenerator,
    Source,
    Style,
    TextGenerator,
)
from kb.text.sentences import Segment, plain_text, split_segments, split_sentences

__all__ = [
    "EXTRACTIVE",
    "Composer",
    "Draft",
    "ExtractiveComposer",
    "GeneratedText",
    "LLMComposer",
    "Segment",
    "SentenceSupport",
    "ServedGenerator",
    "Source",
    "Style",
    "TextGenerator",
    "ThreadSummary",
    "build_messages",
    "check_support",
    "citation_numbers",
    "is_courtesy",
    "language_name",
    "plain_text",
    "split_segments",
    "split_sentences",
    "summarize_thread",
    "supported_share",
    "validate",
]
