"""ListTasks paging under write load (v1.0): three writers send blocking messages while one
lister walks up to five pages of 50; every page must be well formed (tasks repeated across pages
by offset paging are counted under ``PAGING``, not failed).

    locust -f load/scenarios/list_tasks.py --host http://127.0.0.1:9999/ --headless -u 8 -t 30s
"""

from __future__ import annotations

from load.users import BlockingSendUser, ListTasksPagingUser


class Writer(BlockingSendUser):
    """The write load."""

    weight = 3


class Lister(ListTasksPagingUser):
    """Pages through the tasks while they are being written."""

    weight = 1
