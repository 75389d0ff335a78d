"""``TaskService``: the reference agent's implementation of :class:`service.A2AService`.

Choices where the spec leaves room (each documented where it is made):

* **Streams end** after a terminal *or* interrupted state (v1.0 §11.7, and v0.3 ``final``), in
  both versions. A subscription to a task that is already interrupted yields the Task and ends.
* **Cancel of a terminal task**, an already CANCELED one included, is TaskNotCancelableError
  (§3.1.5 lists "already … canceled" as not cancelable; the state does not change, which keeps
  the operation idempotent in effect, §3.3.1).
* **Unknown push config** (Get): TaskNotFoundError, as §3.1.8 specifies for "the push
  notification configuration does not exist". Delete of an unknown config succeeds.
* **Required extensions** are enforced on every operation except GetExtendedAgentCard (a client
  may need the card to learn about the extension).
* **Scoping**: a caller sees only tasks created under the same principal and tenant; anything
  else is TaskNotFoundError (no "exists but forbidden" distinction, §3.3.2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

from .behaviours import Invocation, resume_invocation, select_behaviour
from .config import AgentSettings
from .errors import (
    ExtendedAgentCardNotConfiguredError,
    ExtensionSupportRequiredError,
    InvalidParamsError,
    PushNotificationNotSupportedError,
    ServiceUnavailableError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from .executor import Executor
from .model import (
    ListTasksQuery,
    ListTasksResult,
    Message,
    PushConfig,
    SendMessageRequest,
    StatusUpdate,
    StreamEvent,
    Task,
    TaskState,
    TaskStatus,
)
from .push import PushEncoder, PushSender
from .service import RequestContext
from .stamps import new_id, now_timestamp
from .state_machine import IllegalTransitionError
from .store.base import PushRegistration, StateConflictError, TaskScope, TaskStore
from .task_manager import TaskManager, agent_message
from .validation import (
    check_history_length,
    normalise_list_query,
    page_push_configs,
    trim_history,
    validate_message,
)

__all__ = ["SHUTDOWN_MESSAGE", "ExtendedCardProvider", "SkillGuard", "TaskService"]

SHUTDOWN_MESSAGE = "agent shutting down"

ExtendedCardProvider = Callable[[RequestContext], dict[str, Any] | None]
"""Returns the v1.0-shaped extended agent card for this caller, or None if none is configured."""

SkillGuard = Callable[[str, RequestContext], None]
"""``guard(skill_id, ctx)``: raises an authorization error when ``ctx`` may not use the skill."""

# Where a refused inline webhook URL sits in the request, in each version's wire names.
_INLINE_PUSH_URL = {
    "1.0": "configuration.taskPushNotificationConfig.url",
    "0.3": "configuration.pushNotificationConfig.url",
}
_INTERRUPTED = frozenset({TaskState.INPUT_REQUIRED, TaskState.AUTH_REQUIRED})
_ANONYMOUS = TaskScope()
_LIVE = frozenset({TaskState.SUBMITTED, TaskState.WORKING}) | _INTERRUPTED


def _not_found(task_id: str) -> TaskNotFoundError:
    return TaskNotFoundError(f"task {task_id} not found", metadata={"taskId": task_id})


def _bind(message: Message, task_id: str, context_id: str) -> Message:
    """The client's message as stored in the task history: with its task and context ids."""
    # Positional (in field order): this runs for every task, and keywords cost a third more.
    return Message(
        message.message_id,
        message.role,
        message.parts,
        context_id,
        task_id,
        message.reference_task_ids,
        message.extensions,
        message.metadata,
    )


def _ends_stream(event: StreamEvent) -> bool:
    return isinstance(event, StatusUpdate) and event.final


def _ends_wait(event: StreamEvent) -> bool:
    # A blocking send returns at an interruption even when streams stay open through it.
    return isinstance(event, StatusUpdate) and (event.final or event.status.state in _INTERRUPTED)


class TaskService:
    """The engine: tasks, streams, cancellation, push configs, capability gating, shutdown.

    ``store`` is any :class:`TaskStore`; ``push_encoder`` comes from the binding layer (see
    :class:`push.PushEncoder`); ``extended_card`` is called per GetExtendedAgentCard request.
    ``skill_guard`` (set by the app when authentication is on) raises an authorization error
    when the caller lacks the scopes of the skill a new message is routed to.
    """

    skill_guard: SkillGuard | None = None

    def __init__(
        self,
        settings: AgentSettings,
        store: TaskStore,
        push_encoder: PushEncoder,
        extended_card: ExtendedCardProvider,
    ) -> None:
        self.settings = settings
        self.store = store
        self.push = PushSender(
            push_encoder,
            timeout_seconds=settings.push_timeout_seconds,
            max_attempts=settings.push_max_attempts,
            backoff_seconds=settings.push_backoff_seconds,
            allow_private=settings.allow_private_webhooks,
        )
        self.manager = TaskManager(store, self.push)
        self.executor = Executor(self.manager, task_timeout_seconds=settings.task_timeout_seconds)
        self._extended_card = extended_card
        self._closing = False
        self._required_extensions = tuple(settings.required_extensions)

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Called once the event loop runs (ASGI lifespan startup); checks the store."""
        await self.store.ping()

    async def ready(self) -> bool:
        """``/readyz``: accepting work and the store answers."""
        if self._closing:
            return False
        try:
            await self.store.ping()
        except Exception:
            return False
        return True

    @property
    def accepting(self) -> bool:
        """False once :meth:`shutdown` began."""
        return not self._closing

    async def shutdown(self, grace_seconds: float | None = None) -> None:
        """Stop accepting sends, let running tasks finish within ``grace_seconds``, FAIL the rest.

        With a non-durable store every live task is failed, interrupted ones included (nobody
        could resume them after this process ends); a durable store keeps interrupted tasks for
        other instances. Pending push deliveries get a bounded flush. Safe to call twice.
        """
        if self._closing:
            return
        self._closing = True
        grace = self.settings.shutdown_grace_seconds if grace_seconds is None else grace_seconds
        await self.executor.drain(grace)
        doomed = set(self.executor.running())
        if not self.store.durable:
            doomed.update(await self.store.live_task_ids())
        for task_id in doomed:
            task = await self.store.get_task(task_id, None)
            if task is not None:
                await self.executor.fail_if_live(task_id, task.context_id, SHUTDOWN_MESSAGE)
        await self.executor.stop_all()
        await self.push.aclose(timeout=max(1.0, min(grace, self.settings.push_timeout_seconds)))

    # -- gating helpers ------------------------------------------------------------------------
    def _check_extensions(self, ctx: RequestContext) -> None:
        for uri in self._required_extensions:
            if uri not in ctx.extensions:
                raise ExtensionSupportRequiredError(
                    f"this agent requires the extension {uri}; declare it in the A2A-Extensions "
                    "header",
                    metadata={"extension": uri},
                )

    def _check_push(self, ctx: RequestContext) -> None:
        self._check_extensions(ctx)
        if not self.settings.push_notifications:
            raise PushNotificationNotSupportedError(
                "push notifications are not supported by this agent "
                "(capabilities.pushNotifications is false)"
            )

    def _check_streaming(self, ctx: RequestContext) -> None:
        self._check_extensions(ctx)
        if not self.settings.streaming:
            raise UnsupportedOperationError(
                "streaming is not supported by this agent (capabilities.streaming is false)"
            )

    @staticmethod
    def _scope(ctx: RequestContext, tenant: str | None = None) -> TaskScope:
        if ctx.tenant is not None:
            tenant = ctx.tenant
        if ctx.principal is None and tenant is None:
            return _ANONYMOUS
        return TaskScope(ctx.principal, tenant)

    async def _visible_task(self, task_id: str, ctx: RequestContext) -> Task:
        task = await self.store.get_task(task_id, self._scope(ctx))
        if task is None:
            raise _not_found(task_id)
        return task

    # -- SendMessage ---------------------------------------------------------------------------
    async def send_message(
        self, request: SendMessageRequest, ctx: RequestContext
    ) -> Task | Message:
        """SendMessage / ``message/send``. Blocking waits for a terminal or interrupted state."""
        started = await self._begin(request, ctx, defer=request.blocking)
        if isinstance(started, Message):
            return started
        task_id, context_id, invocation, new_task = started
        if request.blocking and invocation.behaviour.instant:
            # Same events in the same order as a spawned run, without a task spawn (and, for a
            # new task, stored together with its events in one step).
            final = await self.executor.run_inline(
                invocation, task_id, context_id, ctx, new_task=new_task
            )
        else:
            running = False
            try:
                if not request.blocking:
                    snapshot = await self.store.get_task(task_id, None)
                    self.executor.start(invocation, task_id, context_id, ctx)
                    if snapshot is None:  # evicted at once: only possible with a zero TTL
                        raise _not_found(task_id)
                    return trim_history(snapshot, request.history_length)
                _, subscription = await self.store.open_subscription(task_id)
                try:
                    self.executor.start(invocation, task_id, context_id, ctx)
                    running = True
                    async for event in subscription:
                        if _ends_wait(event):
                            break
                finally:
                    await subscription.aclose()
            except BaseException:
                if not running:
                    self.executor.abandon(task_id, context_id)
                raise
            final = None
        if final is None:
            final = await self.store.get_task(task_id, None)
            if final is None:  # evicted meanwhile: only possible with a tiny TTL
                raise _not_found(task_id)
        if request.history_length is None:
            return final
        return trim_history(final, request.history_length)

    async def send_streaming_message(
        self, request: SendMessageRequest, ctx: RequestContext
    ) -> AsyncIterator[StreamEvent]:
        """SendStreamingMessage / ``message/stream``: the Task, then its events, in order.

        A message-only behaviour yields exactly one Message. Errors before the first event are
        raised by the first ``__anext__``. The subscription is taken before the runner starts,
        so the first item is the task as created and no event can be missed.
        """
        self._check_streaming(ctx)
        started = await self._begin(request, ctx)
        if isinstance(started, Message):
            yield started
            return
        task_id, context_id, invocation, _ = started
        try:
            snapshot, subscription = await self.store.open_subscription(task_id)
        except BaseException:
            self.executor.abandon(task_id, context_id)
            raise
        try:
            self.executor.start(invocation, task_id, context_id, ctx)
            yield trim_history(snapshot, request.history_length)
            async for event in subscription:
                yield event
                if _ends_stream(event):
                    return
        finally:
            await subscription.aclose()

    async def _begin(
        self, request: SendMessageRequest, ctx: RequestContext, *, defer: bool = False
    ) -> Message | tuple[str, str, Invocation, Task | None]:
        """Validate; then reply with a Message, or create a task (or resume one) to run.

        Returns ``(task_id, context_id, invocation, new_task)``; nothing runs yet. ``new_task``
        is not None only with ``defer``, for an instant behaviour without a push config: the
        task is not stored yet, and the caller stores it with its first events
        (:meth:`Executor.run_inline`). Otherwise the task is stored, and from here on the
        caller must start a runner or :meth:`Executor.abandon` it, so it never stays live.
        """
        if self._required_extensions:
            self._check_extensions(ctx)
        if self._closing:
            raise ServiceUnavailableError("the agent is shutting down; retry on another instance")
        message = request.message
        validate_message(message, self.settings)
        if request.history_length is not None:
            check_history_length(request.history_length, "configuration.historyLength")
        push_config = request.push_config
        if push_config is not None:
            self._check_push(ctx)
            await self.push.validate_url(push_config.url, field=_INLINE_PUSH_URL[ctx.version])
        scope = self._scope(ctx, request.tenant)
        if message.task_id:
            return await self._resume(message, scope, push_config, ctx)
        invocation = select_behaviour(message)
        if self.skill_guard is not None:  # auth on: the skill's scopes (before any task exists)
            self.skill_guard(invocation.behaviour.name, ctx)
        context_id = message.context_id or new_id()
        if invocation.behaviour.reply is not None:
            reply = agent_message("", task_id=None, context_id=context_id)
            reply.parts = invocation.behaviour.reply(invocation)
            return reply
        task = self._new_task(message, context_id, scope)
        if defer and push_config is None and invocation.behaviour.instant:
            return task.id, context_id, invocation, task
        await self.manager.create(task, origin=ctx)  # the store owns ``task`` from here on
        if push_config is not None:
            try:
                await self._register_push(push_config, task.id, ctx)
            except BaseException:
                self.executor.abandon(task.id, context_id)
                raise
        return task.id, context_id, invocation, None

    @staticmethod
    def _new_task(message: Message, context_id: str, scope: TaskScope) -> Task:
        """A SUBMITTED task for ``message`` (not stored yet)."""
        task_id = new_id()
        # Task(id, context_id, status, history, artifacts, metadata, owner, tenant)
        task = Task(
            task_id,
            context_id,
            TaskStatus(TaskState.SUBMITTED, now_timestamp()),
            [_bind(message, task_id, context_id)],
            [],
            None,
            scope.owner,
            scope.tenant,
        )
        return task

    async def _resume(
        self,
        message: Message,
        scope: TaskScope,
        push_config: PushConfig | None,
        ctx: RequestContext,
    ) -> tuple[str, str, Invocation, None]:
        assert message.task_id is not None
        task = await self.store.get_task(message.task_id, scope)
        if task is None:
            raise _not_found(message.task_id)
        if message.context_id and message.context_id != task.context_id:
            raise InvalidParamsError(
                f"message.contextId {message.context_id!r} does not match the context "
                f"{task.context_id!r} of task {task.id}",
                field="message.contextId",
            )
        self._check_resumable(task.id, task.status.state)
        if push_config is not None:  # registered first, so it sees the resumption itself
            await self._register_push(push_config, task.id, ctx)
        stored = _bind(message, task.id, task.context_id)
        try:
            await self.manager.set_status(
                task.id,
                task.context_id,
                TaskState.WORKING,
                user_message=stored,
                expect=_INTERRUPTED,
                origin=ctx,
                snapshot=False,
            )
        except StateConflictError as lost:  # another request changed it first
            self._check_resumable(task.id, lost.current)
            raise
        first = task.history[0] if task.history else None
        return task.id, task.context_id, resume_invocation(stored, first), None

    @staticmethod
    def _check_resumable(task_id: str, state: TaskState) -> None:
        if state.is_terminal:
            raise UnsupportedOperationError(
                f"task {task_id} is {state.value}: a terminal task accepts no further messages; "
                "send a new message in the same context instead",
                metadata={"taskId": task_id, "state": state.value},
            )
        if not state.is_interrupted:
            raise UnsupportedOperationError(
                f"task {task_id} is {state.value} and not waiting for input; messages to an "
                "existing task are accepted only in input-required or auth-required",
                metadata={"taskId": task_id, "state": state.value},
            )

    # -- reading -------------------------------------------------------------------------------
    async def get_task(self, task_id: str, history_length: int | None, ctx: RequestContext) -> Task:
        """GetTask / ``tasks/get``."""
        self._check_extensions(ctx)
        check_history_length(history_length)
        return trim_history(await self._visible_task(task_id, ctx), history_length)

    async def list_tasks(self, query: ListTasksQuery, ctx: RequestContext) -> ListTasksResult:
        """ListTasks (OP-8); artifacts are emptied unless ``include_artifacts``."""
        self._check_extensions(ctx)
        query = normalise_list_query(query)
        result = await self.store.list_tasks(self._scope(ctx, query.tenant), query)
        for task in result.tasks:
            trim_history(task, query.history_length)
            if not query.include_artifacts:
                task.artifacts = []
        return result

    # -- CancelTask ----------------------------------------------------------------------------
    async def cancel_task(self, task_id: str, ctx: RequestContext) -> Task:
        """CancelTask / ``tasks/cancel``: CANCELED, and the runner (wherever it is) stops."""
        self._check_extensions(ctx)
        task = await self._visible_task(task_id, ctx)
        if task.status.state.is_terminal:
            raise self._not_cancelable(task_id, task.status.state)
        try:
            applied = await self.manager.set_status(
                task_id,
                task.context_id,
                TaskState.CANCELED,
                "task canceled at the client's request",
                expect=_LIVE,
                origin=ctx,
            )
        except (IllegalTransitionError, StateConflictError):  # it ended meanwhile
            current = await self.store.get_task(task_id, None)
            if current is None:  # ended and purged: OP-9 allows TaskNotFound for a repeat
                raise _not_found(task_id) from None
            raise self._not_cancelable(task_id, current.status.state) from None
        await self.store.signal_cancel(task_id)
        assert applied.task is not None  # snapshot=True
        return applied.task

    @staticmethod
    def _not_cancelable(task_id: str, state: TaskState) -> TaskNotCancelableError:
        return TaskNotCancelableError(
            f"task {task_id} is already {state.value} and cannot be canceled",
            metadata={"taskId": task_id, "state": state.value},
        )

    # -- SubscribeToTask -----------------------------------------------------------------------
    async def subscribe_to_task(
        self, task_id: str, ctx: RequestContext
    ) -> AsyncIterator[StreamEvent]:
        """SubscribeToTask / ``tasks/resubscribe``: the current Task, then live events.

        The snapshot and the subscription are taken in one atomic store step, so the events
        that follow are exactly those after the snapshot.
        """
        self._check_streaming(ctx)
        task, subscription = await self.store.open_subscription(task_id, self._scope(ctx))
        try:
            if task.status.state.is_terminal:
                raise UnsupportedOperationError(
                    f"task {task_id} is {task.status.state.value}: a terminal task has no "
                    "updates to subscribe to; use GetTask",
                    metadata={"taskId": task_id, "state": task.status.state.value},
                )
            yield task
            if task.status.state.is_interrupted:
                return
            async for event in subscription:
                yield event
                if _ends_stream(event):
                    return
        finally:
            await subscription.aclose()

    # -- push notification configs -------------------------------------------------------------
    async def _register_push(
        self, config: PushConfig, task_id: str, ctx: RequestContext
    ) -> PushConfig:
        stored = dataclasses.replace(config, id=config.id or new_id(), task_id=task_id)
        await self.store.set_push_config(PushRegistration(stored, ctx.version))
        return stored

    async def create_push_config(self, config: PushConfig, ctx: RequestContext) -> PushConfig:
        """Create (v1.0) / set (v0.3) a config; the URL passes the SSRF guard first."""
        self._check_push(ctx)
        await self._visible_task(config.task_id, ctx)
        await self.push.validate_url(config.url)
        return await self._register_push(config, config.task_id, ctx)

    async def get_push_config(
        self, task_id: str, config_id: str | None, ctx: RequestContext
    ) -> PushConfig:
        """One config; without an id (v0.3), the task's first. Unknown → TaskNotFoundError."""
        self._check_push(ctx)
        await self._visible_task(task_id, ctx)
        if config_id:
            registration = await self.store.get_push_config(task_id, config_id)
        else:
            registrations = await self.store.list_push_configs(task_id)
            registration = registrations[0] if registrations else None
        if registration is None:
            raise TaskNotFoundError(
                f"push notification config {config_id or '(default)'} not found for task {task_id}",
                metadata={"taskId": task_id},
            )
        return registration.config

    async def list_push_configs(
        self, task_id: str, page_size: int | None, page_token: str | None, ctx: RequestContext
    ) -> tuple[list[PushConfig], str]:
        """The task's configs in creation order, paginated (``""`` token on the last page)."""
        self._check_push(ctx)
        await self._visible_task(task_id, ctx)
        configs = [r.config for r in await self.store.list_push_configs(task_id)]
        return page_push_configs(configs, page_size, page_token)

    async def delete_push_config(self, task_id: str, config_id: str, ctx: RequestContext) -> None:
        """Delete a config; deleting one that does not exist succeeds (idempotent)."""
        self._check_push(ctx)
        await self._visible_task(task_id, ctx)
        await self.store.delete_push_config(task_id, config_id)

    # -- extended card -------------------------------------------------------------------------
    async def get_extended_card(self, ctx: RequestContext) -> dict[str, Any]:
        """The extended agent card (authentication is the binding's job, before this call)."""
        if not self.settings.extended_card:
            raise UnsupportedOperationError(
                "this agent has no extended agent card (capabilities.extendedAgentCard is false)"
            )
        card = self._extended_card(ctx)
        if card is None:
            raise ExtendedAgentCardNotConfiguredError()
        return card
