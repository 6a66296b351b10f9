# reports/chart_axes.py — how charts.py scales and labels a value axis: the log-when-wide rule,
# log ticks that stay readable at any span, and times labelled in ns, µs, ms or s.
#
# Part of the charts script: charts.py imports it when run by path, and the build inlines this
# file into the copy of charts.py that the ccbench binary embeds (reports/CMakeLists.txt), so it
# must stay importable on its own and free of names that charts.py defines.
#
# Guarantees:
#  - needs_log(): log when the positive values span more than LOG_WHEN_RATIO (8x).
#  - value_axis(): a log axis's label ends in "(log scale)" and keeps 3 to 10 plain-number tick
#    labels from 1 decade up to 12+; a linear one starts at 0.
#  - time_axis(): values stay in ns; the label and ticks are in the unit that keeps them short.
#  - ratio_text(): a ratio as the report's tables print it (fmt::ratio, reports/format_util.hpp).
import math

from matplotlib.ticker import FuncFormatter, Locator, LogLocator, NullLocator

LOG_WHEN_RATIO = 8  # values whose largest is over 8x their smallest are drawn on a log axis
MAX_LOG_TICKS = 10  # labelled ticks on a log axis spanning many decades (every decade, then every 2nd, …)


class PlainLogLocator(Locator):
    """Major ticks of a log axis that are always labelled and never crammed, for any span of the
    axis's limits: finer steps (1, 1.25, 1.5, 2, 3, …) within a decade, 1-2-5 steps up to 3
    decades, then decades only, every decade up to MAX_LOG_TICKS and every 2nd, 3rd, … beyond.
    LogLocator(subs=(1, 2, 5)) alone gave no tick at all from 8 decades up (matplotlib returns none
    when it strides over decades with subs) and 21 overlapping labels at 7."""

    def __call__(self):
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin, vmax):
        lo, hi = sorted((vmin, vmax))
        decades = math.log10(hi / lo) if lo > 0 else float("inf")
        if decades < 1:
            subs = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)
        elif decades <= 3:
            subs = (1.0, 2.0, 5.0)
        else:
            subs = (1.0,)
        locator = LogLocator(base=10, subs=subs, numticks=MAX_LOG_TICKS)
        locator.set_axis(self.axis)
        return locator.tick_values(vmin, vmax)


def plain_number(v):
    """A tick value as short plain text: 0.5, 20, 500000, then 1e6, 2e9 (not 1e+06 or 10^6)."""
    text = "%g" % v
    mantissa, _, exponent = text.partition("e")
    return "%se%d" % (mantissa, int(exponent)) if exponent else text


def plain_log_ticks(axis):
    """Log-axis ticks printed as plain numbers (0.5, 1, 2), not 5x10^-1, placed by PlainLogLocator
    from the axis's final limits, so every log axis has readable labels from 1 decade up to 12+."""
    axis.set_major_locator(PlainLogLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v)))
    axis.set_minor_locator(NullLocator())


def needs_log(values):
    """The log-when-wide rule: True when the positive values span more than LOG_WHEN_RATIO."""
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) / min(positive) > LOG_WHEN_RATIO


def any_needs_log(value_lists):
    """One scale for every panel of a chart: log when any panel needs it, so that panels side by
    side compare by eye (a linear mutex panel beside a log channel panel misled)."""
    return any(needs_log(values) for values in value_lists)


def value_axis(ax, label, log):
    """Sets a panel's y axis: log with plain ticks and " (log scale)" after its label, or linear
    from 0 with the label as given; the label always tells which scale is in use."""
    if log:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
        ax.set_ylabel("%s (log scale)" % label)
    else:
        ax.set_ylim(bottom=0)
        ax.set_ylabel(label)


def time_unit(values):
    """(ns per unit, unit) for a time axis whose largest value in ns is max(values): ns below 10 us,
    then us, ms and s, so its ticks are short numbers; in ns, matplotlib put a "1e7" offset above
    a 15.7 ms skynet run's axis and labelled its ticks 1.50, 1.75, …"""
    top = max(values, default=0)
    for scale, name in ((1e9, "s"), (1e6, "ms"), (1e3, "\u00b5s")):
        if top >= 10 * scale:
            return scale, name
    return 1.0, "ns"


def time_axis(ax, per, log, values):
    """value_axis() for times given in ns: labelled "<unit> per <per>", ticks printed in that unit
    (the values drawn stay in ns; only the labels change)."""
    scale, name = time_unit(values)
    value_axis(ax, "%s per %s" % (name, per), log)
    if scale != 1.0:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v / scale)))


def ratio_text(r):
    """A ratio as `ccbench run`'s table and the report's show it (common/ratio_text.hpp, the same
    rule): 2 decimals from 0.1 on, 2 significant digits below ("0.0039", not "0.00"), an exponent
    from 1e4 on."""
    return "%.2e" % r if r >= 1e4 else "%.2f" % r if r >= 0.1 else "%.2g" % r
