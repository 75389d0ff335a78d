"""The harness's agent-card JSON Schemas, cross-checked against independent oracles.

A corpus of cards is built here: for each version a valid card, valid variants, and invalid
variants that each break exactly one rule. Every document carries the verdict this test
expects, and each verdict is checked against the harness schema AND an oracle:

* v0.3: the official JSON Schema ``../shared/reference/a2a-spec/v0.3.0/a2a.json`` (draft-07),
  read at test time (skipped with a reason when absent). Both must agree on every document.
* v1.0: the official SDK's protobuf types (``a2a-sdk`` 1.x, ``a2a.types.a2a_pb2``) parsed with
  ``google.protobuf.json_format.ParseDict``. ProtoJSON parsing catches wrong types, unknown
  enum values and two members of one oneof, and there both must agree ("wire" documents).
  Protobuf cannot see ``field_behavior = REQUIRED``, the non-empty rule for REQUIRED arrays
  (§5.7), a oneof left empty, enum names required by §5.5 (it also takes numbers), the
  ``location`` values of API keys, or ``null`` standing for a value (ProtoJSON reads it as
  unset). For those "presence" documents the test asserts the gap itself: protobuf accepts the
  document and the harness schema rejects it. The REQUIRED annotations are then checked
  structurally instead: every schema definition is compared with the proto descriptor (field
  names, REQUIRED fields, oneof groups, enum values).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.schema import find_violations, normalize_version, validate_card

from .schema_oracles import (
    SCHEMAS,
    official_v03,
    official_v03_schema,
    protobuf_accepts,
    variant,
)

# ---------------------------------------------------------------- v0.3 corpus

V03_CARD: dict[str, Any] = {
    "protocolVersion": "0.3.0",
    "name": "Echo agent",
    "description": "Echoes what it is told.",
    "url": "https://agent.example/a2a",
    "preferredTransport": "JSONRPC",
    "additionalInterfaces": [
        {"url": "https://agent.example/a2a", "transport": "JSONRPC"},
        {"url": "https://agent.example/rest", "transport": "HTTP+JSON"},
    ],
    "iconUrl": "https://agent.example/icon.png",
    "provider": {"organization": "Example", "url": "https://example.org"},
    "version": "1.2.3",
    "documentationUrl": "https://agent.example/docs",
    "capabilities": {
        "streaming": True,
        "pushNotifications": False,
        "stateTransitionHistory": False,
        "extensions": [
            {"uri": "https://ext.example/geo/v1", "required": False, "params": {"a": 1}}
        ],
    },
    "securitySchemes": {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "key": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "k"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://id.example/auth",
                    "tokenUrl": "https://id.example/token",
                    "scopes": {"read": "Read"},
                },
                "clientCredentials": {"tokenUrl": "https://id.example/token", "scopes": {}},
                "implicit": {"authorizationUrl": "https://id.example/auth", "scopes": {}},
                "password": {"tokenUrl": "https://id.example/token", "scopes": {}},
            },
        },
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example/.well-known"},
        "mtls": {"type": "mutualTLS"},
    },
    "security": [{"bearer": []}, {"oauth": ["read"]}],
    "defaultInputModes": ["text/plain"],
    "defaultOutputModes": ["text/plain", "application/json"],
    "skills": [
        {
            "id": "echo",
            "name": "Echo",
            "description": "Repeats the input.",
            "tags": ["echo"],
            "examples": ["hello"],
            "inputModes": ["text/plain"],
            "outputModes": ["text/plain"],
            "security": [{"key": []}],
        }
    ],
    "supportsAuthenticatedExtendedCard": True,
    "signatures": [
        {"protected": "eyJhbGciOiJFUzI1NiJ9", "signature": "c2ln", "header": {"kid": "k"}}
    ],
    "x-vendor": {"anything": [1, 2]},
}
V03_REQUIRED = [
    "protocolVersion", "name", "description", "url", "version", "capabilities",
    "defaultInputModes", "defaultOutputModes", "skills",
]  # fmt: skip

V03_VALID: dict[str, dict[str, Any]] = {
    "full card": V03_CARD,
    "required fields only": {k: V03_CARD[k] for k in V03_REQUIRED},
    "no preferredTransport (schema default, AMBIG-18)": variant(V03_CARD, "preferredTransport"),
    "empty skills (no non-empty rule in v0.3)": variant(V03_CARD, "skills", []),
    "empty capabilities": variant(V03_CARD, "capabilities", {}),
    "custom transport value": variant(V03_CARD, "additionalInterfaces.1.transport", "WS"),
    "unknown nested field": variant(V03_CARD, "skills.0.x-extra", True),
}
V03_INVALID: dict[str, dict[str, Any]] = {
    **{f"missing {field}": variant(V03_CARD, field) for field in V03_REQUIRED},
    "name is a number": variant(V03_CARD, "name", 5),
    "url is null": variant(V03_CARD, "url", None),
    "capabilities.streaming is a string": variant(V03_CARD, "capabilities.streaming", "yes"),
    "extension without uri": variant(V03_CARD, "capabilities.extensions.0.uri"),
    "skills is an object": variant(V03_CARD, "skills", {"echo": {}}),
    "skill without tags": variant(V03_CARD, "skills.0.tags"),
    "skill tags hold a number": variant(V03_CARD, "skills.0.tags", ["echo", 1]),
    "interface without transport": variant(V03_CARD, "additionalInterfaces.0.transport"),
    "provider without url": variant(V03_CARD, "provider.url"),
    "apiKey in the body": variant(V03_CARD, "securitySchemes.key.in", "body"),
    "apiKey without name": variant(V03_CARD, "securitySchemes.key.name"),
    "unknown scheme type": variant(V03_CARD, "securitySchemes.mtls.type", "magic"),
    "scheme without type": variant(V03_CARD, "securitySchemes.bearer.type"),
    "http scheme without scheme": variant(V03_CARD, "securitySchemes.bearer.scheme"),
    "oauth2 without flows": variant(V03_CARD, "securitySchemes.oauth.flows"),
    "authorizationCode without tokenUrl": variant(
        V03_CARD, "securitySchemes.oauth.flows.authorizationCode.tokenUrl"
    ),
    "implicit flow without scopes": variant(
        V03_CARD, "securitySchemes.oauth.flows.implicit.scopes"
    ),
    "scope description is a number": variant(
        V03_CARD, "securitySchemes.oauth.flows.authorizationCode.scopes.read", 1
    ),
    "openIdConnect without url": variant(V03_CARD, "securitySchemes.oidc.openIdConnectUrl"),
    "security is an object": variant(V03_CARD, "security", {"bearer": []}),
    "security scopes are a string": variant(V03_CARD, "security.1.oauth", "read"),
    "signature without signature": variant(V03_CARD, "signatures.0.signature"),
    "signature header is a list": variant(V03_CARD, "signatures.0.header", []),
    "extended card flag is a string": variant(
        V03_CARD, "supportsAuthenticatedExtendedCard", "true"
    ),
    "input mode is a number": variant(V03_CARD, "defaultInputModes", [1]),
}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [pytest.param(d, True, id=f"valid: {n}") for n, d in V03_VALID.items()]
    + [pytest.param(d, False, id=f"invalid: {n}") for n, d in V03_INVALID.items()]
    + [pytest.param(["not", "a", "card"], False, id="invalid: a list")],
)
def test_v03_card_schema_agrees_with_the_official_schema(doc: Any, expected: bool) -> None:
    # Our verdict first: it is checked even where the oracle is missing and the test skips.
    ours = validate_card(doc, "0.3")
    assert (ours == []) is expected, ours
    assert official_v03("agent-card", doc) is expected, "corpus label disagrees with a2a.json"


def test_v03_definitions_match_the_official_schema() -> None:
    """Same property names and required fields as a2a.json, definition by definition."""
    official = official_v03_schema()["definitions"]
    ours = json.loads((SCHEMAS / "agent-card-v0.3.json").read_text("utf-8"))["$defs"]
    ours |= json.loads((SCHEMAS / "objects-v0.3.json").read_text("utf-8"))["$defs"]
    # Members our schemas hold on the discriminating parent (Part, SecurityScheme).
    inherited = {
        **dict.fromkeys(["TextPart", "FilePart", "DataPart"], ({"kind"}, {"kind"})),
        **dict.fromkeys(
            [
                "APIKeySecurityScheme",
                "HTTPAuthSecurityScheme",
                "OAuth2SecurityScheme",
                "OpenIdConnectSecurityScheme",
            ],
            ({"type", "description"}, {"type"}),
        ),
    }
    compared = 0
    for name, definition in ours.items():
        theirs = official.get(name)
        if not theirs or "properties" not in theirs or "properties" not in definition:
            continue
        extra_props, extra_required = inherited.get(name, (set(), set()))
        assert set(definition["properties"]) | extra_props == set(theirs["properties"]), name
        assert set(definition.get("required", [])) | extra_required == set(
            theirs.get("required", [])
        ), name
        compared += 1
    assert compared >= 25


# ---------------------------------------------------------------- v1.0 corpus

V10_CARD: dict[str, Any] = {
    "name": "Echo agent",
    "description": "Echoes what it is told.",
    "supportedInterfaces": [
        {
            "url": "https://agent.example/a2a",
            "protocolBinding": "JSONRPC",
            "protocolVersion": "1.0",
        },
        {
            "url": "https://agent.example/rest",
            "protocolBinding": "HTTP+JSON",
            "protocolVersion": "1.0",
            "tenant": "acme",
        },
    ],
    "provider": {"url": "https://example.org", "organization": "Example"},
    "version": "1.2.3",
    "documentationUrl": "https://agent.example/docs",
    "capabilities": {
        "streaming": True,
        "pushNotifications": False,
        "extendedAgentCard": True,
        "extensions": [
            {
                "uri": "https://ext.example/geo/v1",
                "description": "d",
                "required": False,
                "params": {"a": [1]},
            }
        ],
    },
    "securitySchemes": {
        "bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT"}},
        "key": {
            "apiKeySecurityScheme": {"location": "header", "name": "X-API-Key", "description": "k"}
        },
        "code": {
            "oauth2SecurityScheme": {
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://id.example/auth",
                        "tokenUrl": "https://id.example/token",
                        "scopes": {"read": "Read"},
                        "pkceRequired": True,
                    }
                },
                "oauth2MetadataUrl": "https://id.example/.well-known/oauth-authorization-server",
            }
        },
        "device": {
            "oauth2SecurityScheme": {
                "flows": {
                    "deviceCode": {
                        "deviceAuthorizationUrl": "https://id.example/device",
                        "tokenUrl": "https://id.example/token",
                        "scopes": {"read": "Read"},
                    }
                }
            }
        },
        "oidc": {
            "openIdConnectSecurityScheme": {"openIdConnectUrl": "https://id.example/.well-known"}
        },
        "mtls": {"mtlsSecurityScheme": {}},
    },
    "securityRequirements": [
        {"schemes": {"bearer": {"list": []}}},
        {"schemes": {"code": {"list": ["read"]}}},
    ],
    "defaultInputModes": ["text/plain"],
    "defaultOutputModes": ["text/plain", "application/json"],
    "skills": [
        {
            "id": "echo",
            "name": "Echo",
            "description": "Repeats the input.",
            "tags": ["echo"],
            "examples": ["hello"],
            "inputModes": ["text/plain"],
            "outputModes": ["text/plain"],
            "securityRequirements": [{"schemes": {"key": {"list": []}}}],
        }
    ],
    "signatures": [
        {"protected": "eyJhbGciOiJFUzI1NiJ9", "signature": "c2ln", "header": {"kid": "k"}}
    ],
    "iconUrl": "https://agent.example/icon.png",
}
V10_REQUIRED = [
    "name", "description", "supportedInterfaces", "version", "capabilities",
    "defaultInputModes", "defaultOutputModes", "skills",
]  # fmt: skip

V10_VALID: dict[str, dict[str, Any]] = {
    "full card": V10_CARD,
    "required fields only": {k: V10_CARD[k] for k in V10_REQUIRED},
    "unknown top-level field (§5.7)": variant(V10_CARD, "futureField", {"x": 1}),
    "unknown nested field (§5.7)": variant(V10_CARD, "skills.0.futureField", "x"),
    "custom binding URI": variant(
        V10_CARD, "supportedInterfaces.0.protocolBinding", "https://example.com/bindings/ws/v1"
    ),
    "empty capabilities": variant(V10_CARD, "capabilities", {}),
    "deprecated implicit flow": variant(
        V10_CARD,
        "securitySchemes.code.oauth2SecurityScheme.flows",
        {"implicit": {"authorizationUrl": "https://id.example/auth", "scopes": {}}},
    ),
    "deprecated password flow": variant(
        V10_CARD, "securitySchemes.code.oauth2SecurityScheme.flows", {"password": {}}
    ),
}
# Broken in a way ProtoJSON parsing sees too: protobuf must reject these as well.
V10_WIRE_INVALID: dict[str, dict[str, Any]] = {
    "name is a number": variant(V10_CARD, "name", 5),
    "protocolVersion is a number": variant(V10_CARD, "supportedInterfaces.0.protocolVersion", 1.0),
    "supportedInterfaces is an object": variant(V10_CARD, "supportedInterfaces", {"url": "x"}),
    "streaming is a string": variant(V10_CARD, "capabilities.streaming", "yes"),
    "extension params is a list": variant(V10_CARD, "capabilities.extensions.0.params", [1]),
    "skills hold a number": variant(V10_CARD, "skills", [5]),
    "skill tags is a string": variant(V10_CARD, "skills.0.tags", "echo"),
    "two scheme wrappers in one scheme": variant(
        V10_CARD, "securitySchemes.mtls.httpAuthSecurityScheme", {"scheme": "Basic"}
    ),
    "two OAuth flows in one scheme": variant(
        V10_CARD,
        "securitySchemes.device.oauth2SecurityScheme.flows.clientCredentials",
        {"tokenUrl": "https://id.example/token", "scopes": {}},
    ),
    "scope description is a number": variant(
        V10_CARD, "securitySchemes.code.oauth2SecurityScheme.flows.authorizationCode.scopes.read", 1
    ),
    "pkceRequired is a string": variant(
        V10_CARD,
        "securitySchemes.code.oauth2SecurityScheme.flows.authorizationCode.pkceRequired",
        "yes",
    ),
    "requirement scopes are a string": variant(
        V10_CARD, "securityRequirements.1.schemes.code.list", "read"
    ),
    "signature header is a list": variant(V10_CARD, "signatures.0.header", []),
    "apiKey location is a number": variant(
        V10_CARD, "securitySchemes.key.apiKeySecurityScheme.location", 1
    ),
}
# Broken in ways protobuf cannot see (REQUIRED, non-empty, empty oneof, enum text, null).
V10_PRESENCE_INVALID: dict[str, dict[str, Any]] = {
    **{f"missing {field}": variant(V10_CARD, field) for field in V10_REQUIRED},
    "no interfaces": variant(V10_CARD, "supportedInterfaces", []),
    "no skills (the §8.4.1 example, AMBIG-4)": variant(V10_CARD, "skills", []),
    "no input modes": variant(V10_CARD, "defaultInputModes", []),
    "no output modes": variant(V10_CARD, "defaultOutputModes", []),
    "skill with no tags": variant(V10_CARD, "skills.0.tags", []),
    "skill without id": variant(V10_CARD, "skills.0.id"),
    "interface without protocolVersion": variant(V10_CARD, "supportedInterfaces.0.protocolVersion"),
    "interface without url": variant(V10_CARD, "supportedInterfaces.1.url"),
    "provider without organization": variant(V10_CARD, "provider.organization"),
    "scheme with no wrapper": variant(V10_CARD, "securitySchemes.mtls", {}),
    "v0.3-style scheme (its keys are unknown, so no wrapper)": variant(
        V10_CARD, "securitySchemes.bearer", {"type": "http", "scheme": "bearer"}
    ),
    "OAuth flows empty": variant(V10_CARD, "securitySchemes.device.oauth2SecurityScheme.flows", {}),
    "apiKey in the body": variant(
        V10_CARD, "securitySchemes.key.apiKeySecurityScheme.location", "body"
    ),
    "http scheme without scheme": variant(
        V10_CARD, "securitySchemes.bearer.httpAuthSecurityScheme.scheme"
    ),
    "deviceCode without deviceAuthorizationUrl": variant(
        V10_CARD,
        "securitySchemes.device.oauth2SecurityScheme.flows.deviceCode.deviceAuthorizationUrl",
    ),
    "authorizationCode without scopes": variant(
        V10_CARD, "securitySchemes.code.oauth2SecurityScheme.flows.authorizationCode.scopes"
    ),
    "signature without protected header": variant(V10_CARD, "signatures.0.protected"),
    "provider is null": variant(V10_CARD, "provider", None),
}


@pytest.mark.parametrize(
    ("doc", "expected"),
    [pytest.param(d, True, id=f"valid: {n}") for n, d in V10_VALID.items()]
    + [pytest.param(d, False, id=f"invalid: {n}") for n, d in V10_WIRE_INVALID.items()],
)
def test_v10_card_schema_agrees_with_protobuf(doc: dict[str, Any], expected: bool) -> None:
    ours = validate_card(doc, "1.0")
    assert (ours == []) is expected, ours
    assert protobuf_accepts("AgentCard", doc) is expected, "corpus label disagrees with protobuf"


@pytest.mark.parametrize("doc", V10_PRESENCE_INVALID.values(), ids=list(V10_PRESENCE_INVALID))
def test_v10_card_schema_is_stricter_than_protobuf_on_presence(doc: dict[str, Any]) -> None:
    assert validate_card(doc, "1.0") != []
    assert protobuf_accepts("AgentCard", doc), "protobuf now sees this rule: move it to wire"


def test_v10_definitions_match_the_proto_descriptors() -> None:
    """Field names, REQUIRED fields, oneof groups and enum values equal the proto's."""
    a2a_pb2 = pytest.importorskip(
        "a2a.types.a2a_pb2", reason="a2a-sdk 1.x (pip install 'a2a-sdk>=1,<2') is the v1.0 oracle"
    )
    field_behavior_pb2 = pytest.importorskip("google.api.field_behavior_pb2")

    defs = json.loads((SCHEMAS / "agent-card-v1.0.json").read_text("utf-8"))["$defs"]
    defs |= json.loads((SCHEMAS / "objects-v1.0.json").read_text("utf-8"))["$defs"]
    compared = 0
    for name, definition in defs.items():
        proto = getattr(a2a_pb2, name, None)
        if proto is None:
            continue
        if "enum" in definition:
            assert definition["enum"] == [v.name for v in proto.DESCRIPTOR.values], name
            compared += 1
            continue
        fields = proto.DESCRIPTOR.fields
        required = [
            f.json_name
            for f in fields
            if field_behavior_pb2.REQUIRED
            in f.GetOptions().Extensions[field_behavior_pb2.field_behavior]
        ]
        assert list(definition["properties"]) == [f.json_name for f in fields], name
        assert definition.get("required", []) == required, name
        oneofs = [o for o in proto.DESCRIPTOR.oneofs if not o.name.startswith("_")]
        assert [[f.json_name for f in o.fields] for o in oneofs] == (
            [definition["x-a2a-oneof"]] if "x-a2a-oneof" in definition else []
        ), name
        for field in fields:
            prop = definition["properties"][field.json_name]
            prop = defs[prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else prop
            repeated = field.is_repeated and not (
                field.message_type and field.message_type.GetOptions().map_entry
            )
            where = f"{name}.{field.json_name}"
            assert (prop.get("type") == "array") == repeated, where
            if repeated and field.json_name in required and name != "ListTasksResponse":
                assert prop.get("minItems") == 1, where
        compared += 1
    assert compared >= 30


# ---------------------------------------------------------------- messages and API


def test_violations_name_the_path_and_the_rule() -> None:
    card = variant(variant(V10_CARD, "skills.0.tags", []), "capabilities.streaming", "yes")
    card = variant(card, "securitySchemes.mtls", {})
    assert validate_card(card, "1.0") == [
        '$.capabilities.streaming: expected boolean, got string "yes"',
        "$.securitySchemes.mtls: exactly one of apiKeySecurityScheme, httpAuthSecurityScheme, "
        "oauth2SecurityScheme, openIdConnectSecurityScheme, mtlsSecurityScheme must be set "
        "(found none)",
        "$.skills[0].tags: must contain at least one element (REQUIRED array)",
    ]
    keywords = {v.path: v.keyword for v in find_violations("agent-card", card, "1.0")}
    assert keywords["$.skills[0].tags"] == "minItems"


def test_missing_fields_and_odd_keys_are_reported_one_by_one() -> None:
    card = variant(variant(V03_CARD, "name"), "url")
    card["securitySchemes"]["my key"] = {"type": "apiKey", "in": "header"}
    assert validate_card(card, "0.3") == [
        "$.name: required field is missing",
        '$.securitySchemes["my key"].name: required field is missing',
        "$.url: required field is missing",
    ]


@pytest.mark.parametrize("doc", [None, "card", 42, [], [{}], True])
def test_non_objects_are_violations_not_crashes(doc: Any) -> None:
    for version in ("0.3", "1.0"):
        violations = validate_card(doc, version)
        assert len(violations) == 1 and violations[0].startswith("$: expected object, got ")


def test_versions_are_normalized_and_unknown_ones_rejected() -> None:
    assert normalize_version("1.0.1") == "1.0" and normalize_version("0.3.0") == "0.3"
    assert validate_card(V10_CARD, "1.0.1") == []
    for bad in ("2.0", "1", "", "latest", "0.2.9"):
        with pytest.raises(ValueError, match="unsupported A2A protocol version"):
            validate_card(V10_CARD, bad)


def test_a_v03_card_is_not_a_valid_v10_card_and_back() -> None:
    assert "$.supportedInterfaces: required field is missing" in validate_card(V03_CARD, "1.0")
    assert "$.url: required field is missing" in validate_card(V10_CARD, "0.3")


def test_long_violation_lists_are_capped() -> None:
    card = variant(V10_CARD, "skills", [{"id": i} for i in range(60)])
    violations = validate_card(card, "1.0")
    assert len(violations) == 101
    assert violations[-1].endswith("more violations not shown")


def test_deeply_nested_values_are_described_not_crashed_on() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = [deep]
    assert validate_card(dict(V10_CARD, name=deep), "1.0") == [
        "$: document is nested too deeply to validate"
    ]


def test_module_docstring_example_holds() -> None:
    import doctest

    import conformance.schema

    assert doctest.testmod(conformance.schema).failed == 0
