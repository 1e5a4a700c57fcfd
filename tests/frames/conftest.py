from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def read_data():
    """Read a CSV from tests/frames/data/ with pandas, so dtypes are what analysts really get."""

    def read(name: str, **kwargs) -> pd.DataFrame:
        return pd.read_csv(DATA / name, **kwargs)

    return read
