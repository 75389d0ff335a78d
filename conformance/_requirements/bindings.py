"""Versioning, errors and bindings: JSON-RPC, REST, gRPC, tenancy (§2.5, §2.15 to §2.19)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_VERSIONING = (
    req("VER-1", V10, "v1.0 §3.6; v1.0 §4.4.6", SHOULD,
        "Protocol versions in cards, requests and responses are Major.Minor (\"1.0\"), "
        "without a patch number.", "versioning", "card"),
    req("VER-1b", V10, "v1.0 §3.6", MUST,
        "The patch number plays no part in version negotiation.", "versioning"),
    req("VER-2", V10, "v1.0 §3.6.1; v1.0 §14.2.1", MUST,
        "Clients send A2A-Version (Major.Minor) with every request (0.3 clients excepted).",
        "versioning", "client"),
    req("VER-2b", V10, "v1.0 §3.6.1", MAY,
        "The version may be sent as a query parameter (?A2A-Version=1.0) instead of a "
        "header, and the agent honours it.", "versioning"),
    req("VER-3", V10, "v1.0 §3.6.2", MUST,
        "The agent processes each request with the semantics of the requested A2A-Version.",
        "versioning"),
    req("VER-3b", V10, "v1.0 §3.6.2; v1.0 §14.2.1", MUST,
        "A request for a version the interface does not support fails with "
        "VersionNotSupportedError (-32009).", "versioning", "errors"),
    req("VER-4", V10, "v1.0 §3.6.1; v1.0 §3.6.2", MUST,
        "A request with an empty or absent A2A-Version is treated as version 0.3.",
        "versioning"),
    req("VER-5", V10, "v1.0 §3.6.2", MAY,
        "The agent may expose several interfaces for different versions, at the same or "
        "different URLs.", "versioning", "card"),
    req("VER-6", V10, "v1.0 §3.2.6; v1.0 §9.2; v1.0 §10.2; v1.0 §11.2", MUST,
        "Service parameters (A2A-Version, A2A-Extensions) travel as HTTP headers on HTTP "
        "bindings and as gRPC metadata on gRPC.", "versioning", "extensions", "bindings"),
    req("VER-6b", V10, "v1.0 §3.2.6; v1.0 §9.2; v1.0 §11.2", MUST,
        "Service parameter names are matched case-insensitively (a2a-version works like "
        "A2A-Version).", "versioning", "extensions"),
    req("VER-6c", V10, "v1.0 §9.2; v1.0 §10.2; v1.0 §11.2", SHOULD,
        "Several values of one service parameter are comma-separated in a single header or "
        "metadata entry.", "versioning", "extensions"),
    req("VER-7", V10, "v1.0 §10.2", SHOULD,
        "gRPC servers validate the a2a-version metadata.", "versioning", "grpc"),
)

_ERRORS = (
    req("ERR-1", BOTH, "v1.0 §9.5; v0.3 §8.1; v0.3 §6.11.2", MUST,
        "Invalid JSON gets a -32700 parse error whose response id is null.", "errors",
        "jsonrpc"),
    req("ERR-2", BOTH, "v1.0 §9.5; v0.3 §8.1", MUST,
        "A body that is JSON but not a valid JSON-RPC request gets -32600 (invalid request).",
        "errors", "jsonrpc"),
    req("ERR-3", BOTH, "v1.0 §9.5; v0.3 §8.1", MUST,
        "An unknown method gets -32601 (method not found).", "errors", "jsonrpc"),
    req("ERR-4", BOTH, "v1.0 §9.5; v1.0 §3.3.2; v0.3 §8.1", MUST,
        "Invalid method parameters get -32602 (invalid params).", "errors", "jsonrpc"),
    req("ERR-5", BOTH, "v1.0 §9.5; v0.3 §8.1", MUST,
        "Unexpected server failures are reported as a JSON-RPC error (-32603 internal "
        "error), never as a malformed response.", "errors", "jsonrpc"),
    req("ERR-6", BOTH, "v1.0 §5.4; v0.3 §8.2; v0.3 §11.1.5", MUST,
        "A2A errors use their JSON-RPC codes: -32001 task not found through -32007 (v1.0 "
        "adds -32008 extension required and -32009 version not supported).", "errors",
        "jsonrpc"),
    req("ERR-7", V10, "v1.0 §5.4; v1.0 §11.6", MUST,
        "On HTTP+JSON, A2A errors use the mapped HTTP status (404 not found, 400 or 500 "
        "otherwise; the 1.0.0 table is accepted with a warning).", "errors", "rest"),
    req("ERR-8", V10, "v1.0 §5.4; v1.0 §10.6", MUST,
        "On gRPC, A2A errors use the mapped status code (NOT_FOUND, FAILED_PRECONDITION, "
        "INVALID_ARGUMENT, INTERNAL).", "errors", "grpc"),
    req("ERR-9", V10, "v1.0 §3.3.2", MUST,
        "Every error carries a machine-readable code and a human-readable message.",
        "errors"),
    req("ERR-10", V10, "v1.0 §3.3.2; v1.0 §9.5; v1.0 §11.6", MUST,
        "Every error detail object has an @type key (ProtoJSON Any).", "errors"),
    req("ERR-11", V10, "v1.0 §3.3.2; v1.0 §9.5", SHOULD,
        "Error details use google.rpc types: ErrorInfo (reason, domain a2a-protocol.org) "
        "for A2A errors, BadRequest for validation errors.", "errors"),
    req("ERR-12", V10, "v1.0 §9.5", MUST,
        "A JSON-RPC error's data, when present, is an array of @type objects.", "errors",
        "jsonrpc"),
    req("ERR-13", V10, "v1.0 §11.6", MUST,
        "HTTP+JSON errors are a google.rpc.Status body {\"error\": {code, status, message, "
        "details}}.", "errors", "rest"),
    req("ERR-14", V10, "v1.0 §11.6", MUST,
        "HTTP+JSON A2A errors include an ErrorInfo detail with the reason (e.g. "
        "TASK_NOT_FOUND) and domain a2a-protocol.org.", "errors", "rest"),
    req("ERR-15", V10, "v1.0 §10.6", MUST,
        "gRPC A2A errors include a google.rpc.ErrorInfo in status.details with the reason "
        "and domain a2a-protocol.org.", "errors", "grpc"),
    req("ERR-16", V03, "v0.3 §3.2.3", MUST,
        "v0.3 HTTP+JSON errors use a consistent JSON format that maps to the A2A error "
        "types, with matching HTTP status codes.", "errors", "rest"),
    req("ERR-17", V10, "v1.0 §3.3.2", SHOULD,
        "Temporary failures (e.g. 503) are told apart from permanent errors.", "errors"),
    req("ERR-18", V10, "v1.0 §3.3.2", MAY,
        "Temporary failures and rate limits may carry retry guidance (Retry-After).",
        "errors"),
)

_JSONRPC = (
    req("RPC-1", BOTH, "v1.0 §9.1; v0.3 §3.2.1; v0.3 §7", MUST,
        "JSON-RPC requests are JSON-RPC 2.0 objects POSTed to the interface URL.",
        "jsonrpc"),
    req("RPC-2", BOTH, "v1.0 §9.1; v0.3 §3.2.1; v0.3 §7", MUST,
        "JSON-RPC responses (other than streams) use Content-Type application/json.",
        "jsonrpc"),
    req("RPC-3", BOTH, "v1.0 §9.3; v0.3 §6.11.2", MUST,
        "Every response has jsonrpc \"2.0\".", "jsonrpc"),
    req("RPC-4", BOTH, "v1.0 §9.3; v0.3 §6.11.1; v0.3 §6.11.2", MUST,
        "The response id equals the request id, string or number.", "jsonrpc"),
    req("RPC-5", BOTH, "v1.0 §9.3; v0.3 §6.11.2", MUST,
        "A response has exactly one of result and error.", "jsonrpc"),
    req("RPC-6", BOTH, "v1.0 §5.3; v1.0 §9.1; v0.3 §3.5.1; v0.3 §3.5.6", MUST,
        "Methods have the version's names: v1.0 PascalCase (SendMessage, GetTask…), v0.3 "
        "category/action (message/send, tasks/get…).", "jsonrpc"),
    req("RPC-7", BOTH, "v1.0 §9.3; v0.3 §6.11.1", SHOULD,
        "A request without an id is a notification and gets no JSON-RPC response.",
        "jsonrpc"),
)

_REST = (
    req("REST-1", BOTH, "v1.0 §5.3; v1.0 §11.3; v0.3 §3.2.3; v0.3 §3.5.3", MUST,
        "HTTP+JSON routes follow the version's URL patterns: v1.0 /message:send, "
        "/tasks/{id}…; v0.3 /v1/message:send, /v1/tasks/{id}….", "rest"),
    req("REST-2", V10, "v1.0 §11.5", MUST,
        "GET and DELETE parameters are camelCase query or path parameters (booleans "
        "true/false, enums by name, ISO 8601 timestamps, URL-encoded values).", "rest"),
    req("REST-3", V10, "v1.0 §11.1; v1.0 §14.1", SHOULD,
        "HTTP+JSON requests and responses use Content-Type application/a2a+json.", "rest"),
    req("REST-4", V03, "v0.3 §3.2.3", MUST,
        "v0.3 HTTP+JSON bodies use Content-Type application/json.", "rest"),
    req("REST-5", BOTH, "v1.0 §11.4; v0.3 §3.2.3", MUST,
        "HTTP+JSON bodies are JSON objects structurally equivalent to the protocol data "
        "model.", "rest"),
    req("REST-6", V03, "v0.3 §3.2.3", MUST,
        "v0.3 HTTP+JSON uses fitting HTTP verbs and status codes (GET queries, POST actions, "
        "DELETE removal; 4xx/5xx for errors).", "rest"),
)

_GRPC = (
    req("GRPC-1", V10, "v1.0 §10.1; v1.0 §10.3", MUST,
        "The gRPC binding implements lf.a2a.v1.A2AService from the normative proto, with "
        "proto3 serialization.", "grpc"),
    req("GRPC-2", V03, "v0.3 §3.2.2", MUST,
        "The v0.3 gRPC binding implements a2a.v1.A2AService from the normative proto.",
        "grpc"),
    req("GRPC-3", BOTH, "v1.0 §10.1; v0.3 §3.2.2", MUST,
        "gRPC runs over HTTP/2 with TLS.", "grpc", "security"),
    req("GRPC-4", V03, "v0.3 §3.2.2", MUST,
        "The v0.3 gRPC binding uses the proto's json_name annotations for HTTP/JSON "
        "transcoding.", "grpc", "rest"),
    req("GRPC-5", BOTH, "v1.0 §10.7; v0.3 §3.3.2", MUST,
        "gRPC streaming uses server-streaming RPCs.", "grpc", "streaming"),
    req("GRPC-6", V03, "v0.3 §3.2.2", MUST,
        "v0.3 gRPC maps A2A errors to the gRPC status codes of the proto annotations.",
        "grpc", "errors"),
)

_EQUIVALENCE = (
    req("BIND-1", BOTH, "v1.0 §5.1; v0.3 §3.4.1; v0.3 §11.1.4", MUST,
        "Every binding the agent offers provides the same operations and capabilities.",
        "bindings"),
    req("BIND-2", BOTH, "v1.0 §5.1; v0.3 §3.4.1; v0.3 §11.1.4", MUST,
        "The bindings return semantically equivalent results for the same requests.",
        "bindings"),
    req("BIND-3", BOTH, "v1.0 §5.1; v0.3 §3.4.1", MUST,
        "The bindings map errors consistently, each with its own codes.", "bindings",
        "errors"),
    req("BIND-4", BOTH, "v1.0 §5.1; v0.3 §3.4.1", MUST,
        "The bindings accept the same authentication schemes declared in the card.",
        "bindings", "auth"),
)

_TENANCY = (
    req("TENANT-1", V10, "v1.0 §8.3.2; v1.0 §4.4.6", MUST,
        "An interface that declares a tenant serves requests carrying it (JSON-RPC "
        "params.tenant, REST /{tenant}/… path prefix, gRPC tenant field).", "tenancy"),
    req("TENANT-2", V10, "v1.0 §8.3.2", MUST,
        "Clients send exactly the declared tenant in every request to that interface, and "
        "no tenant when none is declared.", "tenancy", "client"),
    req("TENANT-3", V10, "v1.0 §4.3.1; v1.0 §8.3.2", MUST,
        "A push config's tenant matches the tenant of the interface it was created on.",
        "tenancy", "push"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = (
    _VERSIONING + _ERRORS + _JSONRPC + _REST + _GRPC + _EQUIVALENCE + _TENANCY
)
