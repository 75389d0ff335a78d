"""Wire dialects: JSON payloads of one A2A protocol version ⇄ :mod:`reference_agent.model`.

A dialect knows the method names, request shapes, result shapes and error shape of one version
(digest §3 "On-the-wire differences"); it knows nothing about HTTP. The JSON-RPC binding picks a
dialect per request with :func:`negotiate_version` and hands decoded requests to the
:class:`~reference_agent.service.A2AService`. A later HTTP+JSON or gRPC binding reuses the same
codecs for the parts they share (Task, Message, Part, push config shapes).

Example::

    dialect = dialect_for(negotiate_version("1.0"))
    operation = dialect.methods["SendMessage"]          # Operation.SEND
    request = dialect.decode_send({"message": {...}})   # SendMessageRequest
"""

from __future__ import annotations

from ..model import PushConfig, StreamEvent, Task
from ..service import ProtocolVersion
from ._base import SUPPORTED_VERSIONS, Dialect, Operation, negotiate_version
from .v03 import V03_DIALECT
from .v10 import V10_DIALECT

__all__ = [
    "SUPPORTED_VERSIONS",
    "V03_DIALECT",
    "V10_DIALECT",
    "Dialect",
    "Operation",
    "dialect_for",
    "encode_push",
    "negotiate_version",
]

_DIALECTS: dict[str, Dialect] = {"1.0": V10_DIALECT, "0.3": V03_DIALECT}


def dialect_for(version: ProtocolVersion) -> Dialect:
    """The codec instance for a negotiated version."""
    return _DIALECTS[version]


def encode_push(
    event: StreamEvent, task: Task, config: PushConfig, version: ProtocolVersion
) -> tuple[bytes, dict[str, str]]:
    """The :class:`reference_agent.push.PushEncoder`: one webhook POST in ``version``'s shape.

    v1.0: the event as a ``StreamResponse``, ``Content-Type: application/a2a+json``,
    ``Authorization: {scheme} {credentials}``. v0.3: the Task after the event,
    ``Content-Type: application/json``, the token in ``X-A2A-Notification-Token``.
    """
    return _DIALECTS[version].encode_push_notification(event, task, config)
