# reports/charts.py — draws the charts of `ccbench report` with matplotlib (Agg backend).
#
# Run by the report command as `/usr/bin/python3 - --out DIR --results FILE... [--compare FILE]`
# (the ccbench binary embeds this script and feeds it on stdin); it can also be run by hand as
# `/usr/bin/python3 reports/charts.py --out DIR --results results.json`.
#
# Guarantees:
#  - Reads the results JSON files (reports/SCHEMA.md v1, already validated by ccbench) and, for a
#    comparison, the `ccbench compare --format json` document; nothing is passed in but file names.
#  - Writes every chart as DIR/<id>.png and DIR/<id>.svg, then DIR/manifest.json listing them in
#    display order: {"charts": [{"id", "kind", "workload", "title", "caption", "png", "svg"}],
#    "failed": ["<chart>: <error>", …]}, with png/svg paths relative to the report directory (the
#    parent of DIR's name "charts"). A chart that fails to draw is left out and named in "failed"
#    (and on stderr); the other charts are still drawn and the exit status stays 0.
#    An id is a safe file name, unique in the report: only [A-Za-z0-9_-], at most 100 characters
#    (a workload name's other characters, such as '/', become '_'; a clash gets "_2", "_3", …).
#  - Only "ok" points with samples are drawn; medians and min/max come from samples_ns.
#  - SVG output is reproducible (fixed hash salt, no date) and embeds glyphs as paths (no fonts).
#  - Names and parameter values are drawn as plain text, whatever they contain (no mathtext), and
#    every text drawn (titles, labels, legends, ticks, notes) goes through chart_input.py's
#    visible_text(): a control character, U+FFFE or a file name's non-UTF-8 byte is a visible escape
#    or U+FFFD, so every SVG is well-formed XML and no chart fails on such text.
#  - The panels of a chart that show the same quantity share one y scale: log when any of them
#    spans over 8x (the spawn chart's time and memory panels choose theirs apart). A log axis's
#    label ends in "(log scale)", its medians are dots, not bars, and it keeps 3 to 10 readable
#    tick labels from 1 decade up to 12+. A point with a 0 ns median has no place on a log scaling
#    chart: the chart's note names it ("no mark on the log axis (median 0 ns): …").
#  - Exit status: 0 drawn; 3 matplotlib cannot be imported (message on stderr); 2 bad arguments or
#    a results file it cannot read (one line on stderr, never a traceback; a UTF-8 byte order mark
#    is no problem); 4 the ccbench that started it (CCB_PARENT_PID) is gone.
#  - With CCB_PARENT_PID (ccbench sets it to its pid), the kernel kills this process when that
#    parent dies (prctl PR_SET_PDEATHSIG), so a ccbench killed alone (SIGKILL) leaves no drawer
#    writing into the report directory (as workloads/go/parent_death.go does for the Go child).
#    Started through a wrapper that does not exec (CCB_REPORT_PYTHON a shell script running
#    python3), it draws as well, and a thread watching CCB_PARENT_PID ends it within 0.2 s of
#    ccbench's death.
# Times are drawn in ns; each panel's axis is labelled in ns, µs, ms or s, whichever keeps its
# ticks short numbers.
# Charts: per workload, time per op vs procs (one subplot per parameter combination, one line per
# implementation, min-max error bars); ccbench/go ratio per point (only when both ran); the
# counter modes chart; the spawn chart (time per task and rss_per_task_bytes); % change vs baseline.
# A scaling or counter modes chart with more than MAX_SUBPLOTS panels, and a ratio or change chart
# with more than MAX_BARS bars, continues on further pages, <id>_1, <id>_2, … ("(part 1 of 2)" in
# the title); no panel or bar is left out, and the pages of a bar chart share one x axis.
import argparse
import json
import math
import os
import re
import sys


# Dying with ccbench (CCB_PARENT_PID) comes first, before matplotlib's import: imported from the
# file beside this one when run by path; in the binary's copy the build replaces the next line with
# that file's text.
from chart_parent import *  # noqa: F401,F403 -- CCB_INLINE: the build puts reports/chart_parent.py here

die_with_parent()

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.text import Text
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter
except Exception as exc:  # ImportError, or a broken installation
    print("matplotlib is not available: %s" % exc, file=sys.stderr)
    sys.exit(3)

# The axis helpers (log-when-wide, log ticks, time units) and the reading of the results files into
# records: imported from the files beside this one when run by path; in the binary's copy the build
# replaces each of the next two lines with that file's text.
from chart_axes import *  # noqa: F401,F403 -- CCB_INLINE: the build puts reports/chart_axes.py here
from chart_input import *  # noqa: F401,F403 -- CCB_INLINE: the build puts reports/chart_input.py here

_matplotlib_set_text = Text.set_text


def _visible_set_text(self, s):
    """Text.set_text() through visible_text(): the one place every drawn text passes. Raw, an ESC in
    a workload name or U+FFFE in a parameter value went into the SVG's comments, which browsers and
    xmllint then refused ("invalid xmlChar value 27"), and a Latin-1 file name's surrogate escapes
    failed every chart of its series (UnicodeEncodeError)."""
    _matplotlib_set_text(self, "" if s is None else visible_text(s))
    if isinstance(s, Lines):  # kept a Lines, so that a copy of this text (get_text()) keeps its breaks
        self._text = Lines(self._text)


Text.set_text = _visible_set_text

IMPL_STYLE = {
    "ccbench": {"color": "#6d28d9", "marker": "o"},
    "go": {"color": "#00add8", "marker": "s"},
    "threads": {"color": "#f59e0b", "marker": "^"},
}
LOG_CAPTION = {False: "", True: " All panels share a log y axis (one panel's values span over 8x)."}
TIE_COLOR = "#9ca3af"  # a ccbench/go ratio that prints as 1.00x
VERDICT_COLOR = {"regressed": "#dc2626", "improved": "#16a34a", "unchanged": "#9ca3af", "noisy": "#f59e0b"}
COUNTER_MODES = ["mutex", "atomic", "channel", "rwmutex"]
MAX_ID_CHARS = 100  # chart ids are file names; a long workload name must not exceed NAME_MAX
MAX_SUBPLOTS = 12  # per figure; more panels continue on further pages (<id>_1, <id>_2, …)
MAX_BARS = 64  # rows per page of the ratio and change charts (the full preset's 128 points: 2 pages)

# text.parse_math off: every label is text from the results files, drawn as written; a "$" in a
# parameter value or workload name ("$\foo$") made matplotlib parse it as math and fail every chart.
plt.rcParams.update({
    "svg.hashsalt": "ccbench", "svg.fonttype": "path", "text.parse_math": False, "font.size": 9.5,
    "axes.titlesize": 10, "axes.titleweight": "bold", "axes.spines.top": False,
    "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3, "legend.frameon": False,
    "figure.dpi": 100, "savefig.dpi": 150,
})


# A series's line style and hatch by its file (SERIES_FILE_INDEX), when several files hold the same points.
LINESTYLES = ["-", "--", ":", "-."]
HATCHES = [None, "//", "..", "xx"]


def style(series):
    impl = series.split(" ")[0]
    st = dict(IMPL_STYLE.get(impl, {"color": "#374151", "marker": "D"}))
    i = SERIES_FILE_INDEX.get(series, 0)
    st["linestyle"], st["hatch"] = LINESTYLES[i % len(LINESTYLES)], HATCHES[i % len(HATCHES)]
    return st


def params_text(params, skip=()):
    text = ", ".join("%s=%s" % (k, v) for k, v in params if k not in skip)
    return text or "default parameters"


def sorted_series(names):
    order = {"ccbench": 0, "go": 1, "threads": 2}
    return sorted(names, key=lambda s: (order.get(s.split(" ")[0], 9), s))


class Writer:
    def __init__(self, outdir):
        self.outdir, self.charts = outdir, []

    def safe_id(self, chart_id):
        """A file-name-safe, unique id: a workload named "a/b" made "scaling_a/b.png" (no such dir)."""
        base = re.sub(r"[^A-Za-z0-9_-]", "_", chart_id)[:MAX_ID_CHARS] or "chart"
        used = {c["id"] for c in self.charts}
        safe, n = base, 1
        while safe in used:
            n += 1
            safe = "%s_%d" % (base, n)
        return safe

    def save(self, fig, chart_id, kind, title, caption, workload=None):
        chart_id = self.safe_id(chart_id)
        for ext in ("png", "svg"):
            meta = {"Date": None} if ext == "svg" else {"Software": None}
            fig.savefig(os.path.join(self.outdir, "%s.%s" % (chart_id, ext)), metadata=meta,
                        bbox_inches="tight", facecolor="white")
        plt.close(fig)
        self.charts.append({"id": chart_id, "kind": kind, "workload": workload, "title": title,
                            "caption": caption, "png": "charts/%s.png" % chart_id,
                            "svg": "charts/%s.svg" % chart_id})


def figure_legend(fig, axes, ncol_max=4):
    """One legend for the figure, centred below the panels; returns the fraction of the figure's
    height to keep free for it (for tight_layout's rect)."""
    handles, labels = [], []
    for ax in axes:
        for h, l in zip(*ax.get_legend_handles_labels()):
            if l not in labels:
                handles.append(h)
                labels.append(l)
    if not handles:
        return 0.02
    ncol = min(len(labels), ncol_max)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, bbox_to_anchor=(0.5, 0.0))
    rows = math.ceil(len(labels) / ncol)
    return (0.15 + 0.25 * rows) / fig.get_size_inches()[1]


def paged(panels):
    """The panels split into pages of at most MAX_SUBPLOTS, in order; every panel is on a page."""
    return [panels[i:i + MAX_SUBPLOTS] for i in range(0, len(panels), MAX_SUBPLOTS)]


def page_names(chart_id, title, page_no, pages):
    """The id and title of page page_no (from 0) of a chart of `pages` pages: unchanged for a single
    page, else "<id>_1", "<id>_2", … and "<title> (part 1 of 2)", …"""
    if pages == 1:
        return chart_id, title
    return "%s_%d" % (chart_id, page_no + 1), "%s (part %d of %d)" % (title, page_no + 1, pages)


def bar_pages(n):
    """The [first, end) index ranges of the pages of a bar chart of n bars (one bar per row): at most
    MAX_BARS each, as equal as can be, in order; every bar is on a page. One page of 2000 rows was
    taller than matplotlib's 2^16 pixels, and the chart failed to draw. n >= 1."""
    per = math.ceil(n / math.ceil(n / MAX_BARS))
    return [(i, min(n, i + per)) for i in range(0, n, per)]


def scaling_chart(records, skipped, w, wl):
    recs = [r for r in records if r["workload"] == wl]
    unit = recs[0]["unit"]
    combos = unique(tuple(r["params"]) for r in recs)
    pages = paged(combos)
    log = any_needs_log([[r[k] for r in recs if tuple(r["params"]) == c for k in ("min", "max")] for c in combos])
    for page_no, page in enumerate(pages):
        ncols = min(3, len(page))
        nrows = math.ceil(len(page) / ncols)
        fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols + 0.6, 3.3 * nrows + 1.0), squeeze=False)
        used, unplotted = [], []
        for ax, combo in zip(axes.flat, page):
            pts = [r for r in recs if tuple(r["params"]) == combo]
            procs = sorted(unique(r["procs"] for r in pts))
            for series in sorted_series(unique(r["series"] for r in pts)):
                sp = sorted((r for r in pts if r["series"] == series), key=lambda r: r["procs"])
                if log:  # a log axis has no 0: such a point is named in the chart's note, not dropped unsaid
                    unplotted += ["%s %s procs=%d" % (series, params_text(combo), r["procs"])
                                  for r in sp if r["median"] <= 0]
                    sp = [r for r in sp if r["median"] > 0]
                y = [r["median"] for r in sp]
                err = [[r["median"] - r["min"] for r in sp], [r["max"] - r["median"] for r in sp]]
                st = style(series)
                ax.errorbar([r["procs"] for r in sp], y, yerr=err, label=series, color=st["color"],
                            marker=st["marker"], markersize=5, linewidth=1.8, capsize=3, elinewidth=1,
                            linestyle=st["linestyle"])
            ax.set_xscale("log", base=2)
            ax.xaxis.set_major_locator(FixedLocator(procs))
            ax.xaxis.set_major_formatter(ScalarFormatter())
            ax.xaxis.set_minor_locator(NullLocator())
            if len(procs) == 1:
                ax.set_xlim(procs[0] / 1.5, procs[0] * 1.5)
            time_axis(ax, unit, log, [r["max"] for r in pts])
            ax.set_title(params_text(combo))
            ax.set_xlabel("procs")
            used.append(ax)
        for ax in list(axes.flat)[len(page):]:
            ax.set_visible(False)
        chart_id, title = page_names("scaling_%s" % wl, "%s: median time per %s vs procs" % (wl, unit), page_no,
                                     len(pages))
        fig.suptitle(title, fontsize=12, fontweight="bold")
        note = Lines("\n".join(visible_text(n) for n in (skipped_note(skipped, wl), zero_note(unplotted)) if n))
        if note:
            fig.text(0.99, 0.01, note, ha="right", va="bottom", fontsize=8, color="#6b7280")
        bottom = figure_legend(fig, used)
        fig.tight_layout(rect=(0, bottom, 1, 0.97))
        w.save(fig, chart_id, "scaling", title,
               "One panel per parameter combination; lines per implementation; error bars span the "
               "fastest and slowest repetition.%s Lower is better." % LOG_CAPTION[log], workload=wl)


def point_key(r):
    return (r["workload"], tuple(r["params"]), r["procs"], r["file"])


def ratio_chart(records, w):
    ccb = {point_key(r): r for r in records if r["impl"] == "ccbench"}
    go = {point_key(r): r for r in records if r["impl"] == "go"}
    # A zero median (SCHEMA.md allows 0 ns) has no ratio: a 0 made the log axis divide by zero and
    # fail every chart after this one.
    keys = [k for k in ccb if k in go and ccb[k]["median"] > 0 and go[k]["median"] > 0]
    if not keys:
        return
    several = len(unique(k[3] for k in keys)) > 1  # the same point from two files: say which is which
    labels = ["%s  %s  procs=%d%s" % (k[0], params_text(k[1]), k[2], "  (%s)" % k[3] if several else "") for k in keys]
    ratios = [ccb[k]["median"] / go[k]["median"] for k in keys]
    # every page has the same x axis, so that bars on two pages compare
    lo, hi = min(ratios + [1]), max(ratios + [1])
    pages = bar_pages(len(ratios))
    for page_no, (first, end) in enumerate(pages):
        chart_id, title = page_names("ratio_ccbench_go",
                                     "ccbench vs Go: time-per-op ratio per point (< 1: ccbench faster)", page_no,
                                     len(pages))
        ratio_page(labels[first:end], ratios[first:end], (lo / 1.6, hi * 1.6), title, chart_id, w)


def ratio_page(labels, ratios, xlim, title, chart_id, w):
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(ratios) + 1.6))
    ys = list(range(len(ratios)))
    # Coloured by the number printed on the bar, as the report's table: 1.004 showed "1.00x" in red.
    shown = [ratio_text(r) for r in ratios]
    colors = [TIE_COLOR if t == "1.00" else "#16a34a" if r < 1 else "#dc2626" for r, t in zip(ratios, shown)]
    ax.barh(ys, [r - 1 for r in ratios], left=1, color=colors, height=0.6)
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    parity = ax.axvline(1.0, color="black", linewidth=1.2, label="1.0 = parity")
    for y, r in zip(ys, ratios):
        ax.text(r * (1.04 if r >= 1 else 1 / 1.04), y, ratio_text(r) + "\u00d7", va="center",
                ha="left" if r >= 1 else "right", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_ylim(len(ys) - 0.5, -0.5)  # first point on top, no empty margin
    ax.grid(axis="y", visible=False)
    plain_log_ticks(ax.xaxis)
    ax.set_xlabel("ccbench median time / Go median time (log scale)")
    ax.set_title(title, fontsize=12)
    tie = [Patch(color=TIE_COLOR, label="tie (1.00\u00d7)")] if "1.00" in shown else []
    ax.legend(handles=[Patch(color="#16a34a", label="ccbench faster"), Patch(color="#dc2626", label="Go faster")] +
              tie + [parity], loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    w.save(fig, chart_id, "ratio", title,
           "Each bar is median ns/op of ccbench divided by Go's at the same point; bars start at 1.0. "
           "A point with a zero median has no ratio and no bar.")


def grouped_bars(ax, groups, series_names, value_of, label_fmt=None, dots=False, unplotted=None, group_name=None):
    """Bars for each group (x) and series; value_of(group, series) -> record, number or None; a
    record's whiskers span its min-max; label_fmt(v) prints each value above its mark, with room
    kept above the highest. With dots,
    a marker per value instead of a bar: on a log axis a bar's length depends on where the axis
    happens to start, so it misstates ratios; a marker's position does not. dots means a log axis,
    which has no 0: a value <= 0 gets no mark, and "<series> <group_name(group)>" is appended to
    `unplotted` for the chart's note (zero_note()); before, such a median vanished unsaid."""
    width = 0.8 / max(1, len(series_names))
    for i, s in enumerate(series_names):
        xs, ys, lo, hi = [], [], [], []
        for gi, g in enumerate(groups):
            r = value_of(g, s)
            if r is None:
                continue
            v = r if not isinstance(r, dict) else r["median"]
            if dots and v <= 0:
                if unplotted is not None:
                    unplotted.append("%s %s" % (s, group_name(g) if group_name else g))
                continue
            xs.append(gi - 0.4 + width * (i + 0.5))
            ys.append(v)
            if isinstance(r, dict):
                lo.append(r["median"] - r["min"])
                hi.append(r["max"] - r["median"])
        if xs:
            (group_dots if dots else group_bars)(ax, xs, ys, [lo, hi] if lo else None, width, s)
            if label_fmt:
                for x, y in zip(xs, ys):
                    ax.annotate(label_fmt(y), (x, y), xytext=(0, 3), textcoords="offset points", ha="center",
                                va="bottom", fontsize=8)
    if label_fmt:
        ax.margins(y=0.1)
    ax.set_xticks(range(len(groups)))
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.grid(axis="x", visible=False)


def group_bars(ax, xs, ys, err, width, series):
    """One series' bars of grouped_bars(), in its colour and hatch, with min-max whiskers if given."""
    kw = {"yerr": err, "capsize": 2, "error_kw": {"elinewidth": 0.8}} if err else {}
    st = style(series)
    ax.bar(xs, ys, width * 0.95, label=series, color=st["color"], hatch=st["hatch"],
           edgecolor="white" if st["hatch"] else None, **kw)


def group_dots(ax, xs, ys, err, width, series):
    """One series' markers of grouped_bars(), in its colour and marker (hollow for a second file's
    series), with min-max whiskers if given."""
    st = style(series)
    hollow = SERIES_FILE_INDEX.get(series, 0) % 2 == 1
    ax.errorbar(xs, ys, yerr=err, label=series, color=st["color"], marker=st["marker"], markersize=7,
                linestyle="none", capsize=3, elinewidth=1, markerfacecolor="white" if hollow else st["color"])


def counter_chart(records, w):
    """The counter modes chart: one panel per (other parameters, procs), a group per mode, a mark
    per implementation; more than MAX_SUBPLOTS panels continue on counter_modes_2, … (the first
    page is then counter_modes_1), so no panel is left out."""
    recs = [r for r in records if r["workload"] == "counter"]
    if not recs:
        return
    panels = unique((tuple(p for p in r["params"] if p[0] != "mode"), r["procs"]) for r in recs)
    modes = [m for m in COUNTER_MODES if any(dict(r["params"]).get("mode") == m for r in recs)]
    modes += unique(dict(r["params"]).get("mode") for r in recs if dict(r["params"]).get("mode") not in modes)
    series = sorted_series(unique(r["series"] for r in recs))
    log = any_needs_log([[r[k] for r in recs if in_counter_panel(r, p) for k in ("min", "max")] for p in panels])
    pages = paged(panels)
    for page_no, page in enumerate(pages):
        counter_page(recs, modes, series, log, page, page_no, len(pages), w)


def in_counter_panel(r, panel):
    """True when counter record r belongs in panel (its parameters other than mode, procs)."""
    return r["procs"] == panel[1] and tuple(p for p in r["params"] if p[0] != "mode") == panel[0]


def counter_page(recs, modes, series, log, page, page_no, pages, w):
    """One page of the counter modes chart, two panels a row, on the chart's common scale."""
    ncols = min(2, len(page))
    nrows = math.ceil(len(page) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6 * ncols, 3.6 * nrows + 1.0), squeeze=False)
    unplotted = []
    for ax, panel in zip(axes.flat, page):
        def find(mode, s):
            for r in recs:
                if r["series"] == s and dict(r["params"]).get("mode") == mode and in_counter_panel(r, panel):
                    return r
            return None
        where = ", ".join(p for p in (params_text(panel[0]), "procs=%d" % panel[1]) if p)
        grouped_bars(ax, modes, series, find, dots=log, unplotted=unplotted,
                     group_name=lambda mode, where=where: "mode=%s, %s" % (mode, where))
        ax.set_xticklabels(modes)
        time_axis(ax, "increment", log, [r["max"] for r in recs if in_counter_panel(r, panel)])
        ax.set_title("%s, procs=%d" % (params_text(panel[0]), panel[1]))
    for ax in list(axes.flat)[len(page):]:
        ax.set_visible(False)
    chart_id, title = page_names(
        "counter_modes", "counter: %s (median time per increment%s)" % (" vs ".join(modes), ", log scale" if log else ""),
        page_no, pages)
    fig.suptitle(title, fontsize=12, fontweight="bold")
    note = visible_text(zero_note(unplotted))
    if note:
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontsize=8, color="#6b7280")
    bottom = figure_legend(fig, list(axes.flat)[:len(page)])
    fig.tight_layout(rect=(0, bottom, 1, 0.96))
    mark = "dots mark medians on a log axis" if log else "bars mark medians"
    w.save(fig, chart_id, "counter", title,
           "Cost of one shared-counter increment by synchronisation mode; %s, whiskers span min-max. "
           "Lower is better." % mark, workload="counter")


def group_labels(groups):
    """Short x tick labels for (params, procs) groups: only the keys whose values differ between the
    groups, one "key=value" a line; and the text of the keys the groups share ("capacity=0"), to say
    once in the title. A single group shows all its keys. Labels repeating every parameter on one
    line ("n=10000, capacity=0") ran into their neighbours."""
    keyed = [dict(list(g[0]) + [("procs", g[1])]) for g in groups]
    keys = unique(k for kv in keyed for k in kv)
    varying = [k for k in keys if len(groups) == 1 or len(unique(kv.get(k, None) for kv in keyed)) > 1]
    labels = [Lines("\n".join(visible_text("%s=%s" % (k, kv[k])) for k in varying if k in kv)) for kv in keyed]
    shared = ", ".join("%s=%s" % (k, keyed[0][k]) for k in keys if k not in varying)
    return labels, shared


def crowded(ax, labels, fontsize=8):
    """True when the labels, one per group side by side, are wider than the panel (about 0.6 em a
    character)."""
    room = ax.get_position().width * ax.get_figure().get_size_inches()[0] * 72
    widest = max(len(line) for label in labels for line in label.split("\n"))
    return len(labels) * (widest + 2) * 0.6 * fontsize > room


def fitted_tick_labels(ax, labels, tight, fontsize=8):
    """Sets the x tick labels: as given (one key a line) when they fit side by side; when `tight`
    (crowded()), each on one line turned 45 degrees, where lines a label's height apart cannot meet."""
    if tight:
        ax.set_xticklabels([l.replace("\n", ", ") for l in labels], fontsize=fontsize, rotation=45, ha="right",
                           rotation_mode="anchor")
    else:
        ax.set_xticklabels(labels, fontsize=fontsize)


def spawn_chart(records, skipped, w):
    """Time and memory per task of the spawn workload, a group per (params, procs). Each panel
    takes its own scale by the log-when-wide rule (time and bytes are not compared with each
    other); on a log axis the medians are dots, not bars."""
    recs = [r for r in records if r["workload"] == "spawn"]
    if not recs:
        return
    groups = unique((tuple(r["params"]), r["procs"]) for r in recs)
    names, shared = group_labels(groups)
    series = sorted_series(unique(r["series"] for r in recs))

    def find(g, s):
        for r in recs:
            if r["series"] == s and (tuple(r["params"]), r["procs"]) == g:
                return r
        return None

    def rss(g, s):
        r = find(g, s)
        v = r["extra"].get("rss_per_task_bytes") if r else None
        return v if isinstance(v, (int, float)) else None

    def where(g):
        return ", ".join(p for p in (params_text(g[0]), "procs=%d" % g[1]) if p)

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.6))
    tight = crowded(a1, names)
    time_log = needs_log([r[k] for r in recs for k in ("min", "max")])
    zero_time, zero_rss = [], []
    grouped_bars(a1, groups, series, find, dots=time_log, unplotted=zero_time, group_name=where)
    fitted_tick_labels(a1, names, tight)
    time_axis(a1, "task", time_log, [r["max"] for r in recs])
    a1.set_title("Time per task (spawn + park + wake + exit)")
    sizes = [rss(g, s) for g in groups for s in series if rss(g, s) is not None]
    rss_log = needs_log(sizes)
    kib = None if tight else lambda v: "%.1f KiB" % (v / 1024)  # crowded marks: the axis tells the values
    grouped_bars(a2, groups, series, rss, label_fmt=kib, dots=rss_log, unplotted=zero_rss, group_name=where)
    fitted_tick_labels(a2, names, tight)
    value_axis(a2, "resident bytes per parked task", rss_log)
    a2.set_title("Memory per task (extra.rss_per_task_bytes)")
    if not sizes:
        a2.text(0.5, 0.5, "no rss_per_task_bytes recorded", ha="center", va="center", transform=a2.transAxes)
    title = "spawn: cost of one task, by implementation" + ("; all points: %s" % shared if shared else "")
    fig.suptitle(title, fontsize=12, fontweight="bold")
    note = Lines("\n".join(visible_text(n) for n in (skipped_note(skipped, "spawn"), zero_note(zero_time),
                                                      zero_note(zero_rss, what="0 bytes or less per task")) if n))
    if note:
        fig.text(0.99, 0.01, note, ha="right", va="bottom", fontsize=8, color="#6b7280")
    bottom = figure_legend(fig, [a1, a2])
    fig.tight_layout(rect=(0, bottom, 1, 0.95))
    mark = {False: "bars", True: "dots on a log axis"}
    w.save(fig, "spawn", "spawn", title,
           "Left: median time per task (%s; whiskers span min-max). Right: resident memory per parked task (%s). "
           "Lower is better." % (mark[time_log], mark[rss_log]), workload="spawn")


def change_chart(compare_file, w):
    doc = read_json(compare_file)
    pts = [p for p in doc["points"] if p.get("change") is not None]
    if not pts:
        return
    thr = doc["options"]["threshold"] * 100
    vals = [p["change"] * 100 for p in pts]
    lo = [v - (p["ratio_ci"]["low"] - 1) * 100 if p.get("ratio_ci") else 0 for v, p in zip(vals, pts)]
    hi = [(p["ratio_ci"]["high"] - 1) * 100 - v if p.get("ratio_ci") else 0 for v, p in zip(vals, pts)]
    lo, hi = [max(0, x) for x in lo], [max(0, x) for x in hi]
    # every page has the same x axis (matplotlib's own margins around all bars, whiskers and the
    # threshold lines), so that bars on two pages compare
    left = min([v - l for v, l in zip(vals, lo)] + [-thr, 0])
    right = max([v + h for v, h in zip(vals, hi)] + [thr, 0])
    margin = 0.05 * (right - left) or 1  # all 0 with a 0 threshold: an axis of some width
    pages = bar_pages(len(pts))
    for page_no, (first, end) in enumerate(pages):
        chart_id, title = page_names(
            "change_vs_baseline", "Change vs baseline per point (first verdicts, not confirmed; regressions in red)",
            page_no, len(pages))
        change_page(pts[first:end], vals[first:end], (lo[first:end], hi[first:end]), thr,
                    (left - margin, right + margin), title, chart_id, w)


def change_page(pts, vals, err, thr, xlim, title, chart_id, w):
    ys = list(range(len(pts)))
    colors = [VERDICT_COLOR.get(p["verdict"], "#9ca3af") for p in pts]
    fig, ax = plt.subplots(figsize=(10, 0.3 * len(pts) + 1.8))
    bars = ax.barh(ys, vals, color=colors, height=0.6, xerr=list(err), error_kw={"elinewidth": 0.8, "capsize": 2})
    for b, p in zip(bars, pts):
        if p["verdict"] == "noisy":
            b.set_hatch("///")
            b.set_edgecolor("#b45309")
    ax.axvline(0, color="black", linewidth=1)
    for x in (thr, -thr):
        ax.axvline(x, color="#6b7280", linestyle="--", linewidth=1)
    ax.set_xlim(*xlim)
    ax.set_yticks(ys)
    ax.set_yticklabels([p["name"] for p in pts], fontsize=7.5)
    for tick, p in zip(ax.get_yticklabels(), pts):
        if p["verdict"] == "regressed":
            tick.set_color(VERDICT_COLOR["regressed"])
            tick.set_fontweight("bold")
    ax.set_ylim(len(ys) - 0.5, -0.5)  # first point on top, no empty margin
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("change of median ns/op vs baseline (%%; positive = slower; dashed: \u00b1%.1f%% threshold)" % thr)
    ax.set_title(title, fontsize=12)
    present = unique(p["verdict"] for p in pts)
    ax.legend(handles=[Patch(facecolor=VERDICT_COLOR[v], label=v, hatch="///" if v == "noisy" else None)
                       for v in ("regressed", "improved", "unchanged", "noisy") if v in present],
              loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    w.save(fig, chart_id, "change", title,
           "Bars: % change of the median; whiskers: bootstrap interval of the ratio; colour: verdict.")


def guarded(failed, what, draw, *args):
    """Runs one chart function; its failure is recorded in `failed` (and on stderr) instead of
    ending the script: a 9000-character parameter value (an image wider than matplotlib's 2^16
    pixels) used to leave the report without any chart."""
    try:
        draw(*args)
    except Exception as exc:  # any failure of this chart, not of the others
        plt.close("all")
        failed.append("%s: %s: %s" % (what, type(exc).__name__, exc))
        print("chart not drawn: %s" % failed[-1], file=sys.stderr)


def main(argv):
    ap = argparse.ArgumentParser(description="Draw ccbench report charts.")
    ap.add_argument("--out", required=True, help="directory for PNG/SVG files and manifest.json")
    ap.add_argument("--results", nargs="+", required=True, help="ccbench results JSON files")
    ap.add_argument("--compare", help="`ccbench compare --format json` output, for the change chart")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    try:
        records, skipped = load_records(args.results)
    except BadInput as exc:
        print("charts.py: %s" % exc, file=sys.stderr)
        return 2
    w = Writer(args.out)
    failed = []
    for wl in unique(r["workload"] for r in records):
        guarded(failed, "scaling chart of %s" % wl[:60], scaling_chart, records, skipped, w, wl)
    guarded(failed, "ccbench/go ratio chart", ratio_chart, records, w)
    guarded(failed, "counter chart", counter_chart, records, w)
    guarded(failed, "spawn chart", spawn_chart, records, skipped, w)
    if args.compare:
        guarded(failed, "change chart", change_chart, args.compare, w)
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump({"charts": w.charts, "failed": failed, "matplotlib": matplotlib.__version__}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
