"""Blocking SendMessage: each call waits for the task to settle (``echo`` on the reference agent).

locust -f load/scenarios/blocking.py --host http://127.0.0.1:9999/ --headless -u 20 -t 30s
"""

from __future__ import annotations

from load.users import BlockingSendUser


class BlockingSend(BlockingSendUser):
    """One user sending blocking messages back to back."""
