"""The Ishigami function as a Hydra task, swept by the SALib sweeper (``hydra/sweeper=salib``).

``python -m tests.ishigami_app.app hydra.sweep.dir=DIR`` runs the Morris and Sobol
stages of ``config.yaml`` through Hydra's basic launcher, like any sweep, and leaves the
sweeper's ``sensitivity.json`` in DIR. Its indices have closed forms (Ishigami & Homma
1990; Sobol' & Levitan 1999), given by :func:`analytic_indices`.
"""

from __future__ import annotations

import math

import hydra
from omegaconf import DictConfig

#: The usual constants of the Ishigami function.
A, B = 7.0, 0.1


def ishigami(x1: float, x2: float, x3: float, a: float = A, b: float = B) -> float:
    """``sin x1 + a sin² x2 + b x3⁴ sin x1``, on inputs uniform in [-π, π]."""
    return math.sin(x1) + a * math.sin(x2) ** 2 + b * x3**4 * math.sin(x1)


def analytic_indices(a: float = A, b: float = B) -> dict[str, list[float]]:
    """First-order (S1) and total (ST) Sobol indices of x1, x2, x3 in closed form."""
    pi4 = math.pi**4
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {"S1": [v1 / total, v2 / total, 0.0],
            "ST": [(v1 + v13) / total, v2 / total, v13 / total]}


@hydra.main(config_path=".", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> dict[str, float]:
    """One job: the function's value at the sampled point."""
    return {"y": ishigami(cfg.x1, cfg.x2, cfg.x3)}


if __name__ == "__main__":
    main()
