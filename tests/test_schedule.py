"""The schedule is plain calls (STYLE.md habit 13) in the docstring's order (MODEL.md §3).

The class docstring's numbered list and the ``self._phase()`` calls in ``step()`` are read
from the source and compared; reordered copies of either are shown to be caught.
"""

import ast
import inspect
import re
import textwrap

from sim import GovernanceModel

#: A numbered docstring line: ``3. leaders: ...`` or ``2. politicians (yearly): ...``.
_ITEM = re.compile(r"^\s*(\d+)\.\s+([a-z][a-z ]*?)\s*(?:\([^)]*\))?\s*:", re.MULTILINE)


def docstring_phases(doc: str) -> list[str]:
    """Phase method names from a docstring's numbered list (``time allocation`` -> ``_time_allocation``)."""
    found = _ITEM.findall(doc)
    assert [int(n) for n, _ in found] == list(range(1, len(found) + 1)), "numbering"
    return ["_" + name.strip().replace(" ", "_") for _, name in found]


def step_calls(source: str) -> list[str]:
    """Names of the ``self._name()`` statements in a ``step`` method's body, in order."""
    func = ast.parse(textwrap.dedent(source)).body[0]
    assert isinstance(func, ast.FunctionDef) and func.name == "step"
    calls = []
    for stmt in func.body:
        if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, ast.Attribute)
                and isinstance(stmt.value.func.value, ast.Name)
                and stmt.value.func.value.id == "self" and not stmt.value.args):
            calls.append(stmt.value.func.attr)
    return calls


def _step_source() -> str:
    return inspect.getsource(GovernanceModel.step)


def test_step_calls_the_docstring_phases_in_order():
    """``step()`` calls, one line each, exactly the phases the docstring numbers 1-11."""
    phases = docstring_phases(GovernanceModel.__doc__ or "")
    assert len(phases) == 11
    assert step_calls(_step_source()) == phases
    for name in phases:
        assert callable(getattr(GovernanceModel, name, None)), name


def test_step_has_no_loop_over_phase_names():
    """The schedule is written out: no ``getattr`` dispatch and no loop in ``step()``."""
    tree = ast.parse(textwrap.dedent(_step_source()))
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.While))]
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert "getattr" not in names


def test_a_reordered_step_is_caught():
    """Swapping two calls in a copy of ``step()`` makes the comparison fail."""
    source = textwrap.dedent(_step_source())
    swapped = source.replace("self._cases()", "@@").replace(
        "self._time_allocation()", "self._cases()").replace("@@", "self._time_allocation()")
    assert swapped != source
    phases = docstring_phases(GovernanceModel.__doc__ or "")
    assert step_calls(swapped) != phases
    dropped = source.replace("    self._arena()\n", "")
    assert dropped != source
    assert step_calls(dropped) != phases


def test_a_reordered_docstring_is_caught():
    """Swapping two items of a copy of the docstring makes the comparison fail."""
    doc = GovernanceModel.__doc__ or ""
    swapped = doc.replace("6. production:", "6. measurement:", 1).replace(
        "7. measurement:", "7. production:", 1)
    assert swapped != doc
    assert docstring_phases(swapped) != step_calls(_step_source())
