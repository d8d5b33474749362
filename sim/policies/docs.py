"""The style tables of ``docs/model.md`` (section 5), generated from the declarations.

``python -m sim.docs --table`` writes them between their marker comments, with the
parameter table of section 9.1; a test fails when the file is stale.
"""

from __future__ import annotations

from sim.fields import declared, markdown_table, show_range, show_value
from sim.policies.base import REGISTRY, Levers, LeverStyle
from sim.policies.co_creation import ArenaSettings


def lever_table() -> str:
    """Every lever: meaning, unit, range, each fixed style's value and ``Levers()``'s."""
    styles = [cls for cls in REGISTRY.values() if issubclass(cls, LeverStyle)]
    header = ["lever (`Levers`)", "meaning", "unit", "range", *(f"`{c.name}`" for c in styles),
              "`Levers()`"]
    rows = [[f"`{name}`", f.metadata["doc"], f.metadata["unit"], show_range(f),
             *(show_value(getattr(c.defaults, name)) for c in styles), show_value(f.default)]
            for name, f in declared(Levers).items()]
    return markdown_table(header, rows)


def setting_tables() -> dict[str, str]:
    """The arena settings, and every style's parameters that are neither levers nor arena settings."""
    arena = markdown_table(
        ["setting", "default", "range", "unit", "meaning (4.9)", "basis"],
        [[f"`{name}`", show_value(f.default), show_range(f), f.metadata["unit"], f.metadata["doc"],
          f.metadata["basis"]] for name, f in declared(ArenaSettings).items()])
    shared = set(declared(Levers)) | set(declared(ArenaSettings))
    own = markdown_table(
        ["style", "parameter", "default", "range", "unit", "meaning"],
        [[f"`{cls.name}`", f"`{p.name}`", show_value(p.default), show_range(p.declaration),
          p.declaration.metadata["unit"], p.declaration.metadata["doc"]]
         for cls in REGISTRY.values() for p in cls.parameters().values() if p.name not in shared])
    return {"arena-settings": arena, "style-parameters": own}
