"""The agent card over real HTTP: dual-stack content, caching headers, ETag and 304."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.agent_process import AgentProcess
from reference_agent.card import build_public_card, to_v03_card
from reference_agent.config import AgentSettings

from .rpc import Rpc, assert_clean_json

CARD_PATHS = (".well-known/agent-card.json", ".well-known/agent.json")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def card_response(agent: AgentProcess) -> httpx.Response:
    return httpx.get(agent.url + CARD_PATHS[0], timeout=5)


@pytest.fixture(scope="module")
def card(card_response: httpx.Response) -> dict[str, Any]:
    return card_response.json()


def test_both_paths_serve_the_same_card(agent: AgentProcess, card_response: httpx.Response) -> None:
    legacy = httpx.get(agent.url + CARD_PATHS[1], timeout=5)
    assert legacy.status_code == card_response.status_code == 200
    assert legacy.content == card_response.content
    assert legacy.headers["etag"] == card_response.headers["etag"]


def test_caching_headers(card_response: httpx.Response) -> None:
    assert card_response.headers["content-type"] == "application/json"
    assert re.search(r"max-age=\d+", card_response.headers["cache-control"])
    assert re.fullmatch(r'"[0-9a-f]{32}"', card_response.headers["etag"]), "a strong, quoted ETag"


@pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_gives_304_without_body(
    agent: AgentProcess, card_response: httpx.Response, form: str
) -> None:
    etag = card_response.headers["etag"]
    response = httpx.get(
        agent.url + CARD_PATHS[0], headers={"If-None-Match": form.format(etag=etag)}, timeout=5
    )
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag


def test_a_different_etag_gets_the_card(agent: AgentProcess) -> None:
    response = httpx.get(agent.url + CARD_PATHS[0], headers={"If-None-Match": '"0000"'}, timeout=5)
    assert response.status_code == 200 and response.json()["name"]


def test_head_has_headers_and_no_body(agent: AgentProcess, card_response: httpx.Response) -> None:
    response = httpx.head(agent.url + CARD_PATHS[0], timeout=5)
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) == len(card_response.content)
    assert response.headers["etag"] == card_response.headers["etag"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(agent: AgentProcess, method: str) -> None:
    response = httpx.request(method, agent.url + CARD_PATHS[0], timeout=5)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


def test_v10_fields(agent: AgentProcess, card: dict[str, Any]) -> None:
    assert_clean_json({k: v for k, v in card.items()})
    for key in (
        "name",
        "description",
        "supportedInterfaces",
        "version",
        "capabilities",
        "defaultInputModes",
        "defaultOutputModes",
        "skills",
    ):
        assert card[key], key
    assert card["supportedInterfaces"] == [
        {"url": agent.url, "protocolBinding": "JSONRPC", "protocolVersion": "1.0"},
        {"url": agent.url, "protocolBinding": "JSONRPC", "protocolVersion": "0.3"},
    ]
    assert card["capabilities"] == {
        "streaming": True,
        "pushNotifications": True,
        "extendedAgentCard": True,
    }
    assert card["provider"]["organization"] and card["provider"]["url"]
    for skill in card["skills"]:
        assert skill["id"] and skill["name"] and skill["description"] and skill["tags"]


def test_v03_fields(agent: AgentProcess, card: dict[str, Any]) -> None:
    assert card["protocolVersion"] == "0.3.0"
    assert card["url"] == agent.url
    assert card["preferredTransport"] == "JSONRPC"
    assert {"url": agent.url, "transport": "JSONRPC"} in card["additionalInterfaces"]
    assert card["supportsAuthenticatedExtendedCard"] is True


def test_every_behaviour_of_the_contract_is_a_skill(card: dict[str, Any]) -> None:
    contract = (ROOT / "docs" / "behaviour-contract.md").read_text(encoding="utf-8")
    section = contract.split("## Behaviours", 1)[1].split("\n## ", 1)[0]
    behaviours = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE))
    assert behaviours, "the contract table was not found"
    assert behaviours <= {s["id"] for s in card["skills"]}


def test_documentation_url_is_served(card: dict[str, Any]) -> None:
    response = httpx.get(card["documentationUrl"], timeout=5)
    assert response.status_code == 200
    assert "slow" in response.text


def test_capability_switches_show_in_the_card(
    agent_off: AgentProcess, card_response: httpx.Response
) -> None:
    response = httpx.get(agent_off.url + CARD_PATHS[0], timeout=5)
    off = response.json()
    assert off["capabilities"] == {
        "streaming": False,
        "pushNotifications": False,
        "extendedAgentCard": False,
    }
    assert off["supportsAuthenticatedExtendedCard"] is False
    assert response.headers["etag"] != card_response.headers["etag"]


def test_extended_card_off_is_unsupported_operation(rpc_off: Rpc) -> None:
    assert rpc_off.error("GetExtendedAgentCard")["code"] == -32004
    assert rpc_off.error("agent/getAuthenticatedExtendedCard", version=None)["code"] == -32004


def test_required_extensions_are_declared(agent_ext: AgentProcess) -> None:
    from .conftest import REQUIRED_EXTENSION

    card = httpx.get(agent_ext.url + CARD_PATHS[0], timeout=5).json()
    assert card["capabilities"]["extensions"] == [
        {
            "uri": REQUIRED_EXTENSION,
            "description": "Required by this agent's configuration.",
            "required": True,
        }
    ]


def test_card_validates_against_the_harness_v10_schema(card: dict[str, Any]) -> None:
    schema_path = ROOT / "conformance" / "schemas" / "agent-card-v1.0.json"
    if not schema_path.exists():
        pytest.skip("conformance/schemas/agent-card-v1.0.json not present")
    import jsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate(card, schema, cls=jsonschema.validators.validator_for(schema))


# -- v1.0 → v0.3 card conversion (unit) ---------------------------------------------------------
def test_to_v03_card_converts_security_schemes_and_requirements() -> None:
    card = build_public_card(AgentSettings(port=1234))
    card["securitySchemes"] = {
        "bearer": {"httpAuthSecurityScheme": {"scheme": "Bearer", "bearerFormat": "JWT"}},
        "key": {
            "apiKeySecurityScheme": {"location": "header", "name": "X-Key", "description": "d"}
        },
        "oauth": {
            "oauth2SecurityScheme": {
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "https://a",
                        "tokenUrl": "https://t",
                        "scopes": {"r": "read"},
                        "pkceRequired": True,
                    }
                }
            }
        },
        "oidc": {"openIdConnectSecurityScheme": {"openIdConnectUrl": "https://o"}},
        "mtls": {"mtlsSecurityScheme": {}},
    }
    card["securityRequirements"] = [
        {"schemes": {"oauth": {"list": ["r"]}}},
        {"schemes": {"key": {}}},
    ]
    v03 = to_v03_card(card)
    assert v03["securitySchemes"] == {
        "bearer": {"type": "http", "scheme": "Bearer", "bearerFormat": "JWT"},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": "d"},
        "oauth": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://a",
                    "tokenUrl": "https://t",
                    "scopes": {"r": "read"},
                }
            },
        },
        "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://o"},
        "mtls": {"type": "mutualTLS"},
    }
    assert v03["security"] == [{"oauth": ["r"]}, {"key": []}]
    assert v03["url"] == "http://127.0.0.1:1234/"
    assert "supportedInterfaces" not in v03
