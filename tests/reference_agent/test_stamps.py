"""Fast ids and timestamps produce exactly the standard formats."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime

from reference_agent.model import utc_timestamp
from reference_agent.stamps import new_id, now_timestamp

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_new_id_is_a_canonical_random_uuid4_and_unique() -> None:
    ids = {new_id() for _ in range(2000)}  # crosses several 4 KiB refills
    assert len(ids) == 2000
    for text in list(ids)[:50]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_forked_child_does_not_reuse_the_parents_entropy() -> None:
    new_id()  # the parent holds a partly used buffer
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report one id and exit without running pytest teardown
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent = new_id()
    assert uuid.UUID(child) and child != parent


def test_now_timestamp_matches_the_model_format_and_clock() -> None:
    before = utc_timestamp()
    stamp = now_timestamp()
    after = utc_timestamp()
    assert TIMESTAMP.match(stamp)
    assert before <= stamp <= after
    parsed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - parsed).total_seconds()) < 5
