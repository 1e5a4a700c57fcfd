"""A builder wired to a real client against the per-test sandbox (tests/conftest.py)."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from smartlead_nb.widgets import CampaignBuilder  # noqa: E402


@pytest.fixture
def builder(client, tmp_path):
    return CampaignBuilder(client, state=tmp_path / "launch-state.json", journal=False, namespace={})


@pytest.fixture
def leads():
    return pd.DataFrame({
        "Email": ["ana@example.com", "not-an-email", "ANA@example.com", "ben@example.com", "cy@example.com"],
        "First Name": ["Ana", "Bo", "Ana again", "Ben", ""],
        "Company": ["Acme", "B Co", "Acme", "Bolt", "Cyan"],
    })
