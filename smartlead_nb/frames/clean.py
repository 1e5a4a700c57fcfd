"""Turn one DataFrame column into the text SmartLead gets, column-wise.

SmartLead's lead fields and custom fields are all sent as strings, so every column becomes an
object array of ``str``, with ``""`` where the lead has no value (its key is then left out; a
value is never sent as JSON null). The rules, per dtype:

- text: surrounding whitespace trimmed (Unicode whitespace, so Excel's non-breaking spaces go
  too); empty and whitespace-only strings count as missing;
- NaN, None, NaT, ``pd.NA`` and +/-inf: missing;
- integers: digits; whole floats: digits without ``.0`` or an exponent (a phone column that
  pandas read as floats because of blank cells gives ``4155550100``, ``4.4207946e+11`` gives
  ``442079460000``); other floats: the shortest text that reads back the same (``0.1``);
- booleans: ``"true"`` / ``"false"`` (JSON's spelling, what templates and SmartLead's UI show);
- datetimes: ISO 8601. A tz-naive column whose values are all at midnight gives dates
  (``2024-03-01``), as Excel dates are meant; otherwise ``2024-03-01T09:30:00``, with fractions
  only as fine as the column needs, and ``+HH:MM`` when the column has a time zone;
- anything else (mixed object columns, Decimal, dates, ...): value by value, by the same
  rules, then ``str()``.

Speed: this runs on every column of every frame, so the per-value work is done by C loops
(``map`` over unbound ``str`` methods, numpy, one ``"".join`` of the column to screen for rare
characters). pandas' ``.str`` methods on Python-backed strings call a Python lambda per value
and are several times slower here.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["WireText", "cell_text", "column_text", "is_missing", "scalar_text", "value_problems"]

_CONTROL = [chr(c) for c in range(32)]


@dataclass(frozen=True)
class WireText:
    """A column as wire text: ``values[i]`` is a ``str``, ``""`` where ``present[i]`` is False.

    ``free_text`` columns came from text and may hold anything; the others (numbers, dates,
    booleans) are known to be short and plain. ``longest`` is the longest value's length,
    ``suspect`` says the column has a NUL or a lone surrogate somewhere, and ``escape`` that
    some value needs JSON escaping (a quote, a backslash or a control character).
    """

    values: np.ndarray
    present: np.ndarray
    free_text: bool = False
    longest: int = 0
    suspect: bool = False
    escape: bool = False

    def take(self, positions: np.ndarray) -> WireText:
        return WireText(self.values[positions], self.present[positions], self.free_text,
                        self.longest, self.suspect, self.escape)


def column_text(column: pd.Series) -> WireText:
    """Convert a column to wire text (see the module docstring for the rules)."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = column_text(pd.Series(dtype.categories))
        codes = column.cat.codes.to_numpy()
        values = np.append(categories.values, "")[codes]  # code -1 (missing) takes the ""
        present = np.append(categories.present, False)[codes]
        return WireText(values, present, categories.free_text, categories.longest,
                        categories.suspect, categories.escape)
    if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
        return _datetimes(column)
    if isinstance(dtype, pd.StringDtype):
        return _strings(column.to_numpy(dtype=object), column.isna().to_numpy())
    if dtype.kind == "b":
        missing = column.isna().to_numpy()
        return _booleans(column.to_numpy(dtype=bool, na_value=False), missing)
    if dtype.kind in "iu":
        target = np.uint64 if dtype.kind == "u" else np.int64
        return _numbers(column.to_numpy(dtype=target, na_value=0), ~column.isna().to_numpy())
    if dtype.kind == "f":
        width = {2: np.float16, 4: np.float32}.get(getattr(dtype, "itemsize", 8), np.float64)
        values = column.to_numpy(dtype=width, na_value=np.nan)
        return _numbers(values, np.isfinite(values))
    return _objects(column.to_numpy(dtype=object))


def _strings(values: np.ndarray, missing: np.ndarray) -> WireText:
    n = len(values)
    everything = not missing.any()
    positions = None if everything else np.flatnonzero(~missing)
    items = list(map(str.strip, (values if everything else values[positions]).tolist()))
    out = _object_array(items) if everything else np.full(n, "", dtype=object)
    if not everything:
        out[positions] = items
    present = ~missing
    if "" in items:  # empty or whitespace-only strings
        present &= out != ""
    blob = "".join(items)
    return WireText(
        out, present, free_text=True,
        longest=max(map(len, items), default=0),
        suspect="\x00" in blob or not (blob.isascii() or _encodable(blob)),
        escape='"' in blob or "\\" in blob or any(c in blob for c in _CONTROL),
    )


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _booleans(values: np.ndarray, missing: np.ndarray) -> WireText:
    out = _object_array(["false", "true"])[values.astype(np.intp)]
    out[missing] = ""
    return WireText(out, ~missing)


def _numbers(values: np.ndarray, present: np.ndarray) -> WireText:
    out = np.full(len(values), "", dtype=object)
    # Each distinct number is converted once: lead frames repeat numbers a lot (head counts,
    # years, scores), and factorizing numbers costs little even when they are all distinct.
    codes, uniques = pd.factorize(values[present])
    out[present] = _object_array(_number_texts(np.asarray(uniques)))[codes]
    return WireText(out, present)


def _number_texts(values: np.ndarray) -> list[str]:
    if values.dtype.kind in "iu":
        return list(map(str, values.tolist()))
    whole = values == np.trunc(values)
    if whole.all() and (np.abs(values) < 2.0**63).all():
        return list(map(str, values.astype(np.int64).tolist()))
    return list(map(_float_text, values))


def _float_text(value: float | np.floating) -> str:
    # str() of a numpy float is its shortest round-trip text at its own precision, so a
    # float32 0.1 gives "0.1", not "0.10000000149011612".
    return str(int(value)) if float(value).is_integer() else str(value)


def _datetimes(column: pd.Series) -> WireText:
    missing = column.isna().to_numpy()
    tz = getattr(column.dtype, "tz", None)
    wall = (column.dt.tz_localize(None) if tz is not None else column).to_numpy()
    positions = np.flatnonzero(~missing)
    stamps: npt.NDArray[np.datetime64] = wall[positions]
    unit: Literal["D", "s", "ms", "us", "ns"]
    if tz is None and (stamps.astype("datetime64[D]") == stamps).all():
        unit = "D"
    else:
        finer: tuple[Literal["s", "ms", "us"], ...] = ("s", "ms", "us")
        unit = next((u for u in finer if (stamps.astype(f"datetime64[{u}]") == stamps).all()),
                    "ns")
    text = np.datetime_as_string(stamps, unit=unit).astype(object)
    if tz is not None:
        utc = column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()[positions]
        seconds = (stamps - utc).astype("timedelta64[s]").astype(np.int64)
        codes, offsets = pd.factorize(seconds)
        text = text + _object_array([_utc_offset(int(s)) for s in offsets])[codes]
    out = np.full(len(column), "", dtype=object)
    out[positions] = text
    return WireText(out, ~missing)


def _utc_offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def _objects(values: np.ndarray) -> WireText:
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        return _strings(values, pd.isna(values))
    # Mixed columns (ints and strings, dates, Decimals ...) are converted value by value; not
    # through factorize, which would treat 1, 1.0 and True as one value.
    converted = _object_array(list(map(scalar_text, values.tolist())))
    return _strings(converted, pd.isna(converted))


def is_missing(value: object) -> bool:
    """Whether one cell means "no value": None, NaN (any float), NaT, ``pd.NA``.

    The one rule for single values across the package (sequences, templates, the plan, the
    forms); text, even empty text, is a value. For whole columns see :func:`column_text`.

    >>> [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, np.float32("nan"), "", 0)]
    [True, True, True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return False


def cell_text(value: object) -> str:
    """One cell as the text SmartLead would get, ``""`` when missing (untrimmed).

    A whole float is written without ``.0`` (pandas reads a number column with blanks as
    floats), a boolean as ``true``/``false``:

    >>> [cell_text(v) for v in (3.0, 2.5, None, float("nan"), True, "Hi ")]
    ['3', '2.5', '', '', 'true', 'Hi ']
    """
    text = scalar_text(value)
    return "" if text is None else text


def scalar_text(value: object) -> str | None:
    """One value as wire text, untrimmed; ``None`` for anything that means "no value"."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (np.datetime64, np.timedelta64)):   # before integers: numpy counts
        if np.isnat(value):                                   # a timedelta64 as one
            return None
        value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    elif isinstance(value, (int, np.integer)):
        return str(int(value))
    elif isinstance(value, (float, np.floating)):
        return _float_text(value) if np.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date, dt.time, pd.Timedelta)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def value_problems(text: WireText, column: str, max_length: int) -> dict[int, str]:
    """Rows whose value SmartLead should not get: ``{position: reason}``.

    Checked: values longer than ``max_length`` characters (SmartLead documents no limit; a
    10,000-character "value" is nearly always a stray note or a broken CSV quote), NUL
    characters (PostgreSQL-backed APIs refuse them in text), and lone surrogates (not
    encodable as UTF-8; they come from reading a file with the wrong encoding). Only columns
    whose screening flags say so are searched value by value.
    """
    found: dict[int, str] = {}
    if not text.free_text or (text.longest <= max_length and not text.suspect):
        return found
    positions = np.flatnonzero(text.present)
    present = pd.Series(text.values[positions], dtype=object)
    if text.longest > max_length:
        lengths = present.str.len().to_numpy()
        for position, length in zip(positions[lengths > max_length].tolist(),
                                    lengths[lengths > max_length].tolist()):
            found[position] = (f"value in column {column!r} is {length:,} characters long "
                               f"(the limit is {max_length:,})")
    if text.suspect:
        nul = present.str.contains("\x00", regex=False).to_numpy(dtype=bool)
        for position in positions[nul].tolist():
            found.setdefault(
                position, f"value in column {column!r} contains a NUL character (\\x00)")
        broken = present.str.contains("[\ud800-\udfff]").to_numpy(dtype=bool)
        for position in positions[broken].tolist():
            found.setdefault(position, f"value in column {column!r} is not valid Unicode (a lone "
                                       "surrogate; was the file read with the right encoding?)")
    return found


def _object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
