"""SendStreamingMessage read to the end (``stream 5 20``), timing headers, first and last event.

locust -f load/scenarios/streaming.py --host http://127.0.0.1:9999/ --headless -u 20 -t 30s
"""

from __future__ import annotations

from load.stream_users import StreamingSendUser


class StreamingSend(StreamingSendUser):
    """One user opening streams back to back."""
