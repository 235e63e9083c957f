"""The grading boundary's codec and errors, without a kernel (the whole path is in test_trust.py)."""

from __future__ import annotations

import datetime as dt
import queue

import pandas as pd
import pytest
import requests

from hooklab import errors
from hooklab.course.boundary import RemoteError, decode, describe, encode, rebuild


def refuse(obj):
    raise AssertionError(f"{obj!r} should have crossed as data")


@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, "olá", [1, "a"], {"a": [1, {"b": None}]}, (1, 2), {1, 2}, b"\x00raw",
    dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone.utc), pd.Timestamp("2026-01-05 12:00"),
])
def test_plain_data_crosses_as_itself(value):
    assert decode(encode(value, refuse), refuse) == value


def test_a_dataframe_crosses_with_its_columns_and_rows():
    df = pd.DataFrame({"email": ["a@x.com", "b@x.com"], "total": [1.5, None]})
    pd.testing.assert_frame_equal(decode(encode(df, refuse), refuse), df)


def test_an_object_that_is_not_data_crosses_as_a_reference():
    class Liar:
        def __eq__(self, other):
            return True

    exported = []
    data = encode([Liar()], lambda obj: exported.append(obj) or {"$": "ref", "id": "1"})
    assert len(exported) == 1 and data == [{"$": "ref", "id": "1"}]
    assert decode(data, lambda ref: f"resolved {ref['id']}") == ["resolved 1"]


def raised(e: BaseException) -> BaseException:
    try:
        raise e
    except BaseException as caught:
        return caught


@pytest.mark.parametrize("error", [KeyError("email"), ValueError("bad"), queue.Empty(), queue.Full(),
                                   requests.ConnectionError("refused")])
def test_an_error_a_learner_catches_by_class_comes_back_as_that_class(error):
    back = rebuild(describe(raised(error)))
    assert type(back) is type(error) and str(back) == str(error)


def test_hooklab_errors_keep_their_fields_and_others_become_remote_errors():
    back = rebuild(describe(raised(errors.ServiceError("crm", 503, "down"))))
    assert isinstance(back, errors.ServiceError) and back.status == 503

    class Mine(Exception):
        pass

    other = rebuild(describe(raised(Mine("made up"))))
    assert type(other) is RemoteError and "Mine: made up" in str(other)
    forged = rebuild({"type": "system", "module": "os", "message": "x"})  # a module not on the list
    assert type(forged) is RemoteError
