"""resources._base: the checks every endpoint group shares, on their own (pure, no HTTP).

``Resource._call`` / ``_paginate`` send requests, so they are tested over HTTP with the client
(test_client*.py); here are the functions they are built from.
"""

from __future__ import annotations

import doctest
import re

import numpy as np
import pytest

from smartlead_nb._transport import Response
from smartlead_nb.errors import InputError, UnexpectedResponse
from smartlead_nb.resources import _base
from smartlead_nb.resources._base import check_id, check_shape, id_in_answer, iter_pages, list_rows


# --- check_id -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [7, "7", " 7 ", 7.0, np.int64(7)])
def test_an_id_is_a_positive_whole_number_in_any_spelling(value):
    assert check_id(value, "campaign_id") == 7
    assert type(check_id(value, "campaign_id")) is int


@pytest.mark.parametrize("value", [0, -3, 2.5, "2.5", "seven", "", None, True, False, [7]])
def test_anything_else_is_refused_before_a_url_is_built(value):
    with pytest.raises(InputError) as info:
        check_id(value, "campaign_id")
    assert str(info.value) == f"campaign_id must be a positive whole number, got {value!r}"


# --- list_rows ----------------------------------------------------------------------------

def test_rows_are_a_bare_array_or_under_the_first_key_that_holds_one():
    assert list_rows([1, 2], "data") == [1, 2]
    assert list_rows({"data": [1], "leads": [2]}, "leads", "data") == [2]
    assert list_rows({"data": None, "leads": [2]}, "data", "leads") == [2]


def test_rows_one_level_down_are_found_under_the_same_keys():
    body = {"ok": True, "data": {"campaign_wise_performance": [{"id": 7}]}}
    assert list_rows(body, "data", "campaign_wise_performance") == [{"id": 7}]


@pytest.mark.parametrize("body", [None, "text", 7, {}, {"data": "x"}, {"other": [1]}])
def test_a_body_without_rows_gives_none(body):
    assert list_rows(body, "data") == []


# --- check_shape --------------------------------------------------------------------------

@pytest.mark.parametrize("body, shape", [
    ({"id": 7}, dict), ([], list), ("anything", None), ([1], ("data",)),
    ({"data": []}, ("data",)), ({"data": {"leads": [1]}}, ("data", "leads")),
])
def test_a_body_of_the_promised_shape_is_returned_as_is(body, shape):
    assert check_shape(Response(200, body, {}), shape, "GET", "/api/v1/x") is body


def test_another_shape_is_an_unexpected_response_naming_the_endpoint_and_what_came():
    response = Response(200, {"ok": True, "message": "x"}, {"Content-Type": "application/json"})
    with pytest.raises(UnexpectedResponse) as info:
        check_shape(response, list, "GET", "/api/v1/campaigns/")
    error = info.value
    assert str(error).startswith(
        "[200] GET /api/v1/campaigns/ answered 200 with a dict with keys ['message', 'ok'] "
        "where a list is due (Content-Type: application/json); nothing was read from it.")
    assert error.body == {"ok": True, "message": "x"}
    assert (error.status, error.content_type) == (200, "application/json")


@pytest.mark.parametrize("body, shape, said", [
    ("<html>login</html>", dict, "with a str where a JSON object is due (Content-Type: none)"),
    (None, ("data", "leads"), "with a nothing where a list (or an object with 'data' or "
                              "'leads') is due"),
    ({"data": {"total": 3}}, ("data",), "with a dict with keys ['data'] where a list"),
])
def test_the_message_says_what_came_and_what_was_due(body, shape, said):
    with pytest.raises(UnexpectedResponse, match=re.escape(said)):
        check_shape(Response(200, body, {}), shape, "POST", "/api/v1/x")


# --- iter_pages ---------------------------------------------------------------------------

def pager(rows: list):
    """A fetch over ``rows`` that records the (offset, size) of every page asked for."""
    asked: list[tuple[int, int]] = []

    def fetch(offset: int, size: int) -> list:
        asked.append((offset, size))
        return rows[offset:offset + size]

    return fetch, asked


def test_pages_are_read_until_a_short_one():
    fetch, asked = pager(list(range(45)))
    assert list(iter_pages(fetch, 20)) == list(range(45))
    assert asked == [(0, 20), (20, 20), (40, 20)]


def test_a_full_last_page_costs_one_empty_read():
    fetch, asked = pager(list(range(40)))
    assert list(iter_pages(fetch, 20)) == list(range(40))
    assert asked == [(0, 20), (20, 20), (40, 20)]


def test_a_limit_stops_inside_a_page_and_reads_no_further():
    fetch, asked = pager(list(range(100)))
    assert list(iter_pages(fetch, 20, limit=25)) == list(range(25))
    assert asked == [(0, 20), (20, 20)]
    fetch, asked = pager(list(range(100)))
    assert list(iter_pages(fetch, 20, limit=20)) == list(range(20)) and asked == [(0, 20)]


def test_pages_are_read_lazily():
    fetch, asked = pager(list(range(100)))
    rows = iter_pages(fetch, 10)
    assert asked == []
    assert next(rows) == 0 and asked == [(0, 10)]


# --- id_in_answer -------------------------------------------------------------------------

@pytest.mark.parametrize("body, places, found", [
    ({"id": 9}, ("id",), 9),
    ({"ok": True, "data": {"id": "9"}}, ("emailAccountId", "data.id", "id"), 9),
    ({"subsequence_id": 4, "id": 5}, ("subsequence_id", "id"), 4),   # the first place wins
    ({"id": "abc", "data": {"id": 6}}, ("id", "data.id"), 6),        # text that is no number
    ({"id": True, "new_id": 3}, ("id", "new_id"), 3),                # a flag is not an id
    ({"id": 2.5}, ("id",), None),
    ({"data": [{"id": 1}]}, ("data.id",), None),                     # only objects are entered
    ({"data": "9"}, ("data.id",), None),                             # a place past the answer
    ([{"id": 1}], ("id",), None), (None, ("id",), None), ({}, (), None),
])
def test_the_new_id_is_the_first_whole_number_at_the_places(body, places, found):
    assert id_in_answer(body, *places) == found


def test_docstring_examples_hold():
    failures, tried = doctest.testmod(_base)
    assert tried > 0 and failures == 0
