"""Subscribe storm: each iteration starts a running task (``stream 10 50``, ~0.5 s) and opens four
SubscribeToTask streams on it at once, each read to the final event (``sub_tth``, ``sub_ttfe``,
``sub_ttt`` entries).

    locust -f load/scenarios/subscribe.py --host http://127.0.0.1:9999/ --headless -u 10 -t 30s
"""

from __future__ import annotations

from load.stream_users import SubscribeStormUser


class SubscribeStorm(SubscribeStormUser):
    """One user starting tasks and storming them with subscribers."""
