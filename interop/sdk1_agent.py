"""An A2A v1.0 agent built on the official ``a2a-sdk`` 1.x, for the interop run.

As capable as the SDK makes easy: JSON-RPC at ``/`` (send ``A2A-Version: 1.0``) and, through
the SDK's v0.3 compatibility layer, v0.3 JSON-RPC at the same URL (dual-stack); streaming, push
notifications (the SDK's in-memory config store and its sender), an extended card, card at
``/.well-known/agent-card.json`` carrying the real URL and a ``Cache-Control`` max-age.
``--profile bare`` is the SDK's defaults: v1.0 only, no optional capability declared (to judge
the SDK's gating), no ``Cache-Control``. Its executor follows the reference
agent's behaviour contract (``docs/behaviour-contract.md``: echo, complete, message,
input-required, auth-required, fail, reject, slow, stream, data, file) so the conformance suite's
cooperative probes find the behaviours they look for.

Installed only in the ``interop`` tox environment: the project never depends on ``a2a-sdk`` at
run time. Usage::

    python interop/sdk1_agent.py --port 0   # prints INTEROP_AGENT_LISTENING <url> once serving
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from _contract import BEHAVIOURS, Plan, choose
from _serve import parse_args, serve
from a2a.helpers import (
    get_message_text,
    new_data_part,
    new_raw_part,
    new_task,
    new_text_message,
    new_text_part,
    new_url_part,
)
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import (
    BasePushNotificationSender,
    InMemoryPushNotificationConfigStore,
    InMemoryTaskStore,
    TaskUpdater,
)
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentProvider,
    AgentSkill,
    Message,
    Part,
    TaskState,
)
from google.protobuf.json_format import MessageToDict
from starlette.applications import Starlette

_PAUSED = (TaskState.TASK_STATE_INPUT_REQUIRED, TaskState.TASK_STATE_AUTH_REQUIRED)
_PUSH_TIMEOUT = httpx.Timeout(10.0)


class ContractExecutor(AgentExecutor):
    """Turns each user message into the events of its behaviour (see ``_contract.choose``)."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        if message is None or context.task_id is None or context.context_id is None:
            return  # the SDK always sets them for SendMessage; nothing to do otherwise
        task_id, context_id = context.task_id, context.context_id
        current = context.current_task
        if current is not None and current.status.state in _PAUSED:
            # The follow-up resumes the paused task, whatever its text says.
            updater = TaskUpdater(event_queue, task_id, context_id)
            await updater.start_work()
            await updater.add_artifact(list(message.parts), name="echo")
            await updater.complete()
            return
        metadata = MessageToDict(message.metadata) if message.HasField("metadata") else None
        text = get_message_text(message)
        plan = choose(metadata, message.message_id, text)
        if plan.behaviour == "message":
            await event_queue.enqueue_event(
                new_text_message(f"message: {text}", context_id=context_id)
            )
            return
        if current is None:
            await event_queue.enqueue_event(
                new_task(task_id, context_id, TaskState.TASK_STATE_SUBMITTED, history=[message])
            )
        await _run(plan, message, text, TaskUpdater(event_queue, task_id, context_id))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        # The SDK has already cancelled execute(); only the final state is left to publish.
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
    if name == "input-required":
        await updater.requires_input(_say(updater, "input required: send a follow-up message"))
    elif name == "auth-required":
        await updater.requires_auth(_say(updater, "authorization required: send a follow-up"))
    elif name == "fail":
        await updater.failed(_say(updater, "failed: this agent was asked to fail the task"))
    elif name == "slow":
        await asyncio.sleep(plan.args[0])  # the behaviour itself: stay WORKING that long
        await updater.complete()
    elif name in ("stream", "complete"):
        count = plan.count
        for i in range(count):
            await updater.add_artifact(
                [new_text_part(f"chunk {i + 1} of {count}")],
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
        return [new_data_part({"echo": text})]
    if name == "file":
        return [
            new_raw_part(text.encode(), media_type="text/plain", filename="echo.txt"),
            new_url_part("https://example.com/echo.txt", media_type="text/plain"),
        ]
    return list(message.parts)  # echo: the input parts as sent


def _say(updater: TaskUpdater, text: str) -> Message:
    return updater.new_agent_message([new_text_part(text)])


def agent_card(url: str, full: bool = True, extended: bool = False) -> AgentCard:
    """The card: JSON-RPC interfaces at ``url`` and a skill per behaviour.

    ``full`` declares v1.0 and v0.3, streaming, push notifications and an extended card;
    otherwise v1.0 only and none of them. ``extended`` is the extended card itself.
    """
    return AgentCard(
        name="a2a-sdk 1.x interop agent" + (" (extended card)" if extended else ""),
        description="Follows a2a-harness's behaviour contract; built on the official a2a-sdk 1.x.",
        version="1.0.0",
        provider=AgentProvider(organization="a2a-harness", url="https://example.com/a2a-harness"),
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version=version)
            for version in (("1.0", "0.3") if full else ("1.0",))
        ],
        capabilities=AgentCapabilities(
            streaming=full, push_notifications=full, extended_agent_card=full
        ),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain", "application/json"],
        skills=[
            AgentSkill(id=name, name=name, description=text, tags=["behaviour-contract"])
            for name, text in BEHAVIOURS.items()
        ],
    )


def build_app(url: str, full: bool = True) -> Starlette:
    """The Starlette app: card route, the JSON-RPC route at ``/``, and the push sender.

    The handler is the same in both profiles (stores, sender, extended card): the card's
    declarations change, so the ``bare`` profile judges the SDK's own capability gating.
    """
    card = agent_card(url, full)
    push_client = httpx.AsyncClient(timeout=_PUSH_TIMEOUT)
    push_store = InMemoryPushNotificationConfigStore()
    handler = DefaultRequestHandler(
        agent_executor=ContractExecutor(),
        task_store=InMemoryTaskStore(),
        agent_card=card,
        push_config_store=push_store,
        push_sender=BasePushNotificationSender(push_client, push_store),
        extended_agent_card=agent_card(url, full, extended=True),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        await push_client.aclose()

    routes = [
        *create_agent_card_routes(card, cache_control="public, max-age=300" if full else None),
        *create_jsonrpc_routes(handler, "/", enable_v0_3_compat=full),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    serve(build_app, parse_args(__doc__.splitlines()[0]))


if __name__ == "__main__":
    main()
