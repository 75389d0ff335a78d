"""Non-blocking SendMessage, then GetTask until the task settles (``stream 3 20``: ~60 ms).

locust -f load/scenarios/poll.py --host http://127.0.0.1:9999/ --headless -u 20 -t 30s
"""

from __future__ import annotations

from load.users import NonBlockingPollUser


class SendThenPoll(NonBlockingPollUser):
    """One user sending non-blocking messages and polling each task to its end."""
