"""Shared fixtures of the conformance tests: agents (stub, reference) and the mutating proxy."""

from __future__ import annotations

from .plugin_support import (
    broken_agent,
    broken_gated_agent,
    gated_agent_url,
    reference_agent_url,
    stub_agent,
    stub_agent_url,
)

__all__ = [
    "broken_agent",
    "broken_gated_agent",
    "gated_agent_url",
    "reference_agent_url",
    "stub_agent",
    "stub_agent_url",
]
