"""Names shared by the plugin's modules: stash keys and where the bundled suite lives."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .evidence import Evidence
    from .grading import Check
    from .run import SuiteRun

__all__ = ["CHECK_KEY", "EVIDENCE_KEY", "RUN_KEY", "SUITE_DIR"]

SUITE_DIR = Path(__file__).parent / "suite"
RUN_KEY: pytest.StashKey[SuiteRun] = pytest.StashKey()
CHECK_KEY: pytest.StashKey[Check] = pytest.StashKey()
EVIDENCE_KEY: pytest.StashKey[Evidence] = pytest.StashKey()
