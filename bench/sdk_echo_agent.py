"""An echo agent built with the official ``a2a-sdk`` 1.x: the bench's "typical implementation".

It does what the reference agent's ``echo`` behaviour does (a Task: WORKING, one ``echo``
artifact with the input text, COMPLETED) through the SDK's own server stack (Starlette routes,
``DefaultRequestHandler``, ``InMemoryTaskStore``), served by the same uvicorn + httptools + uvloop
as the other contenders. JSON-RPC v1.0 at ``/`` (send ``A2A-Version: 1.0``), card at
``/.well-known/agent-card.json``.

Installed only in the ``bench`` tox environment: the project never depends on ``a2a-sdk`` at run
time. Usage::

    python bench/sdk_echo_agent.py --port 8001     # one uvicorn worker, like the agent
"""

from __future__ import annotations

import argparse

import uvicorn
from a2a.helpers import get_message_text, new_task_from_user_message, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill
from starlette.applications import Starlette


class EchoExecutor(AgentExecutor):
    """Completes every task with one artifact echoing the user's text."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        message = context.message
        assert message is not None  # the SDK always passes the request's message to execute()
        task = context.current_task
        if task is None:
            task = new_task_from_user_message(message)
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work()
        await updater.add_artifact([new_text_part(get_message_text(message))], name="echo")
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        if context.task_id and context.context_id:
            await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


def agent_card(url: str) -> AgentCard:
    """The card this agent serves (v1.0 JSON-RPC interface only)."""
    return AgentCard(
        name="a2a-sdk echo agent (bench)",
        description="Echoes the user's text; the a2a-sdk contender in a2a-harness's benchmark.",
        version="1.0.0",
        supported_interfaces=[
            AgentInterface(url=url, protocol_binding="JSONRPC", protocol_version="1.0")
        ],
        capabilities=AgentCapabilities(streaming=True),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[AgentSkill(id="echo", name="echo", description="echo the text", tags=["echo"])],
    )


def build_app(url: str) -> Starlette:
    """The Starlette app: card route and the JSON-RPC route at ``/``."""
    card = agent_card(url)
    handler = DefaultRequestHandler(
        agent_executor=EchoExecutor(), task_store=InMemoryTaskStore(), agent_card=card
    )
    return Starlette(routes=[*create_agent_card_routes(card), *create_jsonrpc_routes(handler, "/")])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    url = f"http://{args.host}:{args.port}/"
    uvicorn.run(
        build_app(url),
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        ws="none",
        server_header=False,  # as the reference agent: same response headers on all sides
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
