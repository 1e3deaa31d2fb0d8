"""The copilot: the `kbc` CLI today; the FastAPI service, LLM gateway and pages build on it."""
