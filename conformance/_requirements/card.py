"""Agent card: discovery, structure, signing, extended card and caching (digest §2.1 to §2.4)."""

from __future__ import annotations

from ..registry import Requirement
from ._common import BOTH, MAY, MUST, SHOULD, V03, V10, req

__all__ = ["RECORDS"]

# fmt: off
_DISCOVERY = (
    req("CARD-1", BOTH, "v1.0 §8.1; v0.3 §5.1", MUST,
        "The agent makes an Agent Card available.", "card"),
    req("CARD-2", BOTH, "v1.0 §8.2; v1.0 §14.3; v0.3 §5.3", MUST,
        "The well-known URI /.well-known/agent-card.json (RFC 8615) returns the agent's "
        "AgentCard.", "card"),
    req("CARD-2b", BOTH, "v1.0 §14.3; v0.3 §5.3", SHOULD,
        "The card is served at the current path /.well-known/agent-card.json, not only at the "
        "legacy v0.2 path /.well-known/agent.json.", "card"),
    req("CARD-3", V10, "v1.0 §4.4.1; v1.0 §5.7", MUST,
        "The card has every REQUIRED field: name, description, supportedInterfaces, version, "
        "capabilities, defaultInputModes, defaultOutputModes and skills.", "card"),
    req("CARD-3b", V03, "v0.3 §5.5", MUST,
        "The card has every field the v0.3 schema requires: protocolVersion, name, "
        "description, url, version, capabilities, defaultInputModes, defaultOutputModes and "
        "skills.", "card"),
    req("CARD-4", V10, "v1.0 §5.7", MUST,
        "REQUIRED arrays hold at least one element (supportedInterfaces, skills, "
        "defaultInputModes, defaultOutputModes, every skill's tags).", "card"),
    req("CARD-5", V10, "v1.0 §4.4.6", MUST,
        "Every supportedInterfaces entry has url, protocolBinding and protocolVersion "
        "(tenant is optional).", "card"),
    req("CARD-6", V10, "v1.0 §8.3.1", SHOULD,
        "supportedInterfaces lists every supported binding and version combination, in "
        "preference order (the first entry is preferred).", "card"),
    req("CARD-7", V10, "v1.0 §8.3.1", MUST,
        "Each interface declares its binding and URL accurately: the declared binding "
        "answers at the declared URL.", "card", "bindings"),
    req("CARD-7b", V10, "v1.0 §8.3.1", MAY,
        "Several interfaces may share one URL when that endpoint serves several bindings.",
        "card", "bindings"),
    req("CARD-8", BOTH, "v1.0 §5.2; v1.0 §8.3; v0.3 §3.4.2; v0.3 §11.1.1", MUST,
        "The card declares every protocol binding the agent supports.", "card", "bindings"),
    req("CARD-9", V03, "v0.3 §5.6.1; v0.3 §5.6.4", MUST,
        "The main url serves the transport named in preferredTransport.", "card",
        "bindings"),
    req("CARD-9b", V03, "v0.3 §5.6.2; v0.3 §5.6.4", SHOULD,
        "When additionalInterfaces is present it includes an entry for the main url and "
        "preferredTransport.", "card", "bindings"),
    req("CARD-9c", V03, "v0.3 §5.6.4", MUST,
        "One URL never declares conflicting transports across the card's interface "
        "declarations.", "card", "bindings"),
    req("CARD-9d", V03, "v0.3 §5.6.4", MUST,
        "The card declares at least one transport, through url/preferredTransport or "
        "additionalInterfaces.", "card", "bindings"),
    req("CARD-9e", V03, "v0.3 §5.5.5", SHOULD,
        "Interface transports use a core value (JSONRPC, GRPC, HTTP+JSON) unless they name a "
        "transport extension.", "card", "bindings"),
    req("CARD-10", V10, "v1.0 §5.8", SHOULD,
        "A custom protocolBinding (not JSONRPC, GRPC or HTTP+JSON) is identified by a URI.",
        "card", "bindings"),
    req("CARD-10b", V10, "v1.0 §5.8", MUST,
        "A breaking change to a custom binding gets a new binding URI.", "card", "bindings"),
    req("CARD-11", BOTH, "v1.0 §4.4.6; v1.0 §7.1; v0.3 §4.1; v0.3 §5.6.1", MUST,
        "Interface URLs are absolute, and use HTTPS in production (loopback test deployments "
        "excepted).", "card", "security"),
    req("CARD-12", BOTH, "v1.0 §4.4.5; v0.3 §5.5.4", MUST,
        "Every skill has id, name, description and tags.", "card"),
    req("CARD-12b", BOTH, "v1.0 §4.4.5; v0.3 §5.5.4", SHOULD,
        "Skill ids are unique within the card.", "card"),
    req("CARD-13", BOTH, "v1.0 §4.4.2; v0.3 §5.5.1", MUST,
        "A provider, when given, has url and organization.", "card"),
    req("CARD-14", BOTH, "v1.0 §4.4.3; v0.3 §5.5.2; v1.0 §A.2.2", MUST,
        "capabilities is an object of boolean flags (streaming, pushNotifications; v1.0 "
        "extendedAgentCard, v0.3 stateTransitionHistory) and an extensions list; v0.3 puts "
        "the extended-card flag at the top level (supportsAuthenticatedExtendedCard).",
        "card"),
    req("CARD-15", BOTH, "v1.0 §4.5.1; v0.3 §5.5.3", MUST,
        "securitySchemes maps names to well-formed schemes (v1.0: one of the apiKey, "
        "httpAuth, oauth2, openIdConnect, mtls wrappers; v0.3: OpenAPI style with type).",
        "card", "auth"),
    req("CARD-15b", BOTH, "v1.0 §4.4.1; v1.0 §4.4.5; v0.3 §5.5", MUST,
        "Security requirements are well-formed (v1.0 securityRequirements "
        "[{schemes: {name: {list: [scopes]}}}]; v0.3 security [{name: [scopes]}]).",
        "card", "auth"),
    req("CARD-15c", BOTH, "v1.0 §4.4.1; v0.3 §5.5", SHOULD,
        "Every scheme named in the card's or a skill's security requirements is declared in "
        "securitySchemes.", "card", "auth"),
    req("CARD-16", BOTH, "v1.0 §4.5.7; v0.3 §5.5.3", MUST,
        "OAuth2 flows are well-formed (v1.0: exactly one of authorizationCode, "
        "clientCredentials, deviceCode, implicit, password; each with its required URLs and "
        "scopes).", "card", "auth"),
    req("CARD-16b", V10, "v1.0 §4.5.7", SHOULD,
        "The deprecated implicit and password OAuth flows are not offered (use authorization "
        "code with PKCE, or device code).", "card", "auth"),
    req("CARD-17", V03, "v0.3 §5.4", MUST,
        "A card that carries sensitive information is served only behind access control.",
        "card", "security"),
    req("CARD-17b", BOTH, "v1.0 §14.3; v0.3 §5.4", SHOULD,
        "The card carries no plaintext secrets or credentials (such as static API keys).",
        "card", "security"),
    req("CARD-18", V10, "v1.0 §5.7", SHOULD,
        "The agent ignores unrecognized fields in requests (forward compatibility) instead "
        "of rejecting them.", "card", "messaging"),
)
# fmt: on

# fmt: off
_SIGNING = (
    req("SIG-1", BOTH, "v1.0 §8.4; v1.0 §14.3; v0.3 §5.5.6", MAY,
        "The card may carry JWS signatures (RFC 7515) in signatures[].", "card", "signing"),
    req("SIG-1b", BOTH, "v1.0 §4.4.7; v1.0 §8.4.2; v0.3 §5.5.6", MUST,
        "Each signature has a base64url protected header and a base64url signature, plus an "
        "optional unprotected header object.", "card", "signing"),
    req("SIG-2", V10, "v1.0 §8.4.1", MUST,
        "The signed payload is the card canonicalized with JCS (RFC 8785).", "card",
        "signing"),
    req("SIG-3", V10, "v1.0 §8.4.1; v1.0 §5.7", MUST,
        "Before canonicalization, unset optional fields are omitted, explicitly set optional "
        "fields and REQUIRED fields are kept, and other default-valued fields are dropped.",
        "card", "signing"),
    req("SIG-4", V10, "v1.0 §8.4.1", MUST,
        "The signatures field itself is excluded from the signed content.", "card",
        "signing"),
    req("SIG-5", V10, "v1.0 §8.4.2", MUST,
        "The protected header includes alg and kid.", "card", "signing"),
    req("SIG-5b", V10, "v1.0 §8.4.2", SHOULD,
        "The protected header's typ is \"JOSE\".", "card", "signing"),
    req("SIG-5c", V10, "v1.0 §8.4.2", MAY,
        "The protected header may carry jku, the URL of the JWKS holding the key.", "card",
        "signing"),
    req("SIG-6", V10, "v1.0 §8.4.2", MUST,
        "The signature covers BASE64URL(protected) '.' BASE64URL(canonical card); the "
        "payload is detached and not transmitted.", "card", "signing"),
    req("SIG-7", V10, "v1.0 §8.4.3", MUST,
        "Each signature verifies after the verifier drops default-valued properties and "
        "signatures, applies RFC 8785 and fetches the key by kid/jku.", "card", "signing"),
    req("SIG-8", V10, "v1.0 §8.4.3; v1.0 §14.3", SHOULD,
        "At least one signature of a signed card verifies (clients should verify before "
        "trusting the card).", "card", "signing"),
    req("SIG-8b", V10, "v1.0 §8.4.3", SHOULD,
        "Signing keys are published over HTTPS (a jku URL uses https).", "card", "signing",
        "security"),
    req("SIG-8c", V10, "v1.0 §8.4.3", MUST,
        "No signature relies on an expired or revoked key.", "card", "signing"),
    req("SIG-8d", V10, "v1.0 §8.4.3", MAY,
        "Several signatures may be present, for key rotation.", "card", "signing"),
    req("SIG-9", V10, "v1.0 §8.4.1", SHOULD,
        "Signatures verify under strict RFC 8785, not only under the a2a-python SDK's variant "
        "(which drops empty values and escapes non-ASCII); a compatible-only match is a "
        "warning.", "card", "signing"),
)
# fmt: on

# fmt: off
_EXTENDED_CARD = (
    req("EXT-1", BOTH, "v1.0 §3.1.11; v0.3 §7.10", MUST,
        "When the card declares an extended card (v1.0 capabilities.extendedAgentCard, v0.3 "
        "supportsAuthenticatedExtendedCard), the extended-card operation returns an "
        "AgentCard.", "extended-card", "card"),
    req("EXT-2", BOTH, "v1.0 §3.1.11; v1.0 §13.3; v0.3 §7.10", MUST,
        "The extended card is returned only to requests authenticated with a scheme the "
        "public card declares.", "extended-card", "auth"),
    req("EXT-3", V10, "v1.0 §3.3.4; v1.0 §13.3", MUST,
        "Without the extendedAgentCard capability, GetExtendedAgentCard fails with "
        "UnsupportedOperationError (-32004).", "extended-card", "errors"),
    req("EXT-3b", V10, "v1.0 §3.3.4; v1.0 §13.3", MUST,
        "With the capability declared but no extended card configured, the operation fails "
        "with ExtendedAgentCardNotConfiguredError (-32007).", "extended-card", "errors"),
    req("EXT-3c", V03, "v0.3 §8.2", SHOULD,
        "With no extended card configured, agent/getAuthenticatedExtendedCard fails with "
        "AuthenticatedExtendedCardNotConfiguredError (-32007).", "extended-card", "errors"),
    req("EXT-4", V03, "v0.3 §7.10", SHOULD,
        "A 401 answer to an unauthenticated extended-card request carries WWW-Authenticate.",
        "extended-card", "auth"),
    req("EXT-5", BOTH, "v1.0 §3.1.11; v1.0 §13.3; v0.3 §7.10", SHOULD,
        "Clients replace their cached public card with the extended card for the "
        "authenticated session.", "extended-card", "client"),
    req("EXT-6", V10, "v1.0 §13.3", SHOULD,
        "The extended card leaks no internal service URLs or unmasked credentials.",
        "extended-card", "security"),
    req("EXT-6b", V10, "v1.0 §13.3", MUST,
        "The agent checks the caller's permissions before returning privileged information "
        "in the extended card.", "extended-card", "authz"),
    req("EXT-7", BOTH, "v1.0 §5.3; v1.0 §9.4.8; v1.0 §11.3.4; v0.3 §7.10; v0.3 §3.5.6", MUST,
        "The extended card is served where the binding says: v1.0 GetExtendedAgentCard / "
        "GET /extendedAgentCard; v0.3 agent/getAuthenticatedExtendedCard / GET /v1/card.",
        "extended-card", "bindings"),
    req("EXT-8", V10, "v1.0 §13.3", SHOULD,
        "Extended card responses carry caching headers suited to per-client content.",
        "extended-card", "caching"),
    req("EXT-9", V10, "v1.0 §3.1.11; v1.0 §13.3", MAY,
        "The extended card may differ by caller (extra skills, capabilities or "
        "configuration).", "extended-card"),
)
# fmt: on

# fmt: off
_CACHING = (
    req("CACHE-1", V10, "v1.0 §8.6.1", SHOULD,
        "The card response carries Cache-Control with a max-age directive.", "caching",
        "card"),
    req("CACHE-2", V10, "v1.0 §8.6.1", SHOULD,
        "The card response carries an ETag derived from the card's version or content.",
        "caching", "card"),
    req("CACHE-3", V10, "v1.0 §8.6.1", MAY,
        "The card response may carry Last-Modified.", "caching", "card"),
    req("CACHE-4", V10, "v1.0 §8.6; v1.0 §8.6.2", SHOULD,
        "A conditional card request (If-None-Match with the current ETag) is answered 304 "
        "Not Modified, as standard HTTP caching requires.", "caching", "card"),
    req("CACHE-5", V10, "v1.0 §8.6.2", SHOULD,
        "Clients honour HTTP caching (RFC 9111) and revalidate an expired card with a "
        "conditional request.", "caching", "client"),
)
# fmt: on

RECORDS: tuple[Requirement, ...] = _DISCOVERY + _SIGNING + _EXTENDED_CARD + _CACHING
