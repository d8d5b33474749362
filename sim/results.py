"""The one tidy results table: run keys, then ``step``, ``metric``, ``value`` (long format).

Everything downstream (plots, reports, collectors) reads this shape; :func:`validate_tidy`
is the single check of it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TIDY_COLUMNS = ("step", "metric", "value")


def to_tidy(frame: pd.DataFrame, **keys: Any) -> pd.DataFrame:
    """Turn a wide per-step frame (``step`` + one column per metric) into the tidy table.

    Args:
        frame: output of :func:`sim.simulate`.
        **keys: run keys (seed, steering, swept parameters ...) added as leading columns.
    """
    metrics = [c for c in frame.columns if c != "step"]
    long = pd.DataFrame({  # what frame.melt gives, metric by metric, without its cost
        "step": np.tile(frame["step"].to_numpy(), len(metrics)),
        "metric": pd.array(np.repeat(np.array(metrics, dtype=object), len(frame)), dtype="str"),
        "value": frame[metrics].to_numpy(dtype=float).T.ravel(),
    })
    for i, (name, value) in enumerate(keys.items()):
        long.insert(i, name, value)
    return validate_tidy(long)


def validate_tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Check the tidy shape and return ``df``; raise ``ValueError`` on the first problem."""
    for col in TIDY_COLUMNS:
        if col not in df.columns:
            raise ValueError(f"tidy table: missing column {col!r}")
    if list(df.columns[-3:]) != list(TIDY_COLUMNS):
        raise ValueError("tidy table: the last columns must be step, metric, value")
    if not pd.api.types.is_integer_dtype(df["step"]):
        raise ValueError("tidy table: step must be integer")
    if not pd.api.types.is_float_dtype(df["value"]):
        raise ValueError("tidy table: value must be float")
    keys = [c for c in df.columns if c not in ("value",)]
    if df.duplicated(keys).any():
        raise ValueError("tidy table: duplicate rows for the same run keys, step and metric")
    return df


def atomic(path: str | os.PathLike, write: Callable[[str], object]) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``path``, then rename it to ``path``.

    Readers never see a half-written file, and a killed writer leaves only a hidden
    ``.<name>.*`` temporary, which the next attempt removes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file would be, not mkstemp's 0600
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_atomic(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``df`` as Parquet atomically (see :func:`atomic`)."""
    return atomic(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_text_atomic(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` atomically (see :func:`atomic`)."""
    return atomic(path, lambda tmp: Path(tmp).write_text(text))
