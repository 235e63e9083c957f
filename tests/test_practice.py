"""The lessons' "Your turn" checks (hooklab.practice): they print the labs' feedback and never raise."""

from __future__ import annotations

import hooklab


def test_a_right_answer_prints_one_pass_line(capsys):
    assert hooklab.practice.same(4, 4, "wasted polls") is None  # nothing to show under the line
    assert capsys.readouterr().out == "✅ wasted polls: 4\n"


def test_a_wrong_structure_names_what_differs_and_goes_on(capsys):
    got = {"email": "a@x.com", "tags": ["FOOTER-FORM"]}
    hooklab.practice.same(got, {"email": "a@x.com", "tags": ["footer-form"]}, "the member", hint="lowercase")
    out = capsys.readouterr().out
    assert out.startswith("❌ the member: expected ") and "tags[0]: expected 'footer-form', got 'FOOTER-FORM'" in out
    assert out.rstrip().endswith("Hint: lowercase")


def test_numbers_within_a_tolerance_and_conditions(capsys):
    import numpy as np

    hooklab.practice.close(0.334, np.float64(1 / 3), "share")
    hooklab.practice.close("a lot", 1 / 3, "share")
    hooklab.practice.yes(False, "p95", "under 20 ms", "35.0 ms", hint="queue the work")
    assert capsys.readouterr().out.splitlines() == [
        "✅ share: 0.334", "❌ share: expected about 0.333333; got 'a lot'.",
        "❌ p95: expected under 20 ms; got 35.0 ms. Hint: queue the work"]
