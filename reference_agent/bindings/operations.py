"""Operation handlers: decode with a dialect, call the service, encode the result.

This is the binding-neutral middle of every request. A binding (JSON-RPC here; HTTP+JSON and
gRPC later) only has to turn its transport into ``(operation, params dict, RequestContext)`` and
its answer back into bytes; what each operation means lives here, once.

``run_unary`` returns the encoded JSON-able result. ``open_stream`` returns the service's event
iterator after the *first* event has been produced, so that errors raised before the stream starts
(unknown task, terminal task, capability off) surface as ordinary exceptions and can be answered
as a plain JSON error, not as an SSE stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from ..dialects import Dialect, Operation
from ..model import StreamEvent, Task
from ..service import A2AService, RequestContext

__all__ = ["open_stream", "run_unary"]

_Handler = Callable[[A2AService, Dialect, dict[str, Any], RequestContext], Awaitable[Any]]


async def _send(svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext) -> Any:
    request = d.decode_send(params)
    result = await svc.send_message(request, ctx)
    if type(result) is Task:
        ctx.extra["task_id"] = result.id
    return d.encode_send_result(result)


async def _get_task(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    task_id, history_length = d.decode_get_task(params)
    ctx.extra["task_id"] = task_id
    return d.encode_task(await svc.get_task(task_id, history_length, ctx))


async def _list_tasks(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    return d.encode_list_tasks(await svc.list_tasks(d.decode_list_tasks(params), ctx))


async def _cancel(svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext) -> Any:
    task_id = d.decode_task_id(params)
    ctx.extra["task_id"] = task_id
    return d.encode_task(await svc.cancel_task(task_id, ctx))


async def _push_create(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    config = d.decode_push_create(params)
    ctx.extra["task_id"] = config.task_id
    return d.encode_push_config(await svc.create_push_config(config, ctx))


async def _push_get(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    task_id, config_id = d.decode_push_get(params)
    ctx.extra["task_id"] = task_id
    return d.encode_push_config(await svc.get_push_config(task_id, config_id, ctx))


async def _push_list(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    task_id, page_size, page_token = d.decode_push_list(params)
    ctx.extra["task_id"] = task_id
    configs, next_token = await svc.list_push_configs(task_id, page_size, page_token, ctx)
    return d.encode_push_list(configs, next_token)


async def _push_delete(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    task_id, config_id = d.decode_push_delete(params)
    ctx.extra["task_id"] = task_id
    await svc.delete_push_config(task_id, config_id, ctx)
    return d.encode_push_deleted()


async def _extended_card(
    svc: A2AService, d: Dialect, params: dict[str, Any], ctx: RequestContext
) -> Any:
    return d.encode_card(await svc.get_extended_card(ctx))


_UNARY: dict[Operation, _Handler] = {
    Operation.SEND: _send,
    Operation.GET_TASK: _get_task,
    Operation.LIST_TASKS: _list_tasks,
    Operation.CANCEL_TASK: _cancel,
    Operation.PUSH_CREATE: _push_create,
    Operation.PUSH_GET: _push_get,
    Operation.PUSH_LIST: _push_list,
    Operation.PUSH_DELETE: _push_delete,
    Operation.EXTENDED_CARD: _extended_card,
}


async def run_unary(
    service: A2AService,
    dialect: Dialect,
    operation: Operation,
    params: dict[str, Any],
    ctx: RequestContext,
) -> Any:
    """Run a non-streaming operation; returns the JSON-able result in ``dialect``'s shape."""
    return await _UNARY[operation](service, dialect, params, ctx)


async def open_stream(
    service: A2AService,
    dialect: Dialect,
    operation: Operation,
    params: dict[str, Any],
    ctx: RequestContext,
) -> tuple[StreamEvent | None, AsyncIterator[StreamEvent]]:
    """Start a streaming operation and pull its first event (``None`` for an empty stream).

    Raises whatever the service raises before the first event; the caller then closes nothing,
    because the iterator has already finished.
    """
    events: AsyncIterator[StreamEvent]
    if operation is Operation.STREAM:
        request = dialect.decode_send(params)
        events = service.send_streaming_message(request, ctx)
    else:
        task_id = dialect.decode_task_id(params)
        ctx.extra["task_id"] = task_id
        events = service.subscribe_to_task(task_id, ctx)
    try:
        first = await events.__anext__()
    except StopAsyncIteration:
        return None, events
    if type(first) is Task:
        ctx.extra["task_id"] = first.id
    return first, events
