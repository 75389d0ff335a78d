"""Behaviours a check may ask an agent for, and the prompts that ask for them.

Behaviour checks probe first: they send the prompt for a behaviour and look at what the agent
really did (a Task? did it finish? is it slow enough to cancel?). The default prompts follow the
reference agent's behaviour contract (``docs/behaviour-contract.md``) and the official kit's
``messageId`` prefixes, so a cooperative agent shows every behaviour; any other agent gets the
same harmless text and the probe grades N/A when the behaviour does not show.

``--a2a-prompt BEHAVIOUR=TEXT`` replaces the text for one behaviour; the message then carries
only that text (no ``metadata.behaviour`` and no kit prefix, which would win over the text on a
cooperative agent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

__all__ = ["BEHAVIOURS", "SKILL_PROMPT_PREFIX", "Behaviour", "Prompt", "PromptBook"]

# ``--a2a-prompt skill:ID=TEXT`` names the text that routes a message to skill ID.
SKILL_PROMPT_PREFIX = "skill:"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A named behaviour: default prompt text and the official kit's ``messageId`` prefix."""

    name: str
    text: str
    kit_prefix: str
    description: str


BEHAVIOURS: dict[str, Behaviour] = {
    b.name: b
    for b in (
        Behaviour("echo", "echo a2a-harness probe", "tck-artifact-text", "a task that completes"),
        Behaviour("complete", "complete 1", "tck-complete-task", "a task that completes"),
        Behaviour("message", "message", "tck-message-response", "a Message reply, no task"),
        Behaviour(
            "input-required", "input-required", "tck-input-required", "a task paused for input"
        ),
        Behaviour("auth-required", "auth-required", "tck-auth-required", "a task paused for auth"),
        Behaviour("fail", "fail", "tck-task-failure", "a task that fails"),
        Behaviour("reject", "reject", "tck-reject-task", "a task that is rejected"),
        Behaviour("slow", "slow 30", "tck-long-running", "a task slow enough to cancel"),
        Behaviour("stream", "stream 3 10", "tck-stream-basic", "a task streaming artifact chunks"),
        Behaviour(
            "stream-long", "stream 10 100", "tck-stream-basic", "a task streaming for about 1 s"
        ),
        Behaviour(
            "stream-paced",
            "stream 5 50",
            "tck-stream-basic",
            "a task streaming 5 chunks 50 ms apart (for the buffering check)",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Prompt:
    """What to put in a user message to ask for one behaviour."""

    behaviour: str
    text: str
    message_id: str
    metadata: dict[str, str] | None


class PromptBook:
    """Prompts per behaviour, the defaults overridden by ``--a2a-prompt``."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self.overrides = dict(overrides or {})

    def skill_text(self, skill: str) -> str | None:
        """The user's text for skill ``skill`` (``--a2a-prompt skill:ID=TEXT``), if given."""
        return self.overrides.get(SKILL_PROMPT_PREFIX + skill)

    def prompt(self, behaviour: str) -> Prompt:
        """A fresh prompt (new ``messageId``) asking for ``behaviour``."""
        known = BEHAVIOURS[behaviour]
        unique = uuid.uuid4().hex
        if behaviour in self.overrides:
            return Prompt(behaviour, self.overrides[behaviour], f"a2a-harness-{unique}", None)
        return Prompt(
            behaviour, known.text, f"{known.kit_prefix}-{unique}", {"behaviour": known.text}
        )
