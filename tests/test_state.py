"""Declared state (STYLE.md habit 10): declared once, created at build, locked after it.

Every style is stepped and must leave exactly the declared fields, with their declared
dtypes and shapes; the lock itself is shown to refuse (so the first test cannot pass
because nothing was checked). That nothing below ``sim.model`` imports it is
``tests/test_layers.py``'s.
"""

import dataclasses

import mesa
import numpy as np
import pytest

import sim.mechanisms.needs
import sim.model
from sim import GovernanceModel
from sim.policies import CoCreationSteering, SwitchSteering
from sim.state import (
    MESA_ATTRIBUTES,
    MODEL_DECLARATIONS,
    CitizenState,
    ModelState,
    ProfessionalState,
    StateError,
    declarations,
)
from sim.streams import STREAM_KEYS, Streams

#: Styles and settings that together run every branch of the step: arenas every three
#: months, a blend, and a reform that switches into co-creation mid-run.
STYLES = {
    "result_based": ("result_based", None),
    "experience_based": ("experience_based", None),
    "co_creation": (CoCreationSteering(arena_every=3), None),
    "mixed": ("mixed", {"weight": 0.3}),
    "switch": (SwitchSteering(at_step=6, second=CoCreationSteering(arena_every=3)), None),
}
STEPS = 15


def _small(steering, steering_params=None, **params) -> GovernanceModel:
    return GovernanceModel(steering=steering, steering_params=steering_params, rng=4,
                           n_citizens=300, **params)


def _container_fields(obj) -> set[str]:
    """The attributes a slotted state container holds (it has no ``__dict__``)."""
    assert not hasattr(obj, "__dict__"), type(obj).__name__
    return {f.name for f in dataclasses.fields(obj)}


@pytest.mark.parametrize("style", list(STYLES))
def test_steps_keep_exactly_the_declared_state(style):
    """After every step: no attribute appears or vanishes, and each keeps dtype and shape."""
    steering, steering_params = STYLES[style]
    model = _small(steering, steering_params)
    before = set(vars(model))
    assert before - MESA_ATTRIBUTES == set(MODEL_DECLARATIONS) | {"_state_locked"}
    for step in range(1, STEPS + 1):
        model.step()
        assert set(vars(model)) == before, f"step {step}: {set(vars(model)) ^ before}"
        assert model.check_state() == [], f"step {step}"
        assert _container_fields(model.citizens) == set(declarations(CitizenState))
        assert _container_fields(model.professionals) == set(declarations(ProfessionalState))
    if style in ("co_creation", "switch"):  # the arena branch really ran
        assert model.arena_record is not None and model.arena_cycle >= 3


def test_the_lock_refuses_undeclared_attributes():
    """Setting an undeclared name raises and names it; declared and Mesa names still set."""
    model = _small("result_based")
    with pytest.raises(StateError, match="no_such_state"):
        model.no_such_state = 1.0
    assert "no_such_state" not in vars(model)
    with pytest.raises(AttributeError, match="no_such_array"):
        model.citizens.no_such_array = np.zeros(3)
    with pytest.raises(AttributeError, match="no_such_array"):
        model.professionals.no_such_array = np.zeros(3)
    model.spending = 2.0  # declared
    model.running = True  # Mesa's own
    assert model.spending == 2.0


def test_a_mechanism_that_creates_state_fails_the_step(monkeypatch):
    """A phase that sets an undeclared model attribute makes ``step`` raise, naming it."""
    original = sim.mechanisms.needs.evolve_needs

    def leaky(m):
        m.leaked_field = 1.0
        return original(m)

    monkeypatch.setattr(sim.model, "evolve_needs", leaky)
    model = _small("result_based")
    with pytest.raises(StateError, match="leaked_field"):
        model.step()


def test_check_state_reports_wrong_dtype_shape_and_missing_fields():
    """``check_state`` catches a mistyped, misshapen or missing declared field."""
    model = _small("result_based")
    assert model.check_state() == []
    model.code = model.code.astype(np.float32)
    model.kpi_units = np.zeros(model.p.n_domains + 1)
    model.citizens.trust = model.citizens.trust[:-1]
    del model.__dict__["survey"]
    problems = " | ".join(model.check_state())
    assert "code: dtype float32" in problems
    assert "kpi_units: shape" in problems
    assert "CitizenState.trust: shape" in problems
    assert "survey: declared but not set" in problems
    with pytest.raises(StateError, match="code"):
        model.lock_state()


def test_build_is_checked_before_the_lock(monkeypatch):
    """A build that leaves a declared field unset fails at construction, naming the field."""
    original = GovernanceModel._build

    def incomplete(self, p):
        original(self, p)
        del self.__dict__["bunching"]

    monkeypatch.setattr(GovernanceModel, "_build", incomplete)
    with pytest.raises(StateError, match="bunching: declared but not set"):
        _small("result_based")


def test_mesa_attributes_are_mesa_own_and_distinct_from_declared_state():
    """The allowed Mesa names cover a bare Mesa model and never shadow declared state."""

    class Bare(mesa.Model):
        def step(self) -> None:
            """Do nothing."""

    bare = Bare(rng=1)
    bare.step()
    assert set(vars(bare)) <= MESA_ATTRIBUTES
    assert not MESA_ATTRIBUTES & set(MODEL_DECLARATIONS)


def test_declared_state_is_plain_attributes_so_setting_it_can_skip_the_lock():
    """No declared name is a descriptor anywhere on the model's classes.

    The lock writes declared fields straight into the instance dict (the per-step path);
    a property or other descriptor of the same name would be bypassed silently.
    """
    shadowed = [name for name in MODEL_DECLARATIONS for base in GovernanceModel.__mro__
                if name in vars(base) and hasattr(vars(base)[name], "__set__")]
    assert not shadowed


def test_every_field_is_declared_with_dtype_shape_and_meaning():
    """Each declaration names a dtype, a parenthesised shape and a one-line meaning."""
    for owner in (CitizenState, ProfessionalState, ModelState):
        for name, decl in declarations(owner).items():
            assert decl.dtype and decl.doc.strip(), f"{owner.__name__}.{name}"
            assert decl.shape.startswith("(") and decl.shape.endswith(")"), name
            assert "\n" not in decl.doc, name


def test_streams_declare_every_named_stream():
    """Each stream in STREAM_KEYS is declared on Streams, and each declared one exists."""
    assert list(Streams.__annotations__) == list(STREAM_KEYS)
    streams = Streams(3)
    for name in STREAM_KEYS:
        assert isinstance(getattr(streams, name), np.random.Generator), name


def test_removed_state_stays_removed():
    """Unread state was removed; preferences (read by the council) and skill stay declared."""
    for name in ("scenario_name", "resolved", "effort_per_need", "_touched"):
        assert name not in MODEL_DECLARATIONS, name
    assert "preference" in declarations(CitizenState)
    assert "skill" in declarations(ProfessionalState)


def test_state_keeps_its_dtypes_with_no_open_cases():
    """With no need at all (no cases), empty reductions still give the declared dtypes."""
    model = _small("co_creation", shock_per_step=0.0, need_decline_per_step=1.0)
    for step in range(1, 5):
        model.step()
        assert model.open_idx.size == 0
        assert model.check_state() == [], f"step {step}"
