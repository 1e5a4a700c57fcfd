"""widgets._common: the words a form shows for an error, its status messages and its tables.

Pure functions (no widget is built): what every form's error line and preview table rely on.
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartlead_nb.errors import (
    InputError, NotFoundError, RateLimitError, TransportError, ValidationError,
)
from smartlead_nb.widgets._common import PAGE_ROWS, error_message, message, plain_words, table


@pytest.mark.parametrize("error, words", [
    (RateLimitError("Too many requests", status=429),
     "SmartLead said: Too many requests (HTTP 429)"),
    (TransportError("could not connect"), "SmartLead said: could not connect"),
    # a NotFoundError is a KeyError too: still SmartLead's words, not KeyError's quoting
    (NotFoundError("campaign 7 not found", status=404),
     "SmartLead said: campaign 7 not found (HTTP 404)"),
    (ValidationError("email is required", status=422),
     "SmartLead said: email is required (HTTP 422)"),
    (InputError("row 3: 'Email' is empty; fill it or drop the row"),
     "row 3: 'Email' is empty; fill it or drop the row"),
    (ValueError("bad value"), "bad value"),
    (KeyError("no column 'Email'"), "no column 'Email'"),    # str(KeyError) would quote it
    (RuntimeError("boom"), "RuntimeError: boom"),
])
def test_plain_words_are_the_errors_own_words(error, words):
    assert plain_words(error) == words


def test_a_smartlead_url_is_left_out_of_the_words():
    error = RateLimitError("slow down", status=429, url="https://server.smartlead.ai/api/v1/x")
    assert "smartlead.ai" not in plain_words(error)


def test_messages_are_escaped_line_by_line_and_coloured_by_kind():
    html = message("<b>2 rows</b> & more\nsecond line", "warning")
    assert html == ('<div class="sl-msg sl-msg-warning" style="color:#8a5a00">'
                    '&lt;b&gt;2 rows&lt;/b&gt; &amp; more<br>second line</div>')
    assert 'style="color:#333333"' in message("x", "no-such-kind")  # unknown kinds look like info
    assert message("").endswith(">&nbsp;</div>")  # an empty message still takes its line


def test_error_message_is_the_plain_words_as_an_error():
    assert error_message(ValueError("a < b")) == (
        '<div class="sl-msg sl-msg-error" style="color:#b00020">a &lt; b</div>')


def test_a_table_shows_at_most_a_page_and_says_how_many_more():
    frame = pd.DataFrame({"email": [f"r{i}@x.io" for i in range(PAGE_ROWS + 5)]})
    html = table(frame)
    assert html.count("<tr") == PAGE_ROWS + 1  # the header row and one page
    assert html.endswith('<div class="sl-more">… and 5 more rows</div>')
    assert "sl-more" not in table(frame.head(PAGE_ROWS))
    assert table(frame, max_rows=2).count("<tr") == 3


def test_a_table_escapes_cells_and_shows_missing_values_as_blank():
    html = table(pd.DataFrame({"note": ["<script>x</script>", None]}), index=False)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "None" not in html and "NaN" not in html
    assert "<b>" in table(pd.DataFrame({"html": ["<b>ok</b>"]}), escape=False)
