"""The model's summary metrics match the stored baseline (tests/baseline.json)."""

from __future__ import annotations

import json

import pytest

from tests.baseline import BASELINE, summarise


def test_summary_metrics_match_baseline():
    """Every stored final-year mean is reproduced to 1e-6 (relative); NaN stays NaN."""
    expected = json.loads(BASELINE.read_text())
    actual = summarise()
    assert sorted(actual) == sorted(expected)
    for run, metrics in expected.items():
        assert sorted(actual[run]) == sorted(metrics), run
        for name, value in metrics.items():
            got = actual[run][name]
            if value is None:
                assert got is None, f"{run} {name}: expected NaN, got {got}"
            else:
                assert got == pytest.approx(value, rel=1e-6, abs=1e-9), f"{run} {name}"
