"""What the composite styles (``mixed``, ``switch``) share: a pair of styles, by name or object.

The pair's parameters are declared once (:class:`PairSettings`); a part given by name is
checked against the registered styles and built with its own defaults, a part given as a
style object is used as it is (emcee composes moves the same way).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sim.fields import Parameter, check, choice, declared, parameters_of
from sim.policies.base import SteeringStyle, style_class, style_names


@dataclass(frozen=True)
class PairSettings:
    """The two parts of a composite style, as a config names them."""

    first: str = choice("result_based", style_names, unit="style name",
                       doc="the first part: in force before the switch, or at weight 0")
    second: str = choice("experience_based", style_names, unit="style name",
                        doc="the second part: in force from the switch, or at weight 1")


class PairStyle(SteeringStyle):
    """A style made of two others, ``first`` and ``second`` (not selectable by itself)."""

    #: the declarations of the style's parameters (``first``, ``second`` and its own)
    parameter_class: ClassVar[type] = PairSettings

    def __init__(self, first: SteeringStyle | str | None = None,
                 second: SteeringStyle | str | None = None) -> None:
        """Take each part as a style object, a style name or ``None`` (the declared default)."""
        self.first = self._part("first", first)
        self.second = self._part("second", second)

    @classmethod
    def parameters(cls) -> dict[str, Parameter]:
        """The parts and the style's own parameters, with their declared defaults."""
        return parameters_of(cls.parameter_class)

    @classmethod
    def check_keys(cls, params: dict[str, Any]) -> None:
        """Reject a keyword that is not a parameter of the style, listing the allowed ones."""
        allowed = list(cls.parameters())
        for key in params:
            if key not in allowed:
                raise ValueError(f"{key}: not a parameter of {cls.name}; allowed: {', '.join(allowed)}")

    def _part(self, key: str, value: SteeringStyle | str | None) -> SteeringStyle:
        if isinstance(value, SteeringStyle):
            return value
        declaration = declared(self.parameter_class)[key]
        name = declaration.default if value is None else check(key, value, declaration)
        return style_class(str(name))()

    def describe(self) -> dict[str, Any]:
        """Return the name, the style's own parameters and both parts."""
        own = {k: getattr(self, k) for k in self.parameters() if k not in ("first", "second")}
        return {"name": self.name, **own, "first": self.first.describe(),
                "second": self.second.describe()}
