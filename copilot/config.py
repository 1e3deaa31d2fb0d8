"""One Settings object (env prefix KBC_); built by `get_settings()`, never at import."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KBC_", extra="ignore")

    data_dir: Path = Path(".kbc")
    # None: the embedded SQLite store in data_dir; postgresql://user:pass@host/db: PostgreSQL
    # with pgvector (pip install 'kbc[postgres]'); data_dir still keeps the local files.
    store_url: str | None = None
    embedder: str | None = Field(None, description="Default: the model the store was built with")

    # Generation: "extractive" (no LLM), "local/<name>" (the embedded model, run as a
    # supervised child process), or any litellm model string (openai/..., ollama/..., ...).
    llm_model: str = "extractive"
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_retries: int = Field(1, ge=0, le=5)
    llm_max_tokens: int = Field(350, ge=16, le=4096)
    llm_api_base: str | None = None
    # The local model server: generation threads, and how many requests may wait behind the
    # running one before callers get `llm_busy` (bounded, never an unbounded pile-up).
    llm_threads: int = Field(2, ge=1, le=64)
    llm_max_queue: int = Field(4, ge=0, le=64)
    # Customer answers never wait on a slow model: 0 (the default) answers with the
    # extractive composer; > 0 lets the LLM answer when it finishes within this many seconds.
    answer_llm_budget_s: float = Field(0.0, ge=0.0, le=30.0)
    # With an LLM configured: ask it (constrained yes/no) whether the top passages answer the
    # question before a customer is answered; "no" hands off (reason verifier_no). Off by
    # default: it adds a model call to every answer (copilot/answer_verifier.py).
    answer_verifier: bool = False
    answer_verifier_timeout_s: float = Field(10.0, gt=0, le=60)

    # Customer answers: below this confidence (the answerability model's calibrated
    # probability that the answer is right) the widget hands off to a human. None: the
    # threshold saved with the model (`kbc calibrate`, or the shipped default's).
    answer_threshold: float | None = Field(None, ge=0.0, le=1.0)
    # Ask "which of these?" when a short question fits several articles about equally.
    clarify: bool = True
    # Cosine below which no passage is about the question (calibrated for MiniLM).
    relevance_floor: float = Field(0.25, ge=-1.0, le=1.0)
    answer_sources: int = Field(3, ge=1, le=10)
    reply_sources: int = Field(4, ge=1, le=10)
    handoff_url: str | None = None
    handoff_email: str | None = None
    # The widget key the /demo page embeds (a public key; create it with `kbc keys create`).
    demo_widget_key: str | None = None

    # Intercom's webhook (POST /v1/webhooks/intercom): the app's client secret, with which
    # Intercom signs each notification. None: the route is off (404).
    intercom_webhook_secret: SecretStr | None = None

    # Intra-op threads for the embedding model and FAISS in the server. One: concurrent
    # requests and the local LLM share the cores, and OpenMP threads spinning on busy cores
    # turned a 19 ms query embedding into 480 ms (bench/RESULTS.md).
    torch_threads: int = Field(1, ge=1, le=64)

    # Flags: a contradicting ticket counts when resolved after the article's last edit; this
    # caps how old it may be, in days (None: no cap, so old unedited articles keep evidence).
    flags_ticket_max_age_days: int | None = Field(None, ge=1)

    # Limits.
    max_request_bytes: int = Field(256 * 1024, ge=1024)
    max_thread_messages: int = Field(50, ge=1)
    max_message_chars: int = Field(10_000, ge=100)
    max_question_chars: int = Field(2_000, ge=20)
    summary_min_messages: int = Field(4, ge=2)
    rate_limit_key_per_minute: int = Field(120, ge=1)
    # All visitors of one widget key together: a ceiling against a flood from many addresses
    # (each visitor has its own, smaller bucket: rate_limit_visitor_per_minute).
    rate_limit_widget_per_minute: int = Field(600, ge=1)
    rate_limit_ip_per_minute: int = Field(60, ge=1)
    # Widget keys are public: each visitor (key + client IP) gets its own bucket of this size.
    rate_limit_visitor_per_minute: int = Field(20, ge=1)
    # Requests refused 401/403 per client IP per minute before that IP gets 429s.
    rate_limit_failed_auth_per_minute: int = Field(20, ge=1)
    # Comma-separated proxies (IPs or CIDRs) whose X-Forwarded-For is believed; empty: the
    # socket's peer is the client, whatever the headers say.
    trusted_proxies: str = ""
    # Comma-separated hosts an article URL may point at (a host or a parent domain; empty:
    # any host). Article URLs must be http(s) always.
    article_url_hosts: str = ""
    max_article_chars: int = Field(200_000, ge=1000)
    max_reply_chars: int = Field(20_000, ge=100)  # an agent's final reply in /v1/feedback

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        import ipaddress  # a typo must fail at start, not silently trust no one (or everyone)

        for part in filter(None, (p.strip() for p in value.split(","))):
            ipaddress.ip_network(part, strict=False)
        return value

    @field_validator("intercom_webhook_secret")
    @classmethod
    def _secret_real(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        if len(secret) < 16:  # a placeholder ("changeme"), not a client secret
            raise ValueError(
                "KBC_INTERCOM_WEBHOOK_SECRET must be the Intercom app's client secret "
                "(16 characters or more)"
            )
        return SecretStr(secret)

    @field_validator("llm_model")
    @classmethod
    def _model_named(cls, value: str) -> str:
        value = value.strip()
        if not value or value.lower() in {"changeme", "todo", "your-model-here"}:
            raise ValueError(
                "KBC_LLM_MODEL must name a model, e.g. extractive or local/qwen2.5-0.5b-instruct"
            )
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
