"""Helpers that make agent attributes thin views over the model's state arrays."""

from __future__ import annotations

from typing import Any


def row_view(state: str | None, name: str, doc: str) -> property:
    """A property reading and writing ``model.<state>.<name>[self.row]``.

    With ``state`` ``None`` the array is ``model.<name>``.
    """

    def holder(self: Any) -> Any:
        return self.model if state is None else getattr(self.model, state)

    def get(self: Any) -> Any:
        value = getattr(holder(self), name)[self.row]
        return value.item() if getattr(value, "ndim", 1) == 0 else value

    def set_(self: Any, value: Any) -> None:
        getattr(holder(self), name)[self.row] = value

    return property(get, set_, doc=doc)
