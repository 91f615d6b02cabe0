import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from social_crm.connectors.testing import ReplaySession, shared_recording  # noqa: E402


@pytest.fixture
def session():
    replay = ReplaySession()
    yield replay
    assert not replay.pending(), f"recordings never asked for: {replay.pending()}"


@pytest.fixture
def x_recording():
    """Load a real recorded X API v2 exchange list (bundled)."""

    def load(name):
        return shared_recording("x_tweepy", "decoded", f"{name}.json")

    return load
