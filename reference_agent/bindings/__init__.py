"""Protocol bindings: transports that carry A2A operations to an :class:`A2AService`.

Only JSON-RPC 2.0 exists today (:class:`JsonRpcBinding`). A binding turns its transport into
``(operation, params, RequestContext)`` and calls :mod:`.operations`, which decodes with the
negotiated dialect, calls the service and encodes the answer; the HTTP+JSON and gRPC bindings of a
later issue plug in the same way, registered in :mod:`reference_agent.app`'s route table.
"""

from __future__ import annotations

from .jsonrpc import JsonRpcBinding

__all__ = ["JsonRpcBinding"]
