"""Declaring parameters once: default, range, unit and meaning, checked by one validator.

Every parameter of the model (:class:`~sim.params.ModelParams`), of the levers
(:class:`~sim.policies.Levers`), of an arena (:class:`~sim.policies.ArenaSettings`) and of
the composite styles is a dataclass field made by :func:`bounded`, :func:`choice`,
:func:`flag` or :func:`names`. Its metadata is the declaration: the Hydra schemas, the
explorer's sliders and the parameter tables of ``docs/model.md`` are generated from it, and
:func:`check` is the only place where a value is tested against it (Starsim declares each
module's parameters in one place in the same way). A bad value raises ``ValueError``
starting with the key: ``"<key>: must be a number in [low, high], got X"``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

#: Kinds of declaration: a number in a range, one of a few options, true/false, a list of names.
KINDS = ("number", "choice", "flag", "names")


def _declare(default: Any, *, kind: str, doc: str, unit: str = "", low: float | None = None,
             high: float | None = None, choices: tuple | Callable[[], tuple] | None = None,
             integer: bool = False, status: str = "set", basis: str = "") -> Any:
    metadata = {"kind": kind, "low": low, "high": high, "choices": choices, "integer": integer,
                "unit": unit, "doc": doc, "status": status, "basis": basis}
    return dataclasses.field(default=default, metadata=metadata)


def bounded(default: float, low: float, high: float | None, *, unit: str, doc: str,
            integer: bool = False, status: str = "set", basis: str = "") -> Any:
    """Declare a number in ``[low, high]`` (inclusive; ``high=None``: no upper bound).

    Args:
        default: the value when none is given.
        low: the smallest allowed value.
        high: the largest allowed value, or ``None`` for none.
        unit: what one unit is (``"per month"``, ``"share 0-1"``, ``"citizens"``).
        doc: a one-line meaning.
        integer: only whole numbers are allowed.
        status: ``"set"`` (a design choice), ``"free"`` (varied by the sensitivity
            analysis) or ``"calibrated"`` (tuned to a pattern).
        basis: where the value comes from (a source or a design reason).
    """
    return _declare(default, kind="number", low=low, high=high, integer=integer, unit=unit,
                    doc=doc, status=status, basis=basis)


def choice(default: str, options: tuple[str, ...] | Callable[[], tuple[str, ...]], *, doc: str,
           unit: str = "", status: str = "set", basis: str = "") -> Any:
    """Declare one of ``options`` (a tuple, or a function returning it when first asked)."""
    return _declare(default, kind="choice", choices=options, unit=unit, doc=doc, status=status,
                    basis=basis)


def flag(default: bool, *, doc: str, status: str = "set", basis: str = "") -> Any:
    """Declare a true/false switch."""
    return _declare(default, kind="flag", unit="true/false", doc=doc, status=status, basis=basis)


def names(*, doc: str, unit: str = "names", basis: str = "") -> Any:
    """Declare a list of names (stored as a tuple; empty by default)."""
    return _declare((), kind="names", unit=unit, doc=doc, basis=basis)


def options(f: dataclasses.Field) -> tuple:
    """The options a ``choice`` declaration allows (calling a lazy list of options)."""
    found = f.metadata["choices"]
    return tuple(found() if callable(found) else found)


def describe(f: dataclasses.Field) -> str:
    """Say in words what values a declared parameter allows."""
    m = f.metadata
    kind = m["kind"]
    if kind == "choice":
        return "one of " + ", ".join(repr(c) for c in options(f))
    if kind == "flag":
        return "true or false"
    if kind == "names":
        return f"a list of {m['unit']}"
    what = "an integer" if m["integer"] else "a number"
    if m["high"] is None:
        return f"{what} >= {m['low']}"
    return f"{what} in [{m['low']}, {m['high']}]"


def check(name: str, value: Any, f: dataclasses.Field) -> Any:
    """Return ``value`` as the declaration's type; raise ``ValueError`` naming ``name`` if not allowed.

    Numbers come back as ``int`` (integer declarations) or ``float``, names as a tuple.
    """
    m = f.metadata
    kind = m["kind"]
    bad = ValueError(f"{name}: must be {describe(f)}, got {value!r}")
    if kind == "choice":
        if not isinstance(value, str) or value not in options(f):
            raise bad
        return value
    if kind == "flag":
        if not isinstance(value, bool):
            raise bad
        return value
    if kind == "names":
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise bad
        value = tuple(value)
        if not all(isinstance(v, str) for v in value):
            raise bad
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise bad
    if not math.isfinite(value) or value < m["low"] or (m["high"] is not None and value > m["high"]):
        raise bad
    if m["integer"]:
        if int(value) != value:
            raise bad
        return int(value)
    return float(value)


def validate(obj: Any) -> None:
    """Check every declared field of dataclass ``obj`` and store it as its declared type.

    Call it from ``__post_init__``; works for frozen dataclasses too.
    """
    for f in dataclasses.fields(obj):
        if "kind" in f.metadata:
            object.__setattr__(obj, f.name, check(f.name, getattr(obj, f.name), f))


def declared(cls: type) -> dict[str, dataclasses.Field]:
    """The declared fields of dataclass ``cls``, by name, in declaration order."""
    return {f.name: f for f in dataclasses.fields(cls) if "kind" in f.metadata}


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A declared parameter with the default it has in one place (a style's own levers).

    Attributes:
        name: the key.
        declaration: the dataclass field that declares it (its metadata: range, unit, meaning).
        default: its default here (a style's lever default may differ from ``Levers()``'s).
    """

    name: str
    declaration: dataclasses.Field
    default: Any

    def check(self, value: Any) -> Any:
        """Return ``value`` as the declared type, or raise ``ValueError`` naming the key."""
        return check(self.name, value, self.declaration)

    def bounds(self) -> tuple[float, float | None]:
        """The declared ``(low, high)`` of a number."""
        return self.declaration.metadata["low"], self.declaration.metadata["high"]


def parameters_of(cls: type, defaults: Any = None) -> dict[str, Parameter]:
    """The declared fields of dataclass ``cls`` as parameters, defaults read from ``defaults``.

    ``defaults`` is an instance of ``cls`` (a style's levers); ``None`` takes the declared ones.
    """
    return {name: Parameter(name, f, f.default if defaults is None else getattr(defaults, name))
            for name, f in declared(cls).items()}


def python_type(f: dataclasses.Field) -> Any:
    """The type a typed config (Hydra's schema) gives a declared field."""
    kind = f.metadata["kind"]
    if kind == "number":
        return int if f.metadata["integer"] else float
    return {"choice": str, "flag": bool, "names": list[str]}[kind]


def _number(x: Any) -> str:
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else f"{x:g}" if abs(x) >= 1e-4 else repr(x)


def show_value(x: Any) -> str:
    """A value as the documentation tables print it (``2,000``, ``0.05``, ``true``, ```open```)."""
    if isinstance(x, str):
        return f"`{x}`"
    if isinstance(x, tuple):
        return "`()` = all" if not x else ", ".join(f"`{v}`" for v in x)
    return _number(x)


def show_range(f: dataclasses.Field) -> str:
    """The allowed values as the documentation tables print them (``0–1``, ``a`` / ``b``)."""
    m = f.metadata
    kind = m["kind"]
    if kind == "choice":
        return " / ".join(f"`{c}`" for c in options(f))
    if kind == "flag":
        return "true/false"
    if kind == "names":
        return m["unit"]
    if m["high"] is None:
        return f"≥ {_number(m['low'])}"
    return f"{_number(m['low'])}–{_number(m['high'])}"


def markdown_table(header: list[str], rows: Iterable[list[str]]) -> str:
    """A Markdown table from a header and rows of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def replace_between(text: str, marker: str, content: str) -> str:
    """``text`` with the lines between ``<!-- BEGIN marker -->`` and ``<!-- END marker -->`` replaced."""
    begin, end = f"<!-- BEGIN {marker} -->", f"<!-- END {marker} -->"
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"{marker}: markers {begin} ... {end} not found")
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{content}\n{end}{tail}"


def between(text: str, marker: str) -> str:
    """The text between ``<!-- BEGIN marker -->`` and ``<!-- END marker -->`` (stripped)."""
    begin, end = f"<!-- BEGIN {marker} -->", f"<!-- END {marker} -->"
    _, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise ValueError(f"{marker}: markers {begin} ... {end} not found")
    return rest.partition(end)[0].strip("\n")


__all__ = ["KINDS", "Parameter", "between", "bounded", "check", "choice", "declared", "describe",
           "flag", "markdown_table", "names", "options", "parameters_of", "python_type",
           "replace_between", "show_range", "show_value", "validate"]
