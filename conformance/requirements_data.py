"""The bundled requirement records: every checkable MUST/SHOULD/MAY of the A2A digest.

``REQUIREMENTS`` is what :func:`conformance.registry.default_registry` loads. Ids keep the
digest's (``/work/shared/spec/A2A-REQUIREMENTS.md``) where it has them; when one digest row
holds several rules, the plain id is the main rule and ``b``, ``c``… suffixes the others.
Bulleted rules have area prefixes:

======== ================================================================
prefix   area
======== ================================================================
CARD     agent card discovery and structure
SIG      agent card signing (JWS + RFC 8785)
EXT      authenticated / extended agent card
CACHE    agent card HTTP caching
EXTN     extensions
OP       core operations
GATE     capability gating (declared or not, the behaviour must match)
CTX      contextId and taskId semantics
HIST     historyLength
STATE    task states and transitions
OBJ      shapes of Task, Message, Part, Artifact, events, results
SER, TS  JSON serialization and timestamps
STREAM   streaming (SSE) delivery
PUSH     push notifications
VER      versioning and service parameters
ERR      errors and their mapping per binding
RPC      JSON-RPC envelope
REST     HTTP+JSON binding
GRPC     gRPC binding
BIND     equivalence between bindings
TENANT   multi-tenancy
AUTH     authentication, authorization, transport security
SEC      input hardening
ROBUST   robustness under fuzzed and hostile input
IDEM     idempotency
MULTI    consistency across instances behind a load balancer
AMBIG    spec contradictions: graded WARNING, never FAIL
======== ================================================================

The tag vocabulary is :data:`TAGS`; ``python -m conformance._registry_doc`` renders the whole
registry as ``docs/requirements.md``.
"""

from __future__ import annotations

from ._requirements import ambiguities, bindings, card, delivery, model, operations, security
from ._requirements._common import TAGS
from .registry import Requirement

__all__ = ["REQUIREMENTS", "TAGS"]

REQUIREMENTS: tuple[Requirement, ...] = (
    card.RECORDS
    + operations.RECORDS
    + model.RECORDS
    + delivery.RECORDS
    + bindings.RECORDS
    + security.RECORDS
    + ambiguities.RECORDS
)
