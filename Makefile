# KB Copilot — set-up, demo, tests, lint and benchmarks.
# `make demo` and `make test` work on a fresh machine: they create .venv first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
KBC := $(VENV)/bin/kbc
STAMP := $(VENV)/.installed
DEMO_DIR ?= .kbc

export LITELLM_LOCAL_MODEL_COST_MAP := True
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup browser demo test lint format bench clean

setup: $(STAMP)

# torch==2.13.0 first: it resolves to the local CPU wheel; anything else pulls CUDA.
# The local-llm extra compiles llama-cpp-python (~5 min, once; pip caches the wheel).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,multilingual,local-llm]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium chromium-driver >/dev/null \
	  || echo "warning: could not install chromium; browser tests will be skipped"; }

demo: setup
	$(KBC) --data-dir $(DEMO_DIR) ingest examples/help-center --prune
	$(KBC) --data-dir $(DEMO_DIR) ingest examples/tickets/resolved.jsonl --kind ticket --prune
	$(KBC) --data-dir $(DEMO_DIR) stats
	$(KBC) --data-dir $(DEMO_DIR) search "How do I connect my Google Calendar?" --k 3
	$(KBC) --data-dir $(DEMO_DIR) search "¿Cómo cancelo mi suscripción?" --k 3

test: setup browser
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check kb ingest copilot eval tests bench
	$(VENV)/bin/ruff format --check kb ingest copilot eval tests bench
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format kb ingest copilot eval tests bench
	$(VENV)/bin/ruff check --fix kb ingest copilot eval tests bench

bench: setup
	$(PY) bench/ingest.py
	$(PY) bench/search.py

clean:
	rm -rf $(VENV) .kbc .pytest_cache .mypy_cache .ruff_cache *.egg-info
