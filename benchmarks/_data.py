"""Synthetic lead data for the benchmarks: realistic columns, some NaN, some bad and repeated
emails, nothing random between runs (so both sides of a ratio see the same input)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def leads_frame(n: int, *, start: int = 0) -> pd.DataFrame:
    """``n`` rows x 12 columns: 9 standard-field columns and 3 custom ones."""
    i = np.arange(start, start + n)
    ids = pd.Series(i).astype(str)
    email = "user" + ids + "@example" + (i % 1000).astype(str) + ".com"
    email = email.where(i % 97 != 5, "user" + ids + "@@broken")              # ~1% invalid
    email = email.where(i % 89 != 7, "USER" + (i - 7).astype(str) + "@example"
                        + ((i - 7) % 1000).astype(str) + ".com ")            # ~1% duplicates
    return pd.DataFrame({
        "Email": email,
        "First Name": np.array(["Ana", "Bob", "Chloé", "Dmitri", "Eve"])[i % 5],
        "Last Name": "Name" + ids,
        "Company": "Company " + (i % 5000).astype(str),
        "Phone": np.where(i % 7 == 0, np.nan, 4155550000.0 + i),           # floats, as read_csv makes
        "Website": "example" + (i % 1000).astype(str) + ".com",
        "City": pd.Series(np.array(["Lisbon", "Berlin", None, "New York"], dtype=object)[i % 4]),
        "LinkedIn": "https://linkedin.com/in/u" + ids,
        "Title": np.array(["CFO", "CEO", 'VP "Sales"', ""])[i % 4],       # quotes need escaping
        "Employees": (i % 900) * 10,
        "Industry": pd.Series(np.array(["Fintech", "SaaS", None], dtype=object)[i % 3]),
        "Hook": "saw your post #" + ids,
    })


def unique_leads_frame(n: int, *, start: int = 0) -> pd.DataFrame:
    """Like :func:`leads_frame` but every email valid and distinct (pacing runs)."""
    frame = leads_frame(n, start=start)
    i = np.arange(start, start + n)
    frame["Email"] = "user" + pd.Series(i).astype(str) + "@pacing.example"
    return frame
