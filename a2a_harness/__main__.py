"""``python -m a2a_harness``: the same as the ``a2a-harness`` command."""

from __future__ import annotations

import sys

from a2a_harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
