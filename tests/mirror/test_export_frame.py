"""leads_export_frame: the same typed frame as the record-by-record version.

Its cost beside ``pd.read_csv`` is a performance claim, so it is measured in
``benchmarks/bench_mirror.py`` (part 5), not asserted here.
"""

from __future__ import annotations

import pandas as pd

from smartlead_nb.frames.responses import leads_export_frame
from smartlead_nb.sandbox.leads.handlers import EXPORT_COLUMNS


def export_csv(n: int) -> str:
    lines = [",".join(EXPORT_COLUMNS)]
    for i in range(n):
        lines.append(
            f'{500000 + i},{9000000 + i},INPROGRESS,2025-01-06T08:00:00.000Z,First{i},Last,'
            f'l{i}@example.com,{"" if i % 3 else "+14155550100"},Co {i},https://x.io,Berlin,'
            f'"{{""job"": ""CFO""}}",,,{"true" if i % 50 == 0 else "false"},'
            f'{"" if i % 4 == 0 else i % 3 + 1},{"true" if i % 30 == 0 else "false"},'
            f'{i % 4},{i % 2},{int(i % 14 == 0)}')
    return "\n".join(lines) + "\n"


def test_types_are_those_of_the_record_by_record_version():
    frame = leads_export_frame(export_csv(40))
    assert frame[["id", "campaign_lead_map_id", "open_count", "reply_count"]].dtypes.astype(
        str).tolist() == ["Int64"] * 4
    assert str(frame["is_interested"].dtype) == "boolean"
    assert frame["is_unsubscribed"].tolist()[:2] == [True, False]
    assert str(frame["created_at"].dt.tz) == "UTC"
    assert frame["phone_number"].iloc[0] == "+14155550100"
    assert frame["last_email_sequence_sent"].tolist()[:3] == [None, "2", "3"] or \
        pd.isna(frame["last_email_sequence_sent"].iloc[0])


def test_a_column_that_is_not_what_its_name_says_is_kept_as_text():
    frame = leads_export_frame("id,open_count,is_interested\n1,lots,maybe\n2,3,true\n")
    assert frame["open_count"].tolist() == ["lots", "3"]
    assert frame["is_interested"].tolist() == [False, True]
    assert str(frame["id"].dtype) == "Int64"
