"""An A2A v0.3 agent built on the official ``a2a-sdk`` 0.3.x, for the interop run.

The 0.3.x twin of ``sdk1_agent.py``: JSON-RPC at ``/`` (``A2AStarletteApplication``),
streaming, push notifications (the SDK's in-memory config store and its sender), the
authenticated extended card, card at ``/.well-known/agent-card.json`` with the real URL, and an
executor that follows the reference agent's behaviour contract (``docs/behaviour-contract.md``).
``--profile bare`` declares none of the optional capabilities, to judge the SDK's gating.

Runs only in the sub-venv ``interop/run.py`` creates (``a2a-sdk[http-server]>=0.3,<0.4``): the
project never depends on ``a2a-sdk`` at run time. Usage::

    .tox/interop-sdk03/bin/python interop/sdk03_agent.py --port 0
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from _contract import BEHAVIOURS, Plan, choose
from _serve import parse_args, serve
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.apps import A2AStarletteApplication
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.tasks import (
    BasePushNotificationSender,
    InMemoryPushNotificationConfigStore,
    InMemoryTaskStore,
    TaskUpdater,
)
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentProvider,
    AgentSkill,
    DataPart,
    FilePart,
    FileWithBytes,
    FileWithUri,
    Message,
    Part,
    Task,
    TaskState,
    TaskStatus,
    TextPart,
)
from a2a.utils import get_message_text, new_agent_text_message
from starlette.applications import Starlette

_PAUSED = (TaskState.input_required, TaskState.auth_required)
_PUSH_TIMEOUT = httpx.Timeout(10.0)


class ContractExecutor(AgentExecutor):
    """Turns each user message into the events of its behaviour (see ``_contract.choose``)."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        if message is None or context.task_id is None or context.context_id is None:
            return  # the SDK always sets them for message/send; nothing to do otherwise
        task_id, context_id = context.task_id, context.context_id
        current = context.current_task
        if current is not None and current.status.state in _PAUSED:
            # The follow-up resumes the paused task, whatever its text says.
            updater = TaskUpdater(event_queue, task_id, context_id)
            await updater.start_work()
            await updater.add_artifact(list(message.parts), name="echo")
            await updater.complete()
            return
        text = get_message_text(message)
        plan = choose(message.metadata, message.message_id, text)
        if plan.behaviour == "message":
            await event_queue.enqueue_event(
                new_agent_text_message(f"message: {text}", context_id=context_id)
            )
            return
        if current is None:
            status = TaskStatus(state=TaskState.submitted)
            await event_queue.enqueue_event(
                Task(id=task_id, context_id=context_id, status=status, history=[message])
            )
        await _run(plan, message, text, TaskUpdater(event_queue, task_id, context_id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        # The SDK cancels execute() right after this; only the final state is left to publish.
        if context.task_id and context.context_id:
            updater = TaskUpdater(event_queue, context.task_id, context.context_id)
            await updater.cancel(_say(updater, "canceled at the client's request"))


async def _run(plan: Plan, message: Message, text: str, updater: TaskUpdater) -> None:
    """Publish the events of one task behaviour (every one but ``message``)."""
    name = plan.behaviour
    if name == "reject":
        await updater.reject(_say(updater, "rejected: this agent was asked to reject the task"))
        return
    await updater.start_work()
    # v0.3 marks the last event of an interaction with `final`; a paused task ends it too.
    if name == "input-required":
        await updater.requires_input(
            _say(updater, "input required: send a follow-up message"), final=True
        )
    elif name == "auth-required":
        await updater.requires_auth(
            _say(updater, "authorization required: send a follow-up"), final=True
        )
    elif name == "fail":
        await updater.failed(_say(updater, "failed: this agent was asked to fail the task"))
    elif name == "slow":
        await asyncio.sleep(plan.args[0])  # the behaviour itself: stay working that long
        await updater.complete()
    elif name in ("stream", "complete"):
        count = plan.count
        for i in range(count):
            await updater.add_artifact(
                [Part(root=TextPart(text=f"chunk {i + 1} of {count}"))],
                artifact_id="result",
                name="result",
                append=i > 0,
                last_chunk=i == count - 1,
            )
            if name == "stream" and i < count - 1:
                await asyncio.sleep(plan.interval_s)
        await updater.complete(
            _say(updater, f"done: {count} chunks") if name == "complete" else None
        )
    else:
        await updater.add_artifact(_artifact_parts(name, message, text), name=name)
        await updater.complete()


def _artifact_parts(name: str, message: Message, text: str) -> list[Part]:
    if name == "data":
        return [Part(root=DataPart(data={"echo": text}))]
    if name == "file":
        raw = base64.b64encode(text.encode()).decode("ascii")
        return [
            Part(root=FilePart(file=FileWithBytes(bytes=raw, mime_type="text/plain", name="echo"))),
            Part(root=FilePart(file=FileWithUri(uri="https://example.com/echo.txt"))),
        ]
    return list(message.parts)  # echo: the input parts as sent


def _say(updater: TaskUpdater, text: str) -> Message:
    return updater.new_agent_message([Part(root=TextPart(text=text))])


def agent_card(url: str, full: bool = True, extended: bool = False) -> AgentCard:
    """The card: v0.3 JSON-RPC at ``url`` and a skill per behaviour.

    ``full`` declares streaming, push notifications and the authenticated extended card;
    otherwise none of them. ``extended`` is the extended card itself (another name).
    """
    return AgentCard(
        name="a2a-sdk 0.3.x interop agent" + (" (extended card)" if extended else ""),
        description="Follows a2a-harness's behaviour contract; built on the official a2a-sdk 0.3.x.",
        url=url,
        preferred_transport="JSONRPC",
        protocol_version="0.3.0",
        version="1.0.0",
        provider=AgentProvider(organization="a2a-harness", url="https://example.com/a2a-harness"),
        capabilities=AgentCapabilities(streaming=full, push_notifications=full),
        supports_authenticated_extended_card=full,
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain", "application/json"],
        skills=[
            AgentSkill(id=name, name=name, description=text, tags=["behaviour-contract"])
            for name, text in BEHAVIOURS.items()
        ],
    )


def build_app(url: str, full: bool = True) -> Starlette:
    """The Starlette app of ``A2AStarletteApplication``, with the push sender.

    The handler is the same in both profiles: only the card's declarations change, so the
    ``bare`` profile judges the SDK's own capability gating.
    """
    push_client = httpx.AsyncClient(timeout=_PUSH_TIMEOUT)
    push_store = InMemoryPushNotificationConfigStore()
    handler = DefaultRequestHandler(
        agent_executor=ContractExecutor(),
        task_store=InMemoryTaskStore(),
        push_config_store=push_store,
        push_sender=BasePushNotificationSender(push_client, push_store),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        await push_client.aclose()

    app = A2AStarletteApplication(
        agent_card=agent_card(url, full),
        http_handler=handler,
        extended_agent_card=agent_card(url, full, extended=True),
    )
    return app.build(lifespan=lifespan)


def main() -> None:
    serve(build_app, parse_args(__doc__.splitlines()[0]))


if __name__ == "__main__":
    main()
