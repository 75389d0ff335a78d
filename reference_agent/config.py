"""Settings of one reference-agent process, filled by the CLI (``a2a-harness serve``)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["AgentSettings"]


@dataclass(slots=True)
class AgentSettings:
    """Everything that changes how the agent behaves. Defaults are safe for local use.

    Capability switches exist so that one binary can show both sides of the spec's capability
    gating (v1.0 §3.3.4): with ``streaming=False`` the card says so and the streaming methods
    answer UnsupportedOperationError.
    """

    host: str = "127.0.0.1"
    port: int = 9999
    public_url: str | None = None  # the URL the card advertises; default http://host:port/
    log_level: str = "info"
    name: str = "a2a-harness reference agent"

    # Capabilities advertised in the card and enforced by the service.
    streaming: bool = True
    push_notifications: bool = True
    extended_card: bool = True
    required_extensions: list[str] = field(default_factory=list)

    # Task store.
    store_url: str = "memory://"
    task_ttl_seconds: float = 3600.0  # terminal tasks are evicted this long after they end
    max_tasks: int = 100_000  # memory store bound; the oldest terminal tasks go first
    task_timeout_seconds: float = 300.0  # a non-terminal task is FAILED after this long
    # Redis store: a dead instance's running tasks are FAILED within about this long (+1/3).
    lease_ttl_seconds: float = 5.0

    # Limits (answered with clear JSON-RPC errors, never a 500).
    max_body_bytes: int = 4 * 1024 * 1024
    max_parts_per_message: int = 64
    max_message_bytes: int = 1 * 1024 * 1024

    # Push notifications.
    allow_private_webhooks: bool = False
    push_timeout_seconds: float = 10.0
    push_max_attempts: int = 4
    push_backoff_seconds: float = 0.2

    # Streaming keep-alive comment interval (0 disables).
    keepalive_seconds: float = 15.0

    # Graceful shutdown: how long in-flight tasks get to finish before they are failed.
    shutdown_grace_seconds: float = 5.0

    # Authentication (issue 5). ``auth_mode`` "none" keeps the middleware out of the chain.
    auth_mode: str = "none"  # none | jwt | api-key
    auth_jwks_url: str | None = None
    auth_jwt_key_path: str | None = None  # PEM public key (or private key: its public half)
    auth_issuer: str | None = None
    auth_audience: str | None = None
    auth_leeway_seconds: float = 30.0
    auth_jwks_ttl_seconds: float = 300.0
    auth_jwks_min_refresh_seconds: float = 30.0
    auth_api_key_file: str | None = None

    # Card signing (v1.0 §8.4): one signature per key; kids pair with keys in order.
    card_signing_keys: list[str] = field(default_factory=list)
    card_signing_kids: list[str] = field(default_factory=list)
    card_jku: str | None = None

    @property
    def auth_enabled(self) -> bool:
        """True when requests must carry credentials (``--auth jwt|api-key``)."""
        return self.auth_mode != "none"

    @property
    def base_url(self) -> str:
        """The public base URL, always ending with ``/``."""
        url = self.public_url or f"http://{self.host}:{self.port}/"
        return url if url.endswith("/") else url + "/"
