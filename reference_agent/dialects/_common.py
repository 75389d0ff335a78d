"""Pieces both dialects share: webhook URL validation and webhook request headers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..model import PushConfig
from ._fields import fail, req_str

__all__ = ["decode_push_url", "push_headers"]


def decode_push_url(obj: dict[str, Any], path: str) -> str:
    """The required ``url`` of a push config: an absolute ``http``/``https`` URL.

    Whether the host may be private or loopback is the push sender's SSRF guard's decision; this
    only refuses what could never be a webhook.
    """
    url = req_str(obj, "url", path)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not host
        or any(c.isspace() for c in url)
    ):
        raise fail(f"{path}.url", f"expected an absolute http(s) URL, got {url[:200]!r}")
    return url


def push_headers(config: PushConfig, content_type: str) -> dict[str, str]:
    """Headers of a webhook POST for ``config``.

    ``Authorization: {scheme} {credentials}`` (v1.0 §4.3.3; v0.3 uses the first of its
    ``schemes``) when the config has authentication; the config's ``token`` doubles as the
    credentials when none are given. The token also travels in ``X-A2A-Notification-Token`` (the
    v0.3 topic doc's header, which v1.0 receivers built on the SDK read as well).
    """
    headers = {"Content-Type": content_type}
    auth = config.authentication
    if auth is not None and auth.schemes:
        credentials = auth.credentials or config.token
        if credentials:
            headers["Authorization"] = f"{auth.schemes[0]} {credentials}"
    if config.token:
        headers["X-A2A-Notification-Token"] = config.token
    return headers
