"""The executor's deterministic skills (docs/behaviour-contract.md).

A behaviour is chosen per message, first match wins:

1. ``message.metadata["behaviour"]`` (e.g. ``"slow 2"``);
2. the official TCK's ``messageId`` prefixes (``tck-complete-task`` …);
3. the first word of the first text part, case-insensitively (``"stream 5 20"``), further words
   being its arguments;
4. otherwise ``echo``.

Arguments are parsed *before* any task exists, so ``"slow abc"`` is an ``InvalidParamsError``
that names the argument, not a failed task.

A behaviour body drives its task only through :class:`TaskActions` (implemented by the
executor), which keeps this module free of store, event and wire concerns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import InvalidParamsError
from .model import Artifact, Message, Part, TaskState
from .step_up import STEP_UP_MARKER, auth_step_up, carries_credential, step_up_resume

__all__ = [
    "BEHAVIOURS",
    "RESUME",
    "STEP_UP_MARKER",
    "STEP_UP_RESUME",
    "TCK_PREFIXES",
    "Behaviour",
    "Invocation",
    "TaskActions",
    "carries_credential",
    "resume_invocation",
    "select_behaviour",
]


class TaskActions(Protocol):
    """What a running behaviour may do to its task (the executor implements it)."""

    task_id: str
    context_id: str

    async def working(self, text: str | None = None) -> None:
        """Move to (or stay in) WORKING, optionally with an agent status message."""
        ...

    async def artifact(
        self, artifact: Artifact, *, append: bool = False, last_chunk: bool = False
    ) -> None:
        """Publish an artifact, or one chunk of it (``append``/``last_chunk``)."""
        ...

    async def finish(
        self, state: TaskState, text: str | None = None, *, keep_open: bool = False
    ) -> None:
        """Move to a terminal or interrupted state; the behaviour returns right after.

        ``keep_open`` (interrupted states only): open streams stay open through the
        interruption instead of ending with it (v0.3 ``final: false``).
        """
        ...

    async def pause(self, seconds: float) -> None:
        """Wait; cancellation of the task interrupts it."""
        ...


@dataclass(slots=True)
class Invocation:
    """A selected behaviour with its parsed arguments and the message that triggered it.

    Not frozen only because a frozen dataclass is slower to build (one per task); treat it as
    immutable.
    """

    behaviour: Behaviour
    args: tuple[float, ...]
    message: Message

    @property
    def text(self) -> str:
        """All text parts of the message, joined by newlines."""
        return "\n".join(p.content for p in self.message.parts if p.kind == "text")


BehaviourBody = Callable[[TaskActions, Invocation], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Param:
    name: str
    default: float
    low: float
    high: float
    integer: bool = True


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One skill. ``reply`` makes it message-only (no task); otherwise ``body`` runs the task.

    ``instant`` behaviours never wait on a timer, so a blocking send may run them inline.
    """

    name: str
    description: str
    examples: tuple[str, ...]
    params: tuple[_Param, ...] = ()
    body: BehaviourBody | None = None
    reply: Callable[[Invocation], list[Part]] | None = None
    instant: bool = True

    def parse(self, words: Sequence[str], source: str) -> tuple[float, ...]:
        """Parse positional arguments (extra words are ignored); defaults fill the rest."""
        values: list[float] = []
        for i, param in enumerate(self.params):
            if i >= len(words):
                values.append(param.default)
                continue
            raw = words[i]
            kind = "an integer" if param.integer else "a number"
            try:
                value = float(int(raw)) if param.integer else float(raw)
            except ValueError:
                raise InvalidParamsError(
                    f"behaviour {self.name!r}: argument {param.name!r} must be {kind} "
                    f"between {param.low:g} and {param.high:g}, got {raw!r}",
                    field=source,
                ) from None
            if not param.low <= value <= param.high:
                raise InvalidParamsError(
                    f"behaviour {self.name!r}: argument {param.name!r} must be between "
                    f"{param.low:g} and {param.high:g}, got {raw!r}",
                    field=source,
                )
            values.append(value)
        return tuple(values)


# -- bodies -------------------------------------------------------------------------------------
async def _echo(run: TaskActions, inv: Invocation) -> None:
    await run.working()
    await run.artifact(Artifact("echo", list(inv.message.parts), "echo"))
    await run.finish(TaskState.COMPLETED)


async def _complete(run: TaskActions, inv: Invocation) -> None:
    chunks = int(inv.args[0])
    await run.working()
    for i in range(chunks):
        part = Part(kind="text", content=f"chunk {i + 1} of {chunks}")
        await run.artifact(
            Artifact(artifact_id="result", name="result", parts=[part]),
            append=i > 0,
            last_chunk=i == chunks - 1,
        )
    await run.finish(TaskState.COMPLETED, f"completed with {chunks} artifact chunk(s)")


async def _input_required(run: TaskActions, inv: Invocation) -> None:
    await run.finish(
        TaskState.INPUT_REQUIRED,
        "More input is required: reply on this task (same taskId) to continue.",
    )


async def _auth_required(run: TaskActions, inv: Invocation) -> None:
    await run.finish(
        TaskState.AUTH_REQUIRED,
        "Authorization is required to continue: obtain the credential out of band, then send "
        "any follow-up message on this task (same taskId) to signal that it has been provided.",
    )


async def _fail(run: TaskActions, inv: Invocation) -> None:
    await run.working()
    await run.finish(TaskState.FAILED, "The 'fail' behaviour was requested: failing on purpose.")


async def _reject(run: TaskActions, inv: Invocation) -> None:
    await run.finish(TaskState.REJECTED, "The 'reject' behaviour was requested: task rejected.")


async def _slow(run: TaskActions, inv: Invocation) -> None:
    await run.working()
    await run.pause(inv.args[0])
    await run.finish(TaskState.COMPLETED)


async def _stream(run: TaskActions, inv: Invocation) -> None:
    count, interval_ms = int(inv.args[0]), inv.args[1]
    await run.working()
    for i in range(count):
        if i:
            await run.pause(interval_ms / 1000.0)
        await run.artifact(
            Artifact(
                artifact_id="stream",
                name="stream",
                parts=[Part(kind="text", content=f"event {i + 1} of {count}")],
            ),
            append=i > 0,
            last_chunk=i == count - 1,
        )
    await run.finish(TaskState.COMPLETED)


async def _data(run: TaskActions, inv: Invocation) -> None:
    await run.working()
    part = Part(kind="data", content={"echo": inv.text}, media_type="application/json")
    await run.artifact(Artifact(artifact_id="data", name="data", parts=[part]))
    await run.finish(TaskState.COMPLETED)


async def _file(run: TaskActions, inv: Invocation) -> None:
    await run.working()
    parts = [
        Part(kind="raw", content=inv.text.encode(), media_type="text/plain", filename="output.txt"),
        Part(
            kind="url",
            content="https://example.com/output.txt",
            media_type="text/plain",
            filename="output.txt",
        ),
    ]
    await run.artifact(Artifact(artifact_id="file", name="file", parts=parts))
    await run.finish(TaskState.COMPLETED)


async def _resume(run: TaskActions, inv: Invocation) -> None:
    # The engine already moved the task back to WORKING, atomically with storing the follow-up.
    await run.artifact(Artifact(artifact_id="reply", name="reply", parts=list(inv.message.parts)))
    await run.finish(TaskState.COMPLETED)


def _message_reply(inv: Invocation) -> list[Part]:
    return [Part(kind="text", content=inv.text)] if inv.text else list(inv.message.parts)


# -- registry -----------------------------------------------------------------------------------
_ALL = (
    Behaviour(
        "echo", "Completes with one artifact echoing the input parts.", ("hello",), body=_echo
    ),
    Behaviour(
        "complete",
        "Completes with artifact 'result' delivered in N chunks (append, lastChunk).",
        ("complete 3",),
        params=(_Param("chunks", 3, 1, 100),),
        body=_complete,
    ),
    Behaviour(
        "message",
        "Replies with a Message instead of a task.",
        ("message hi",),
        reply=_message_reply,
    ),
    Behaviour(
        "input-required",
        "Stops in INPUT_REQUIRED; a follow-up on the task completes it.",
        ("input-required",),
        body=_input_required,
    ),
    Behaviour(
        "auth-required",
        "Stops in AUTH_REQUIRED with an explanation; a follow-up counts as the credential.",
        ("auth-required",),
        body=_auth_required,
    ),
    Behaviour(
        "auth-step-up",
        "AUTH_REQUIRED with an explanation while streams stay open; a follow-up starting "
        "with 'credential ' completes it, any other follow-up asks again.",
        ("auth-step-up",),
        body=auth_step_up,
    ),
    Behaviour(
        "admin",
        "Like echo; with authentication on, the skill needs the scope a2a.admin.",
        ("admin hello",),
        body=_echo,
    ),
    Behaviour("fail", "The task FAILS with an explanatory status message.", ("fail",), body=_fail),
    Behaviour("reject", "The task is REJECTED at creation.", ("reject",), body=_reject),
    Behaviour(
        "slow",
        "WORKING for N seconds (default 5, max 600), then COMPLETED; cancelable meanwhile.",
        ("slow 2",),
        params=(_Param("seconds", 5, 0, 600, integer=False),),
        body=_slow,
        instant=False,
    ),
    Behaviour(
        "stream",
        "N artifact chunks (default 5, max 1000) M ms apart (default 20), then COMPLETED.",
        ("stream 5 20",),
        params=(_Param("count", 5, 1, 1000), _Param("interval_ms", 20, 0, 60_000, integer=False)),
        body=_stream,
        instant=False,
    ),
    Behaviour("data", "Completes with one data part {'echo': text}.", ("data hi",), body=_data),
    Behaviour(
        "file", "Completes with a raw (bytes) part and a url part.", ("file hi",), body=_file
    ),
)

BEHAVIOURS: Mapping[str, Behaviour] = {b.name: b for b in _ALL}
"""Every selectable behaviour by name (also the skill ids of the agent card)."""

RESUME = Behaviour(
    "resume",
    "Follow-up to an interrupted task: completes with an artifact echoing the follow-up.",
    (),
    body=_resume,
)
"""What a follow-up message to an INPUT_REQUIRED/AUTH_REQUIRED task runs."""

TCK_PREFIXES: tuple[tuple[str, str], ...] = (
    ("tck-complete-task", "complete 1"),
    ("tck-message-response", "message"),
    ("tck-input-required", "input-required"),
    ("tck-auth-required", "auth-required"),
    ("tck-task-failure", "fail"),
    ("tck-reject-task", "reject"),
    ("tck-long-running", "slow 30"),
    ("tck-cancel", "slow 30"),
    ("tck-delayed-complete", "slow 1"),
    ("tck-stream-basic", "stream 3 10"),
    ("tck-stream-chunked", "complete 3"),
    ("tck-multi-turn", "input-required"),
    ("tck-artifact-text", "echo"),
    ("tck-artifact-data", "data"),
    ("tck-artifact-file-url", "file"),
    ("tck-artifact-file", "file"),
)
"""``messageId`` prefixes of the official TCK (a2aproject/a2a-tck ``scenarios/*.feature``)."""

_TCK_STARTS = tuple(prefix for prefix, _ in TCK_PREFIXES)


def _from_spec(spec: str, message: Message, source: str, *, strict: bool) -> Invocation | None:
    # Split lazily: the text may be megabytes long and only its first few words matter.
    head = spec.split(None, 1)
    behaviour = BEHAVIOURS.get(head[0].lower()) if head else None
    if behaviour is None:
        if not strict:
            return None
        raise InvalidParamsError(
            f"unknown behaviour {spec[:64]!r}; expected one of: {', '.join(BEHAVIOURS)}",
            field=source,
        )
    arity = len(behaviour.params)
    words = head[1].split(None, arity)[:arity] if arity and len(head) > 1 else []
    return Invocation(behaviour, behaviour.parse(words, source), message)


def select_behaviour(message: Message) -> Invocation:
    """Choose and parse the behaviour for a new task's first message (see module docstring).

    Raises ``InvalidParamsError`` naming the argument and where it came from.
    """
    metadata: dict[str, Any] | None = message.metadata
    if metadata and "behaviour" in metadata:
        spec = metadata["behaviour"]
        if not isinstance(spec, str):
            raise InvalidParamsError(
                f"message.metadata.behaviour must be a string, got {type(spec).__name__}",
                field="message.metadata.behaviour",
            )
        chosen = _from_spec(spec, message, "message.metadata.behaviour", strict=True)
        assert chosen is not None
        return chosen
    if message.message_id.startswith(_TCK_STARTS):
        for prefix, spec in TCK_PREFIXES:
            if message.message_id.startswith(prefix):
                chosen = _from_spec(spec, message, "message.messageId", strict=True)
                assert chosen is not None
                return chosen
    for index, part in enumerate(message.parts):
        if part.kind == "text":
            # Most texts start with no behaviour name: settle that before building anything.
            head = part.content.split(None, 1)
            if head and head[0].lower() in BEHAVIOURS:
                chosen = _from_spec(
                    part.content, message, f"message.parts[{index}].text", strict=False
                )
                if chosen is not None:
                    return chosen
            break
    return Invocation(BEHAVIOURS["echo"], (), message)


STEP_UP_RESUME = Behaviour(
    "auth-step-up-resume",
    "Follow-up to an auth-step-up task: completes only when it carries the credential.",
    (),
    body=step_up_resume,
)
"""What a follow-up message to an ``auth-step-up`` task runs."""


def resume_invocation(message: Message, first: Message | None = None) -> Invocation:
    """The invocation for a follow-up ``message`` that resumes an interrupted task.

    ``first`` is the task's first message: it tells which behaviour the task runs, so that a
    task waiting for a credential (``auth-step-up``) is not completed by just any follow-up.
    """
    if first is not None and _started_step_up(first):
        return Invocation(STEP_UP_RESUME, (), message)
    return Invocation(RESUME, (), message)


def _started_step_up(first: Message) -> bool:
    try:
        return select_behaviour(first).behaviour.name == "auth-step-up"
    except InvalidParamsError:  # stored messages were valid when they came in
        return False
