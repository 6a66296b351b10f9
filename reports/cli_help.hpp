// reports/cli_help.hpp — the help footers of `ccbench compare` and `ccbench report` (what
// `--help` prints after the options): the statistics, the gate, the confirmation rounds, the
// report's files and the exit statuses. Text only; reports/cli.cpp registers them.
#pragma once

namespace ccb::reports {

inline constexpr const char* kCompareFooter = R"(
Statistics:
  Points are matched by name; statistics are recomputed from samples_ns.
  Each point gets a two-sided Mann-Whitney U test of base vs new samples: the exact distribution of U
  when no value is tied and n1*n2 <= 2500 (as scipy.stats.mannwhitneyu(method="exact"); complete
  separation gives p = 2/C(n1+n2, n1): 0.0079 at 5 vs 5, 0.00058 at 7 vs 7), otherwise the normal
  approximation with tie and continuity corrections (method="asymptotic", which Google Benchmark's
  compare.py uses); and, with at least --min-samples samples on both sides, a seeded
  (deterministic) percentile bootstrap confidence interval (level 1 - alpha, 2000 resamples) of the
  ratio of medians (each resample's median drawn from its exact distribution over the sorted
  samples, so a point with a million samples costs well under a second).
  Multiple testing: the p-values of all non-noisy points are adjusted together with Holm-Bonferroni,
  which bounds the chance of ANY false regression (family-wise error) at --alpha without assuming
  independent points; it is never less powerful than plain Bonferroni. So with ~50 points and
  untied samples, 7 per side is the fewest that can reach alpha 0.05 (2/3432 x 50 = 0.029; 6 per
  side: 2/924 x 50 = 0.11); compare warns when no point can reach it (tied samples count: the
  approximation can give them a smaller p than untied ones get), and when every point is
  noisy (none is tested, so only --confirm's rounds below can still call one regressed; the gate
  message says how each regressed point was judged; --fail-unjudged makes such a gate fail).
Verdicts:
  noisy      fewer than --min-samples samples, or CV (stddev/mean) above --max-cv, in either file
             (the output says which), or a median of 0 ns in either file (no ratio: a warning names
             it); when its CI of the ratio lies wholly at or above 1 + threshold,
             the reason and a warning add "slower beyond the threshold in its whole interval";
  regressed  adjusted p < alpha and new/base median - 1 >= threshold, or regressed in every
             --confirm round (Gate quality) though the test called it noisy or unchanged;
  improved   adjusted p < alpha and new/base median - 1 <= -threshold;
  unchanged  otherwise.
  The summary gives counts per verdict and the geometric mean of the ratios with a bootstrap CI.
  A point "ok" in BASE whose status is "failed" in NEW (it fails its self-check now) is listed as
  newly failing and fails the gate (see Exit status), and so does a NEW file from an interrupted
  run (context.interrupted) that lacks points of BASE. Points present in only one file, failing in
  both or only in BASE, or "not_applicable" in either, are listed as not compared. Differences in
  host_name, cpu_model, num_cpus, build type, sanitizer, the measurement settings (preset,
  repetitions, warmup, min_time_s) or CPU pinning (min_time_s and pinning when both files record
  them) produce a warning. Every sample is used: Tukey outlier counts in the files are informational and
  nothing is trimmed.
Gate quality:
  Repetitions of one run are not independent of the state of a shared machine, which can shift a
  whole run by 10-50%; the verdicts above only screen. --confirm (default auto) re-measures each
  point flagged regressed, or at least half the threshold slower (one pair of runs can hide
  half a real slowdown) though not called regressed, in up to N rounds (auto: 6); a round is
  one run of the base build and one of the new build, of that point alone, back to back (order
  alternating), giving one ratio of medians. The point is
  regressed only if all N rounds are at least 1 + threshold; the first round that is not ends it
  and a first "regressed" becomes unchanged ("not confirmed"). The output shows the first
  verdict and the round ratios. The commands are re-derived from each file (its recorded binary
  and arguments, and the CCB_INJECT_* hook and CCB_CHAOS if they were active) when the file was
  measured on this host by a binary that is still there unchanged (checked again before and after
  every run: if it changed during the rounds, they are dropped, and auto keeps the first verdicts
  with a warning while --confirm N exits 2; Go points are re-measured with the file's recorded
  ccbench-go, context.go_binary, checked the same way); otherwise pass --base-run CMD and --new-run CMD
  (compare replaces any --filter, --out and --quiet in them with its own and removes --format,
  --report and --resume; a round whose run still took its points from an earlier file,
  context.resumed, is refused: exit 2; when their runs record another binary than the file's,
  compare warns), or the verdicts stay
  unconfirmed with a warning (auto) or compare exits 2 (--confirm N). --confirm 0 turns it off.
  --noise-floor FILE (from `ccbench calibrate`): a point counts as regressed/improved only if its
  change also exceeds its own A/A noise floor.
Exit status: 0 gate passed, 1 gate failed: a point regressed (--fail-on regressed; with
  --fail-unjudged also every point noisy, a noisy point slower beyond the threshold in its
  whole interval and not refuted by a confirmation round, or a point with a median of 0 ns in
  either file, which has no ratio) or the geomean did (--fail-on geomean), or, with
  either, a point is newly failing ("ok" in BASE, "failed" in NEW) or NEW is an interrupted run
  that lacks points of BASE (--fail-on never reports both but exits 0), 2 bad input (unreadable or malformed file, wrong
  types, NaN/Infinity, unknown schema version, no common points) or bad option, 3 internal error
  (never a gate verdict), 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (a confirmation run
  in progress is stopped too).
)";

inline constexpr const char* kReportFooter = R"(
Writes DIR/index.html (opens from disk: no network, no external scripts, styles or fonts) with the
machine context, per-workload tables and charts, and DIR/charts/*.png + *.svg, the chart files the
page shows (copy DIR whole: index.html alone has broken images), drawn by matplotlib
(/usr/bin/python3, or $CCB_REPORT_PYTHON: a path, or a name looked up in PATH) from the embedded
reports/charts.py, given at most 300 s ($CCB_CHART_TIMEOUT_S: other seconds; not a number of
seconds: exit 2). Without Python or
matplotlib, or past that time, the page is still written with tables and a one-line notice; a chart that cannot be drawn is left out and named in the notice. With
--baseline, the comparison of the results against BASE.json is added, with a % change chart, and
saved as DIR/compare.json: compare's statistics with its default options but only its first
verdicts, as `ccbench compare BASE.json RESULTS.json --confirm 0` gives them (several results
files are merged first: of a point in more than one, the first file's is compared, with a
warning). Report never re-runs anything to confirm a regression, so `ccbench compare` (--confirm
auto) may call a point the report marks regressed unchanged ("not confirmed"). Report's
compare.json has one field more than compare's JSON, "written_by": "ccbench report"; without
--baseline, a compare.json with that field (left there by an earlier report) is removed, as are
its charts, and any other DIR/compare.json (e.g. `ccbench compare --format json --out`) is kept.
Of DIR/charts, a report removes only chart files a report wrote: the charts an earlier report's
DIR/charts/manifest.json lists (and that manifest), and what its own chart drawer wrote that the
page does not use; other files there (your own *.png or *.svg) are kept, unless one has the name
of a chart this report draws (charts/<id>.png, .svg), which replaces it.
Prints the path of index.html.
Exit status: 0 written, 2 bad input (as for compare) or unwritable DIR, 3 internal error,
  130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP while the charts were drawn: the chart drawer
  is stopped too, the charts it drew and the report's compare.json are removed and no index.html
  is written; an earlier report's index.html in DIR is gone too, removed with its charts as this
  report started (at any other moment the signal ends report at once; each file is whole or
  absent).
)";

}  // namespace ccb::reports
