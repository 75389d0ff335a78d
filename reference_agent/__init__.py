"""The a2a-harness reference agent: a complete A2A server (v1.0 and v0.3, JSON-RPC, SSE, push).

Start it with ``a2a-harness serve`` or ``python -m reference_agent``. It shares no code with the
``conformance`` package on purpose: the judge and the baseline must not agree on the same bug.
"""

__version__ = "0.1.0"
