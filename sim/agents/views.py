"""Helpers that make agent attributes thin views over the model's state arrays."""

from __future__ import annotations

from typing import Any


def row_view(state: str, name: str, doc: str) -> property:
    """A property reading and writing ``model.<state>.<name>[self.row]``."""

    def get(self: Any) -> Any:
        value = getattr(getattr(self.model, state), name)[self.row]
        return value.item() if getattr(value, "ndim", 1) == 0 else value

    def set_(self: Any, value: Any) -> None:
        getattr(getattr(self.model, state), name)[self.row] = value

    return property(get, set_, doc=doc)
