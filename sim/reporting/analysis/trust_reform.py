"""Trust reform: result-based to experience-based at step 25 vs staying result-based (P6)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.calendar import MONTHS_PER_YEAR
from sim.reporting.analysis import Finding, SweepData
from sim.reporting.analysis.stats import describe_ci, paired_differences, summarise
from sim.reporting.plots import caption_text, plot_timeseries

METRICS = ("motivation", "true_outcome", "citizen_trust", "kpi", "kpi_survey_gap",
           "caseworkers_complex")
EFFECTS = ("motivation", "true_outcome", "citizen_trust")
REFERENCE, REFORM = "result_based", "switch"
#: Effect (in seed SDs) that an unpaired comparison of one reformed and one unreformed
#: municipality detects with 80% power at the 5% level: z(0.975) + z(0.8) = 1.96 + 0.84.
READABLE_SD = 2.8
TITLE_TS = "What happens to staff and citizens when result-based steering is switched off?"
TITLE_EFFECT = ("How soon after the reform do staff motivation and citizens' outcomes differ "
                "from staying result-based (in seed standard deviations)?")


def reform_step(data: SweepData) -> int:
    """The first step of the new style (``steering.at_step`` of the switch arm)."""
    steering = data.config.get("steering") or {}
    return int(steering.get("at_step", 25)) if steering.get("name") == REFORM else 25


def standardised_effects(table: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Paired effect of the reform at every step, in units of the between-seed SD.

    The SD is that of the result-based arm's values across seeds at the same step, so
    metrics on different scales share one axis (a 1-SD effect is one a comparison of two
    municipalities could just detect).
    """
    rows = table[table["metric"].isin(metrics)]
    diffs = paired_differences(rows, "steering", REFERENCE, over=("step",))
    base = rows[rows["steering"] == REFERENCE].groupby(["metric", "step"])["value"].std()
    scale = base.rename("sd").reset_index()
    out = diffs.merge(scale, on=["metric", "step"])
    sd = out["sd"].where(out["sd"] > 0, np.nan)
    for col in ("mean", "low", "high"):
        out[col] = out[col] / sd
    return out


def first_clear_step(effects: pd.DataFrame, metric: str, start: int) -> int | None:
    """First step from ``start`` on after which the effect's CI excludes zero to the end."""
    rows = effects[(effects["metric"] == metric) & (effects["step"] >= start)].sort_values("step")
    clear = ((rows["low"] > 0) | (rows["high"] < 0)).to_numpy()
    if not clear.size or not clear[-1]:
        return None
    last_unclear = np.flatnonzero(~clear)
    index = last_unclear[-1] + 1 if last_unclear.size else 0
    return int(rows["step"].iloc[index])


def analyse(data: SweepData) -> list[Finding]:
    """The two arms over time, and the reform's standardised paired effect per step."""
    table = data.table[data.table["metric"].isin(METRICS)]
    n, start = data.replicates, reform_step(data)
    series = summarise(table, ["steering", "step", "metric"])
    caption = caption_text(n) + f" Dotted line: the reform (step {start})."
    ts = plot_timeseries(series, METRICS, "steering", TITLE_TS, caption, mark_step=start - 0.5)
    effects = standardised_effects(table, EFFECTS)
    effects_fig = plot_timeseries(effects.rename(columns={"option": "arm"}), EFFECTS, "arm",
                                  TITLE_EFFECT, caption_text(n, "Lines are mean paired effects "
                                  "(switch - result-based) / SD across seeds") +
                                  f" Dotted line: the reform (step {start}); dashed: {READABLE_SD} "
                                  "SD, what an unpaired comparison of two municipalities detects.",
                                  mark_step=start - 0.5)
    for ax in effects_fig.axes[:len(EFFECTS)]:
        ax.axhline(0, color="0.3", lw=0.8)
        ax.axhline(READABLE_SD, color="0.5", lw=0.8, ls="--")
        ax.set_ylabel("effect (seed SDs)", fontsize=8)
    last = int(table["step"].max())
    parts, key_rows = [], []
    for metric in EFFECTS:
        clear = first_clear_step(effects, metric, start)
        at = {}
        for months in (MONTHS_PER_YEAR, last - start + 1):
            row = effects[(effects["metric"] == metric) & (effects["step"] == start + months - 1)]
            if not row.empty:
                r = row.iloc[0]
                at[months] = (r["mean"], r["low"], r["high"])
                key_rows.append({"metric": metric, "months after reform": months,
                                 "effect (SD)": round(r["mean"], 3), "low": round(r["low"], 3),
                                 "high": round(r["high"], 3)})
        when = (f"on paired seeds its effect is clear (CI excludes 0 from then on) "
                f"{_months(clear - start + 1)} after the reform" if clear is not None
                else "on paired seeds its effect is not clear by the end")
        readable = effects[(effects["metric"] == metric) & (effects["step"] >= start)
                           & (effects["mean"] >= READABLE_SD)]["step"]
        when += (f"; it reaches the {READABLE_SD} SD an evaluation of two municipalities could read "
                 f"after {_months(int(readable.min()) - start + 1)}" if not readable.empty else
                 f"; it never reaches the {READABLE_SD} SD an evaluation of two municipalities "
                 "could read")
        sizes = "; ".join(f"after {m} months {describe_ci(*v, digits=2)} SD" for m, v in at.items())
        parts.append(f"{metric}: {when}; {sizes}.")
    reading = (f"Reform at step {start}, compared on the same seeds with staying result-based. "
               + " ".join(parts))
    return [
        Finding("trust_reform_timeseries", TITLE_TS, ts, caption,
                _levels_reading(series, last), None),
        Finding("trust_reform_effects", TITLE_EFFECT, effects_fig, caption_text(n), reading,
                pd.DataFrame(key_rows)),
    ]


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _levels_reading(series: pd.DataFrame, last: int) -> str:
    end = series[series["step"] == last].set_index(["metric", "steering"])
    parts = []
    for metric in ("motivation", "true_outcome"):
        both = [f"{arm} {describe_ci(*end.loc[(metric, arm), ['mean', 'low', 'high']])}"
                for arm in (REFORM, REFERENCE) if (metric, arm) in end.index]
        parts.append(f"{metric} at step {last}: " + ", ".join(both) + ".")
    return " ".join(parts)
