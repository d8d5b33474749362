"""The public API runs as the README says."""

from sim import GovernanceModel, simulate
from sim.mechanisms.metrics import METRICS


def test_readme_api_runs():
    """The calls shown in the README run and return the documented shape."""
    model = GovernanceModel()
    model.step()
    assert model.steps == 1
    model = GovernanceModel(steering="experience_based", n_citizens=500, rng=7)
    model.step()
    df = simulate(steps=5, seed=3, steering="result_based", n_citizens=300)
    assert list(df["step"]) == [1, 2, 3, 4, 5]
    assert set(METRICS) <= set(df.columns)
