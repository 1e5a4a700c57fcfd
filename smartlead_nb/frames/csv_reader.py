"""Reading a leads CSV: one reader, so every place that takes a CSV gives the same advice.

``upload_leads``, ``CampaignPlan``, the campaign builder and the leads form's file upload all
read through here. Every cell is read as text (``dtype=str``; ``""`` is the only missing value),
so ZIP codes and phone numbers keep their leading zeros. What goes wrong is said in words
that name the fix: a file in another encoding gets ``encoding=`` advice, a wrong delimiter gets
``sep=`` advice, an empty or header-only file says so.

>>> import io
>>> read_leads_csv(io.BytesIO(b"email,zip\\na@b.co,00123\\n"))["zip"].tolist()
['00123']
>>> read_leads_csv(b"email;name\\na@b.co;Ana\\n", sep=";").columns.tolist()
['email', 'name']

Any other ``pandas.read_csv`` option (``encoding="latin-1"``, ``sep=";"``, ``usecols=``...)
is passed through and overrides the text defaults above.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Union

import pandas as pd

from ..errors import InputError

__all__ = ["CSV_DEFAULTS", "CsvSource", "iter_leads_csv", "read_leads_csv"]

#: How a leads CSV is read unless the caller says otherwise: every cell as text.
CSV_DEFAULTS: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_values": [""]}

#: A path, the file's bytes (e.g. a FileUpload's content), or an open binary/text file.
CsvSource = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO]


def iter_leads_csv(source: CsvSource, *, chunk_rows: int | None = None, name: str | None = None,
                   **read_csv: Any) -> Iterator[pd.DataFrame]:
    """Yield the CSV as DataFrames of at most ``chunk_rows`` rows (one frame when ``None``).

    ``name`` is what messages call the file (defaults to the path, or "the file"). Raises
    :class:`~smartlead_nb.errors.InputError` for a missing file, another encoding, a file
    that is empty, has only a header, or cannot be parsed.

    >>> [len(c) for c in iter_leads_csv(b"email\\na@b.co\\nc@d.co\\ne@f.co\\n", chunk_rows=2)]
    [2, 1]
    """
    data, shown = _open(source, name)
    kwargs = {**CSV_DEFAULTS, **read_csv}
    rows = 0
    try:
        if chunk_rows is None:
            frame = pd.read_csv(data, **kwargs)
            rows = len(frame)
            if rows:
                yield frame
            columns = list(frame.columns)
        else:
            columns = []
            with pd.read_csv(data, chunksize=chunk_rows, **kwargs) as reader:
                for chunk in reader:
                    columns = list(chunk.columns)
                    rows += len(chunk)
                    if len(chunk):
                        yield chunk
    except UnicodeError as exc:
        where = (f" ({exc.reason} at byte {exc.start})"
                 if isinstance(exc, UnicodeDecodeError) else f" ({exc})")
        raise InputError(f"{shown} is not UTF-8{where}; pass encoding='latin-1' (or the "
                         f"file's encoding)") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{shown} is empty: no header and no rows") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{shown} could not be read as a CSV: {exc}. Check the delimiter "
                         f"(sep=';' for many European exports), unclosed quotes, and that "
                         f"it is a text CSV in UTF-8 (or pass encoding=)") from None
    if rows == 0:
        listed = ", ".join(map(repr, columns[:5])) + (", ..." if len(columns) > 5 else "")
        raise InputError(f"{shown} has a header but no rows{f' ({listed})' if listed else ''}: "
                         f"nothing to upload")


def read_leads_csv(source: CsvSource, *, name: str | None = None, **read_csv: Any) -> pd.DataFrame:
    """The whole CSV as one DataFrame of text (see :func:`iter_leads_csv` for the errors).

    >>> read_leads_csv(b"email\\n")
    Traceback (most recent call last):
    ...
    smartlead_nb.errors.InputError: the file has a header but no rows ('email'): nothing to upload
    """
    return next(iter_leads_csv(source, name=name, **read_csv))


def _open(source: CsvSource, name: str | None) -> tuple[Any, str]:
    """What ``pd.read_csv`` reads, and what the messages call it."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), name or "the file"
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            where = f" (looked in {Path.cwd()})" if not path.is_absolute() else ""
            raise InputError(f"no such CSV file: {path}{where}; no such leads file to read, "
                             f"give the path of a CSV")
        return path, name or str(path)
    if hasattr(source, "read"):
        return source, name or str(getattr(source, "name", "the file"))
    raise InputError(f"a leads CSV is a path, bytes or an open file, got {type(source).__name__}")
