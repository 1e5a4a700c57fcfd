"""Assemble lead payloads from cleaned columns: as dicts, or straight to JSON bytes.

The JSON path builds no dict per lead. A lead's JSON is an alternation of *glue* and
*values*; ``{"email":"ana@x.eu","first_name":"Ana","custom_fields":{"Title":"CFO"}}`` is
the glue ``{"email":"``, the value ``ana@x.eu``, the glue ``","first_name":"``, the value
``Ana``, the glue ``","custom_fields":{"Title":"``, the value ``CFO`` and the glue ``"}}``.

Each glue is one of a handful of constant strings, chosen per row by numpy from which values
are present (a missing value drops its key, and commas follow). Values that need no escaping
(the common case, screened per column) are the cleaned strings themselves; a column that
has a quote, backslash or control character somewhere is JSON-encoded by one ``json.dumps``
call over the whole column. Each lead is ``"".join`` over its row of glue and values (``zip``
and ``map`` run that loop in C), and a batch is ``",".join`` of its leads. Memory stays
flat: one chunk of rows is laid out at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from smartlead_nb.frames.clean import WireText

__all__ = ["json_batches", "json_strings", "lead_dicts"]

Columns = list[tuple[str, WireText]]
#: Glue text and when it is written: always/never (a bool) or per row (a bool array).
Piece = tuple["bool | np.ndarray", str]

_CHUNK_ROWS = 50_000


def json_strings(values: list[str]) -> list[str]:
    """``json.dumps(value)`` for every value, in one C-level encoding pass.

    A raw newline never occurs inside encoded JSON, so it separates the values.

    >>> json_strings(['Ana', 'say "hi"'])
    ['"Ana"', '"say \\\\"hi\\\\""']
    """
    if not values:
        return []
    return json.dumps(values, ensure_ascii=False, separators=("\n", ":"))[1:-1].split("\n")


def lead_dicts(standard: Columns, custom: Columns, n: int) -> list[dict]:
    """The payload dicts: standard fields, then ``custom_fields`` when the lead has any."""
    std_keys = [key for key, _ in standard]
    cus_keys = [key for key, _ in custom]
    std_rows = zip(*[text.values.tolist() for _, text in standard])
    cus_rows = zip(*[text.values.tolist() for _, text in custom]) if custom else [()] * n
    leads: list[dict] = []
    for std_row, cus_row in zip(std_rows, cus_rows):
        lead = {k: v for k, v in zip(std_keys, std_row) if v}
        extra = {k: v for k, v in zip(cus_keys, cus_row) if v}
        if extra:
            lead["custom_fields"] = extra
        leads.append(lead)
    return leads


def json_batches(standard: Columns, custom: Columns, n: int,
                 batch_size: int) -> Iterator[tuple[int, int, bytes]]:
    """Yield ``(start, stop, body)`` per batch: ``body`` is the UTF-8 JSON array of the leads.

    ``standard`` must start with ``email``, which every lead has.
    """
    chunk = batch_size * max(1, _CHUNK_ROWS // batch_size)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        leads = list(map("".join, zip(*_slots(standard, custom, start, stop))))
        for first in range(0, stop - start, batch_size):
            last = min(stop - start, first + batch_size)
            text = "[" + ",".join(leads[first:last]) + "]"
            yield start + first, start + last, text.encode("utf-8")


def _slots(standard: Columns, custom: Columns, start: int, stop: int) -> list[list[str]]:
    rows = stop - start
    any_custom = np.zeros(rows, dtype=bool)
    for _, text in custom:
        any_custom |= text.present[start:stop]

    slots: list[list[str]] = []
    close: Piece = (False, "")  # the previous value's closing quote, if it is quoted by glue
    seen = np.zeros(rows, dtype=bool)  # a custom field is already written in this row
    opened = False
    for i, (key, text, is_custom) in enumerate(
            [(k, t, False) for k, t in standard] + [(k, t, True) for k, t in custom]):
        present = text.present[start:stop]
        if i and not present.any():
            continue
        values, quoted = _values(text, start, stop)
        quote = '"' if quoted else ""
        name = json.dumps(key, ensure_ascii=False) + ":" + quote
        pieces: list[Piece]
        if i == 0:
            pieces = [(True, "{" + name)]
        elif not is_custom:
            pieces = [close, (present, "," + name)]
        else:
            pieces = [close]
            if not opened:
                pieces.append((any_custom, ',"custom_fields":{'))
                opened = True
            pieces += [(present & seen, ","), (present, name)]
            seen = seen | present
        slots += [_glue(pieces, rows), values]
        close = (present if quoted else False, '"')
    slots.append(_glue([close, (any_custom if opened else False, "}"), (True, "}")], rows))
    return slots


def _values(text: WireText, start: int, stop: int) -> tuple[list[str], bool]:
    """A chunk of a column's values as JSON text, and whether glue must add the quotes."""
    values = text.values[start:stop]
    if not text.escape:
        return values.tolist(), True
    present = text.present[start:stop]
    out = np.full(stop - start, "", dtype=object)
    encoded = np.empty(int(present.sum()), dtype=object)
    encoded[:] = json_strings(values[present].tolist())
    out[present] = encoded
    return out.tolist(), False


def _glue(pieces: list[Piece], rows: int) -> list[str]:
    """Per row, the concatenation of the texts whose condition holds.

    A condition is a bool (same for every row) or a bool array; with k arrays the glue is one
    of 2**k strings built here once, and rows only pick one by index.
    """
    arrays = [cond for cond, _ in pieces if isinstance(cond, np.ndarray)]
    codes = np.zeros(rows, dtype=np.intp)
    for bit, cond in enumerate(arrays):
        codes |= cond.astype(np.intp) << bit
    table = []
    for code in range(2 ** len(arrays)):
        bit, texts = 0, []
        for when, text in pieces:
            if isinstance(when, np.ndarray):
                on, bit = bool(code >> bit & 1), bit + 1
            else:
                on = bool(when)
            if on:
                texts.append(text)
        table.append("".join(texts))
    if not arrays:
        return [table[0]] * rows
    lookup = np.empty(len(table), dtype=object)
    lookup[:] = table
    return lookup[codes].tolist()
