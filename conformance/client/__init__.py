"""The harness's client side: bounded HTTP, SSE reading, JSON-RPC binding, v0.3/v1.0 dialects.

Free of pytest, so the load scenarios (``load/``) can reuse it.
"""
