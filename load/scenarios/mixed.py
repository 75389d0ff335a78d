"""A mixed profile: 60% blocking sends, 20% send-then-poll, 20% streams.

locust -f load/scenarios/mixed.py --host http://127.0.0.1:9999/ --a2a-url http://127.0.0.1:9998/
"""

from __future__ import annotations

from load.stream_users import StreamingSendUser
from load.users import BlockingSendUser, NonBlockingPollUser


class MixedBlocking(BlockingSendUser):
    """The bulk of the traffic: blocking sends."""

    weight = 3


class MixedPolling(NonBlockingPollUser):
    """Clients that send and come back for the result."""

    weight = 1


class MixedStreaming(StreamingSendUser):
    """Clients that watch their task stream."""

    weight = 1
