"""Server-Sent Events over raw ASGI (v1.0 §9.4.2, §11.7; v0.3 §3.3).

One ``data:`` line holds one JSON object per event, each event is flushed on its own ASGI
``http.response.body`` message (uvicorn writes it to the socket at once), and the response carries
``Content-Type: text/event-stream``, ``Cache-Control: no-cache`` and ``X-Accel-Buffering: no`` so
that proxies such as nginx do not hold events back.

:func:`stream_events` owns the life of one stream:

* it sends the first event (already produced by the service) right after the headers;
* it forwards every further event in generation order;
* it writes a ``: keep-alive`` comment when nothing happened for ``keepalive`` seconds;
* it stops when the iterator ends, when the client disconnects (``http.disconnect``) or when the
  app is closing (graceful shutdown), and always closes the iterator so the subscription behind
  it is released;
* an error after the first event becomes one last event carrying a JSON-RPC error, then the
  stream ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from .errors import A2AError, InternalError

__all__ = ["KEEPALIVE_FRAME", "SSE_HEADERS", "stream_events"]

logger = logging.getLogger("reference_agent.sse")

SSE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
)
KEEPALIVE_FRAME = b": keep-alive\n\n"

Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


async def _until_disconnect(receive: Receive) -> None:
    # The request body has been read already, so the next message is the disconnect.
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def stream_events(
    *,
    send: Send,
    receive: Receive,
    first: bytes | None,
    events: AsyncIterator[Any],
    frame: Callable[[Any], bytes],
    error_frame: Callable[[A2AError], bytes],
    keepalive: float,
    closing: asyncio.Event | None = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> int:
    """Serve one SSE response; returns the number of events sent (``first`` included).

    ``frame`` turns an event into a complete ``data: …\\n\\n`` frame; ``error_frame`` does the
    same for an error that happens mid-stream.
    """
    sent = 0
    await send({"type": "http.response.start", "status": 200, "headers": [*SSE_HEADERS, *headers]})
    if first is not None:
        await send({"type": "http.response.body", "body": first, "more_body": True})
        sent = 1

    disconnect = asyncio.ensure_future(_until_disconnect(receive))
    watchers: set[asyncio.Future[Any]] = {disconnect}
    if closing is not None:
        closing_wait = asyncio.ensure_future(closing.wait())
        watchers.add(closing_wait)
    pending: asyncio.Future[Any] | None = None
    client_gone = False
    timeout = keepalive if keepalive > 0 else None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(events.__anext__())
            done, _ = await asyncio.wait(
                {pending, *watchers}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if pending in done:
                task, pending = pending, None
                try:
                    event = task.result()
                except StopAsyncIteration:
                    break
                except A2AError as exc:
                    await send(
                        {"type": "http.response.body", "body": error_frame(exc), "more_body": True}
                    )
                    break
                except Exception:
                    logger.exception("stream failed after %d events", sent)
                    await send(
                        {
                            "type": "http.response.body",
                            "body": error_frame(InternalError()),
                            "more_body": True,
                        }
                    )
                    break
                await send({"type": "http.response.body", "body": frame(event), "more_body": True})
                sent += 1
                continue
            if disconnect in done:
                client_gone = True
                break
            if done:  # the app is closing: end the stream instead of blocking shutdown
                break
            await send({"type": "http.response.body", "body": KEEPALIVE_FRAME, "more_body": True})
        if not client_gone:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        for watcher in watchers:
            watcher.cancel()
        if pending is not None:
            pending.cancel()
            # Let the cancellation reach the generator before closing it (aclose() on a running
            # generator raises).
            await asyncio.wait({pending})
            if not pending.cancelled():
                pending.exception()  # retrieved, so asyncio does not log it as lost
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            try:
                await aclose()
            except Exception:  # a generator that fails while closing must not fail the response
                logger.exception("closing the event iterator failed")
    return sent
