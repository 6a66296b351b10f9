# reports/chart_input.py — how charts.py reads the results files: one record per drawable point,
# and the points that did not run.
#
# Part of the charts script: charts.py imports it when run by path, and the build inlines this
# file into the copy of charts.py that the ccbench binary embeds (reports/CMakeLists.txt), so it
# must stay importable on its own and free of names that charts.py defines. It needs no matplotlib.
#
# Guarantees:
#  - load_records(): one record per "ok" point with samples, its median and min/max taken from
#    samples_ns; every other point is listed as skipped (workload, impl, status).
#  - A file it cannot read (missing, not JSON, a missing field; run by hand, charts.py reads
#    unvalidated files) raises BadInput naming the file; a UTF-8 byte order mark is no problem.
#  - Series: the impl's name, or "impl (file label)" when several files hold the same points, with
#    SERIES_FILE_INDEX mapping such a series to its file's index (charts.py's line style / hatch).
#    file_labels() gives every file a distinct label, printable whatever bytes the file's name holds.
#  - skipped_note() and zero_note(): the notes under a chart naming the points it does not show.
#  - visible_text(): the one sanitiser of every text the charts draw (charts.py applies it to each
#    matplotlib Text), as reports/format_util.cpp's for the page: C0 controls and DEL as "\x1b",
#    C1 controls, bidirectional controls, line/paragraph separators and U+FFFE/U+FFFF as "\u009b",
#    and lone surrogates (a file name's non-UTF-8 bytes in argv) as U+FFFD. matplotlib's SVG writer
#    copies each text into an XML comment, where such characters made the file unreadable. Only a
#    Lines (text charts.py broke into lines, each line escaped) keeps its newlines.
import json
import os
import re

SERIES_FILE_INDEX = {}  # series label -> index of its file, when several files hold the same points


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


# What visible_text() escapes (see the header); common/visible_text.hpp's set, plus the two
# noncharacters XML 1.0 forbids.
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m):
    cp = ord(m.group())
    return "\\x%02x" % cp if cp < 0x20 or cp == 0x7F else "\\u%04x" % cp


class Lines(str):
    """Text that charts.py broke into lines itself, each line already through visible_text():
    visible_text() keeps its line breaks (a newline of any other text is escaped, "\x0a")."""


def visible_text(text):
    """`text` (any object: str() of it) with control and invisible format characters as visible
    escapes and lone surrogates as U+FFFD, so that every SVG, PNG and manifest can hold it; a
    Lines keeps its line breaks."""
    if isinstance(text, Lines):
        return "\n".join(visible_text(line) for line in text.split("\n"))
    return _SURROGATE.sub("\ufffd", _ESCAPED.sub(_escape, str(text)))


def file_labels(files):
    """A distinct label per file: its name without extension, with as many parent directories as it
    takes to tell it from the others ("base/results", "new/results"); the same path given twice gets
    "#2". Keyed by name alone, two files called results.json shared one series and one ratio."""
    parts = [os.path.normpath(os.path.splitext(f)[0]).split(os.sep) for f in files]
    names, labels = [], []
    for i, p in enumerate(parts):
        k = 1
        while k < len(p) and any(q[-k:] == p[-k:] for j, q in enumerate(parts) if j != i):
            k += 1
        names.append(visible_text("/".join(p[-k:])))
        n = names.count(names[-1])
        labels.append(names[-1] if n == 1 else "%s #%d" % (names[-1], n))
    return labels


class BadInput(Exception):
    """A results file charts.py cannot read: main() prints one line and exits 2, no traceback."""


def read_json(path):
    """The JSON document in `path`. A UTF-8 byte order mark is skipped ("utf-8-sig"), as ccbench's
    own reader skips it: a results file saved with one was compared, but its report had no charts
    (json.decoder.JSONDecodeError: Unexpected UTF-8 BOM)."""
    with open(path, encoding="utf-8-sig") as fh:
        return json.load(fh)


def load_records(files):
    """One record per ok point with samples; `series` is impl, plus the file when names repeat.
    Raises BadInput, whatever is wrong with a file (run by hand, charts.py reads unvalidated ones)."""
    seen, records, skipped = {}, [], []
    for f, label in zip(files, file_labels(files)):
        try:
            doc = read_json(f)
            for b in doc["benchmarks"]:
                seen[b["name"]] = seen.get(b["name"], 0) + 1
                if b.get("status") != "ok" or not b.get("samples_ns"):
                    skipped.append({"workload": b["workload"], "impl": b["impl"], "status": b.get("status", "?")})
                    continue
                s = b["samples_ns"]
                records.append({
                    "name": b["name"], "workload": b["workload"], "impl": b["impl"], "procs": b["procs"],
                    "unit": b.get("unit", "op"), "params": list(b["params"].items()), "file": label,
                    "median": median(s), "min": min(s), "max": max(s), "extra": b.get("extra") or {},
                })
        except Exception as exc:  # OSError, JSONDecodeError, RecursionError, a missing field, …
            raise BadInput("cannot read %s: %s: %s" % (f, type(exc).__name__, exc)) from None
    repeated = any(n > 1 for n in seen.values())
    labels = unique(r["file"] for r in records)
    for r in records:
        r["series"] = "%s (%s)" % (r["impl"], r["file"]) if repeated else r["impl"]
        if repeated:  # the same point from several files: one line style / hatch per file
            SERIES_FILE_INDEX[r["series"]] = labels.index(r["file"])
    return records, skipped


def skipped_note(skipped, workload):
    """'not drawn: threads (not_applicable)' for points of `workload` that did not run."""
    items = unique("%s (%s)" % (s["impl"], s["status"]) for s in skipped if s["workload"] == workload)
    return "not drawn: " + ", ".join(items) if items else ""


def zero_note(names, shown=3, what="median 0 ns"):
    """'no mark on the log axis (median 0 ns): a, b, c and 2 more' for the points a log axis cannot
    show; before, errorbar() dropped them without a word (and the grouped charts' dots too)."""
    if not names:
        return ""
    more = " and %d more" % (len(names) - shown) if len(names) > shown else ""
    return "no mark on the log axis (%s): %s%s" % (what, "; ".join(names[:shown]), more)


def unique(seq):
    out = []
    for x in seq:
        if x not in out:
            out.append(x)
    return out
