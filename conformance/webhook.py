"""The suite's push-notification receiver: where agents under test POST their webhooks.

One receiver per run (:class:`fixtures.webhook_receiver.WebhookReceiver`, a real HTTP server in
a thread), started on first use on ``--a2a-webhook-host``/``--a2a-webhook-port``. Agents that
cannot reach that address (a deployed agent and a harness on a laptop) get the public base URL
given by ``--a2a-webhook-url`` (a tunnel or ingress that forwards to the receiver) instead.

Each check asks for its own :class:`Endpoint`: a fresh path, token and credentials, so the
notifications of one check never count for another, and waits for them with a bound. The
receiver records at most :data:`MAX_NOTIFICATIONS` POSTs; past that it answers 429 and counts
the rest, so an agent flooding its webhook cannot exhaust the harness's memory.

Example::

    webhooks = Webhooks.start(options)
    endpoint = webhooks.endpoint()
    ...  # register endpoint.url with the agent
    notes = webhooks.wait(endpoint, until=lambda got: any(is_final(n) for n in got), timeout=10)
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from fixtures.webhook_receiver import Notification, WebhookReceiver

from .evidence import Evidence, Exchange, Redactor, clip_body
from .grading import HarnessError

__all__ = ["MAX_NOTIFICATIONS", "Endpoint", "FloodedError", "Webhooks"]

MAX_NOTIFICATIONS = 2000
FLOOD_PER_ENDPOINT = 200  # more POSTs than any sane task produces for one short check


class FloodedError(HarnessError):
    """The agent sent more notifications than the receiver records: the check cannot judge
    (graded ERROR, with the counts)."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One check's webhook: where the agent POSTs and the secrets it must present."""

    path: str  # "/a2a-harness/<hex>"
    url: str  # the URL given to the agent
    token: str
    scheme: str
    credentials: str

    @property
    def authorization(self) -> str:
        """The ``Authorization`` value a v1.0 agent must send (§4.3.3)."""
        return f"{self.scheme} {self.credentials}"


class Webhooks:
    """The run's receiver and the endpoints handed out to checks."""

    def __init__(self, receiver: WebhookReceiver, public_url: str | None) -> None:
        self.receiver = receiver
        self.public_url = public_url

    @classmethod
    def start(
        cls,
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        *,
        max_notifications: int = MAX_NOTIFICATIONS,
    ) -> Webhooks:
        """Bind and start the receiver (raises OSError with the address when it cannot)."""
        receiver = WebhookReceiver(host=host, port=port, max_notifications=max_notifications)
        receiver.start()
        return cls(receiver, public_url)

    def stop(self) -> None:
        self.receiver.stop()

    @property
    def base_url(self) -> str:
        """The base URL agents are told to use (public URL, else the receiver's own)."""
        return self.public_url or self.receiver.url

    def endpoint(self) -> Endpoint:
        """A fresh path and fresh secrets for one check."""
        name = secrets.token_hex(8)
        return Endpoint(
            path=f"/a2a-harness/{name}",
            url=f"{self.base_url}a2a-harness/{name}",
            token=f"a2a-harness-token-{secrets.token_hex(12)}",
            scheme="Bearer",
            credentials=f"a2a-harness-credentials-{secrets.token_hex(12)}",
        )

    def received(self, endpoint: Endpoint) -> list[Notification]:
        """What arrived for ``endpoint`` so far, in arrival order."""
        return self.receiver.matching(path=endpoint.path)

    def wait(
        self,
        endpoint: Endpoint,
        until: Callable[[list[Notification]], bool],
        *,
        timeout: float,
    ) -> list[Notification]:
        """Wait (event-driven, bounded) until ``until(received)`` holds; returns what arrived.

        Returns on timeout too (the caller judges what it got). Raises :class:`FloodedError`
        when the endpoint got more than :data:`FLOOD_PER_ENDPOINT` notifications or the
        receiver is full.
        """
        receiver = self.receiver

        def done(got: list[Notification]) -> bool:
            # Runs under the receiver's lock: the counts in the message are consistent.
            if len(got) > FLOOD_PER_ENDPOINT or receiver.dropped:
                raise FloodedError(
                    f"webhook flood: {len(got)} notification(s) on this check's endpoint "
                    f"(more than {FLOOD_PER_ENDPOINT} is a flood); the receiver holds at most "
                    f"{receiver.max_notifications} and refused {receiver.dropped} "
                    "more with HTTP 429: the notifications cannot be judged"
                )
            return until(got)

        return receiver.wait_until(done, path=endpoint.path, timeout=timeout)

    def unreachable_reason(self, agent_url: str) -> str | None:
        """Why an agent at ``agent_url`` cannot reach the receiver, or None when it may.

        A loopback or private receiver address is only reachable by an agent on the same
        machine or network; without ``--a2a-webhook-url`` a remote agent would never deliver,
        and that is the harness's setup, not the agent's fault.
        """
        if self.public_url:
            return None
        agent_host = urlsplit(agent_url).hostname or ""
        receiver_host = self.receiver.host
        if _is_local(agent_host) or not _is_local(receiver_host):
            return None
        return (
            f"the agent at {agent_host} cannot reach the webhook receiver on "
            f"{receiver_host}; pass --a2a-webhook-url with a public URL that forwards to "
            f"--a2a-webhook-host/--a2a-webhook-port"
        )


def _is_local(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def record_notifications(
    evidence: Evidence | None, endpoint: Endpoint, notes: list[Notification], redactor: Redactor
) -> None:
    """Add the received notifications to a check's evidence (credentials redacted)."""
    if evidence is None:
        return
    for note in notes:
        evidence.add(
            Exchange(
                method="POST",
                url=endpoint.url,
                request_headers=redactor.headers(note.headers),
                request_body=redactor.text(clip_body(note.body)),
                status=note.status,
                curl="(a push notification the agent sent to the harness's webhook receiver)",
            )
        )
