"""How state is declared and checked: a field's dtype, shape in words and meaning.

:func:`state` declares one field of a state dataclass (:mod:`sim.state`);
:func:`check_value` compares a value with its declaration, naming the owner and field, so
a missing, mistyped or misshaped array is found at build time rather than mid-run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

#: Numpy dtype names a field may declare; any other dtype is a Python type (checked by
#: name for ``float``, ``int``, ``bool``, ``dict``, ``list``; documented otherwise).
_NUMPY_DTYPES = frozenset({"float64", "int64", "int32", "uint8", "bool"})
_PYTHON_TYPES = {"float": (float, np.floating), "int": (int, np.integer),
                 "bool": (bool, np.bool_), "dict": (dict,), "list": (list,)}


@dataclass(frozen=True)
class Declared:
    """A field's declaration: dtype, shape in words, meaning, whether ``None`` is allowed."""

    dtype: str
    shape: str
    doc: str
    optional: bool = False


def state(dtype: str, shape: str, doc: str, optional: bool = False) -> Any:
    """Declare a state field: ``dtype``, ``shape`` in words (``"(n_citizens,)"``), meaning.

    Args:
        dtype: a numpy dtype name (``float64``, ``int64``, ...) or a Python type name.
        shape: the shape in dimension names; ``"()"`` for a scalar.
        doc: one line on what the field means.
        optional: whether the field may hold ``None`` (e.g. no arena yet).

    Returns:
        A dataclass field (no default: every field is set at build time).
    """
    return dataclasses.field(metadata={"state": Declared(dtype, shape, doc, optional)})


def check_value(owner: str, name: str, decl: Declared, value: Any, dims: dict[str, int]
                 ) -> list[str]:
    """Problems with ``value`` against its declaration (empty list if none)."""
    if value is None:
        return [] if decl.optional else [f"{owner}.{name}: None, declared {decl.dtype}"]
    if decl.dtype in _NUMPY_DTYPES:
        if not (sp.issparse(value) or isinstance(value, np.ndarray)):
            return [f"{owner}.{name}: {type(value).__name__}, declared a {decl.dtype} array"]
        arr_dtype, shape = value.dtype, value.shape
        problems = []
        if arr_dtype != np.dtype(decl.dtype):
            problems.append(f"{owner}.{name}: dtype {arr_dtype}, declared {decl.dtype}")
        words = [w.strip() for w in decl.shape.strip("()").split(",") if w.strip()]
        if len(words) != len(shape):
            problems.append(f"{owner}.{name}: shape {shape}, declared {decl.shape}")
        else:
            for word, size in zip(words, shape, strict=True):
                want = dims.get(word, int(word) if word.isdigit() else None)
                if want is not None and size != want:
                    problems.append(f"{owner}.{name}: shape {shape}, declared {decl.shape}")
                    break
        return problems
    kinds = _PYTHON_TYPES.get(decl.dtype)
    if kinds is not None and not isinstance(value, kinds):
        return [f"{owner}.{name}: {type(value).__name__}, declared {decl.dtype}"]
    return []


def declared_fields(cls: type) -> dict[str, Declared]:
    """``{name: declaration}`` of a state dataclass, in field order."""
    return {f.name: f.metadata["state"] for f in dataclasses.fields(cls)}


class Locked:
    """State container with slots: only declared fields can be set."""

    __slots__ = ()

    def check(self, dims: dict[str, int]) -> list[str]:
        """Problems of every declared field against its dtype and shape (empty if none)."""
        owner = type(self).__name__
        return [problem for name, decl in declared_fields(type(self)).items()
                for problem in check_value(owner, name, decl, getattr(self, name), dims)]
