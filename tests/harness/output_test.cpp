// tests/harness/output_test.cpp — number formatting, the progress display (in place, heartbeat lines
// on a fake clock), the table layout, CSV quoting and atomic output files.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <clocale>
#include <filesystem>
#include <sstream>

#include "../common/markdown_pipes.hpp"
#include "common/text_width.hpp"
#include "common/visible_text.hpp"
#include "harness/atomic_file.hpp"
#include "harness/console_table.hpp"
#include "harness/errors.hpp"
#include "harness/machine_context.hpp"
#include "harness/posix_regex.hpp"
#include "harness/progress.hpp"
#include "test_support.hpp"

namespace ccb::harness {
namespace {

using ccb::test::unescaped_pipes;

TEST(Output, NumberFormats) {
  EXPECT_EQ(format_ns(0.2964), "0.296");
  EXPECT_EQ(format_ns(12.345), "12.35");
  EXPECT_EQ(format_ns(376.77), "376.8");
  EXPECT_EQ(format_ns(123456.7), "123457");
  EXPECT_EQ(format_rate(3.05e9), "3.05G");
  EXPECT_EQ(format_rate(2.65e6), "2.65M");
  EXPECT_EQ(format_rate(999), "999.0");
  // a value takes the form its rounded value belongs to ("1000.00k" was printed for 999999.5/s)
  EXPECT_EQ(format_ns(9.9996), "10.00");
  EXPECT_EQ(format_ns(99.996), "100.0");
  EXPECT_EQ(format_ns(999.96), "1000");
  EXPECT_EQ(format_ns(999.94), "999.9");
  EXPECT_EQ(format_rate(999999.5), "1.00M");
  EXPECT_EQ(format_rate(999.996), "1.00k");
  EXPECT_EQ(format_rate(999.99), "1.00k");
  EXPECT_EQ(format_rate(999.94), "999.9");
  EXPECT_EQ(format_duration(45), "45s");
  EXPECT_EQ(format_duration(187), "3m07s");
  EXPECT_EQ(format_duration(7500), "2h05m");
}

// FakeClock: a steady_clock the test moves by hand (Progress takes it as its clock).
struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  void advance(double seconds) {
    now += std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
  }
  Progress::Clock clock() {
    return [this] { return now; };
  }
};

TEST(Output, ProgressModeFollowsTheOptionTheTerminalAndQuiet) {
  EXPECT_EQ(progress_mode("auto", true, false), ProgressMode::InPlace);
  EXPECT_EQ(progress_mode("auto", false, false), ProgressMode::Lines);
  EXPECT_EQ(progress_mode("lines", true, false), ProgressMode::Lines);
  EXPECT_EQ(progress_mode("lines", false, false), ProgressMode::Lines);
  EXPECT_EQ(progress_mode("never", true, false), ProgressMode::Off);
  for (const char* o : {"auto", "lines", "never"}) {
    EXPECT_EQ(progress_mode(o, true, true), ProgressMode::Off) << o;
    EXPECT_EQ(progress_mode(o, false, true), ProgressMode::Off) << o;
  }
  // TERM=dumb cannot erase a line: plain lines even on a terminal
  EXPECT_EQ(progress_mode("auto", true, false, true), ProgressMode::Lines);
  EXPECT_EQ(progress_mode("never", true, false, true), ProgressMode::Off);
}

// Regression: the in-place line was not cut to the terminal's width; a ~90-column point name wrapped
// on an 80-column terminal, and "\r" then redrew only the wrapped part, leaving a stale line per step.
TEST(Output, ProgressInPlaceLineFitsTheTerminal) {
  FakeClock t;
  const std::string name = "select/channels=4/consumers=2/cap=64/n=120000/procs:2/impl:ccbench";
  auto line_at = [&](int columns) {
    std::ostringstream err;
    Progress p(err, ProgressMode::InPlace, 12, 24, 10, t.clock(), [columns] { return columns; });
    t.advance(2);
    p.step(2, name, 2);
    return err.str().substr(std::string("\r\033[K").size());
  };
  const std::string wide = line_at(120);
  EXPECT_NE(wide.find(name), std::string::npos) << wide;  // fits: unchanged
  EXPECT_EQ(line_at(0).find(name) != std::string::npos, true);  // width unknown: unchanged
  for (int columns : {80, 60, 40}) {
    const std::string cut = line_at(columns);
    EXPECT_EQ(common::display_width(cut), static_cast<std::size_t>(columns - 1)) << cut;
    EXPECT_EQ(cut.rfind("[ 3/12] select/", 0), 0u) << cut;  // the start of the name
    EXPECT_NE(cut.find("\u2026"), std::string::npos) << cut;
    EXPECT_NE(cut.find("ccbench \u00B7 ETA ~"), std::string::npos) << cut;  // its end and the ETA stay
  }
  const std::string tiny = line_at(20);  // too narrow to say anything: the whole name
  EXPECT_NE(tiny.find(name), std::string::npos) << tiny;
}

TEST(Output, ProgressHeartbeatLinesAtMostOncePerInterval) {
  FakeClock t;
  std::ostringstream err;
  Progress p(err, ProgressMode::Lines, 4, 40, 10, t.clock());
  for (int i = 0; i < 9; ++i) {  // 9 s of repetitions: shorter than the interval, nothing printed
    t.advance(1);
    p.step(0, "w/n=1/procs:1 ccbench", 1);
  }
  p.point_done();
  p.clear();
  EXPECT_EQ(err.str(), "");
  t.advance(1);  // 10 s: the first heartbeat
  p.step(1, "w/n=2/procs:1 ccbench", 1);
  EXPECT_EQ(err.str(), "ccbench run: 1/4 points done, 10s elapsed, ETA ~30s\n");
  t.advance(9.5);  // 19.5 s: not yet 10 s since the last one
  p.step(1, "w/n=2/procs:1 ccbench", 9);
  p.point_done();
  EXPECT_EQ(err.str(), "ccbench run: 1/4 points done, 10s elapsed, ETA ~30s\n");
  t.advance(165.5);  // 185 s, 20 of 40 repetitions done
  p.step(2, "w/n=3/procs:1 ccbench", 1);
  EXPECT_EQ(err.str(), "ccbench run: 1/4 points done, 10s elapsed, ETA ~30s\n"
                       "ccbench run: 2/4 points done, 3m05s elapsed, ETA ~3m05s\n");
  p.clear();  // no in-place line to erase: nothing written
  EXPECT_EQ(err.str().find_first_of("\r\033"), std::string::npos);
}

// Skipped repetitions leave the total: 10 of 40 measured in 10 s and 20 skipped leave 10, ~10 s
// (counted as done, they made it 10 s / 30 x 10 = ~3 s). skip() never takes the total below done.
TEST(Output, ProgressSkippedRepetitionsLeaveTheTotal) {
  FakeClock t;
  std::ostringstream err;
  Progress p(err, ProgressMode::Lines, 4, 40, 10, t.clock());
  t.advance(10);
  p.skip(20);
  p.step(0, "w/n=1/procs:1 ccbench", 10);
  EXPECT_EQ(err.str(), "ccbench run: 0/4 points done, 10s elapsed, ETA ~10s\n");
  p.skip(100);  // more than are left: the rest is skipped, nothing is left
  t.advance(10);
  p.step(1, "w/n=2/procs:1 ccbench", 0);
  EXPECT_EQ(err.str(), "ccbench run: 0/4 points done, 10s elapsed, ETA ~10s\n"
                       "ccbench run: 0/4 points done, 20s elapsed, ETA ~0s\n");
}

TEST(Output, ProgressInPlaceRedrawsEveryStepAndClears) {
  FakeClock t;
  std::ostringstream err;
  Progress p(err, ProgressMode::InPlace, 12, 24, 10, t.clock());
  t.advance(2);
  p.step(2, "w/n=3/procs:1 ccbench", 2);
  EXPECT_EQ(err.str(), "\r\033[K[ 3/12] w/n=3/procs:1 ccbench \u00B7 ETA ~22s");
  p.clear();
  EXPECT_EQ(err.str(), "\r\033[K[ 3/12] w/n=3/procs:1 ccbench \u00B7 ETA ~22s\r\033[K");
  std::ostringstream off;
  Progress none(off, ProgressMode::Off, 12, 24, 0, t.clock());
  t.advance(100);
  none.step(0, "w", 1);
  none.clear();
  EXPECT_EQ(off.str(), "");
}

Entry entry(const std::string& impl, std::optional<double> median, EntryStatus st = EntryStatus::Ok) {
  Entry e;
  e.workload = "w";
  e.params = {{"n", "10", true}};
  e.base_name = "w/n=10/procs:1";
  e.name = e.base_name + "/impl:" + impl;
  e.impl = impl;
  e.status = st;
  if (median) e.stats = Summary{*median, *median, 0, *median, *median, 0.01};
  if (st != EntryStatus::Ok) e.error = "boom, \"quoted\"";
  return e;
}

TEST(Output, MultiImplementationRowsAndGeomean) {
  const std::vector<Point> points;  // widths from headers only
  TableLayout layout(points, {"ccbench", "go", "threads"});
  EXPECT_EQ(layout.header().back(), "ccbench/threads");
  auto rows = layout.rows({entry("ccbench", 100), entry("go", 400), entry("threads", 50)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][3], "100.0");
  EXPECT_EQ(rows[0][4], "±1.0%");
  EXPECT_EQ(rows[0][9], "0.25x");
  EXPECT_EQ(rows[0][10], "2.00x");
  layout.rows({entry("ccbench", 100), entry("go", 100), entry("threads", 0, EntryStatus::Failed)});
  auto f = layout.footer();
  EXPECT_EQ(f[0], "geomean");
  EXPECT_EQ(f[9], "0.50x");   // sqrt(0.25 * 1)
  EXPECT_EQ(f[10], "2.00x");  // the failed point has no ratio
}

// Every Go entry carries the note "cpu_time is the Go child's CPU time over its whole life ...":
// it marked every Go cell with a footnote about a column no table has. The other notes still do.
TEST(Output, RowsMarkNotesExceptThoseAboutCpuTime) {
  TableLayout layout({}, {"ccbench", "go", "threads"});
  Entry go = entry("go", 400);
  go.notes = {"cpu_time is the Go child's CPU time over its whole life", "cpu_time unavailable for this implementation"};
  Entry threads = entry("threads", 50);
  auto rows = layout.rows({entry("ccbench", 100), go, entry("threads", 50)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].size(), layout.header().size());  // no marker cell
  EXPECT_TRUE(layout.footnotes().empty());
  threads.notes = {"threads runs this point at n=6"};
  rows = layout.rows({entry("ccbench", 100), go, threads});
  EXPECT_EQ(rows[0].back(), "[1]");
  EXPECT_EQ(layout.footnotes(), (std::vector<std::string>{"[1] threads: threads runs this point at n=6"}));
}

// A broken measurement can give a ratio of 1e12 or a median of 1e15 ns: they printed in full
// fixed point ("1000000000000.00x", "1000000000000000"); now with an exponent. Ordinary values
// keep their form (NumberFormats, MultiImplementationRowsAndGeomean).
TEST(Output, HugeNumbersShowAnExponent) {
  EXPECT_EQ(format_ns(1e15), "1.000e+15");
  EXPECT_EQ(format_ns(1.2345e12), "1.234e+12");
  // an op of a second or more is real (skynet's op is one whole run, ~1e9 ns): no exponent
  EXPECT_EQ(format_ns(1.2345e9), "1234500000");
  EXPECT_EQ(format_ns(999999999999), "999999999999");
  EXPECT_EQ(format_rate(1e15), "1.00e+15");
  EXPECT_EQ(format_rate(999e9), "999.00G");
  TableLayout layout({}, {"ccbench", "go", "threads"});
  auto rows = layout.rows({entry("ccbench", 1e12), entry("go", 1), entry("threads", 1e6)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][3], "1.000e+12");
  EXPECT_EQ(rows[0][9], "1.00e+12x");
  EXPECT_EQ(rows[0][10], "1.00e+06x");
  EXPECT_EQ(layout.footer()[9], "1.00e+12x");
  rows = layout.rows({entry("ccbench", 9999), entry("go", 1), entry("threads", 1e-9)});
  EXPECT_EQ(rows[0][9], "9999.00x");
  Entry wild = entry("ccbench", 100);
  wild.stats->cv = 1e5;
  EXPECT_EQ(format_cv(wild), "\u00b11.00e+07%");
}

// Padding counted bytes: a name with "ö" (2 bytes, 1 column) or "通" (3 bytes, 2 columns) shifted
// every later column of its row. Columns now line up in display columns.
// is_utf8() decides whether `run` warns path_not_utf8 (a binary's path the results keep only with
// U+FFFD): exactly the bytes decode_utf8() reads as code points.
TEST(Output, IsUtf8AcceptsOnlyValidShortestFormUtf8) {
  for (const char* ok : {"", "/usr/bin/ccbench", "caf\xc3\xa9", "\xef\xbf\xbd", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf"})
    EXPECT_TRUE(ccb::common::is_utf8(ok)) << ok;
  for (const char* bad : {"caf\xe9", "\xff", "\xc0\xaf", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80" "b"})
    EXPECT_FALSE(ccb::common::is_utf8(bad)) << bad;
}

TEST(Output, TablesPadByDisplayWidth) {
  EXPECT_EQ(common::display_width("abc"), 3u);
  EXPECT_EQ(common::display_width("w\u00f6rk"), 4u);
  EXPECT_EQ(common::display_width("\u901a\u9053"), 4u);     // wide: 2 columns each
  EXPECT_EQ(common::display_width("e\u0301"), 1u);          // a combining mark takes none
  EXPECT_EQ(common::display_width("\u00b1CV"), 3u);
  // invalid UTF-8 counts 1 per byte: stray continuation, truncated, overlong, surrogate, > U+10FFFF
  EXPECT_EQ(common::display_width("a\x80\xff"), 3u);
  EXPECT_EQ(common::display_width("\xe9t\xe9"), 3u);
  EXPECT_EQ(common::display_width("\xf0\x9f"), 2u);
  EXPECT_EQ(common::display_width("\xc0\xaf"), 2u);
  EXPECT_EQ(common::display_width("\xed\xa0\x80"), 3u);
  EXPECT_EQ(common::display_width("\xf4\x90\x80\x80"), 4u);
  EXPECT_EQ(common::pad("\u901a", 4), "\u901a  ");
  EXPECT_EQ(common::pad("\u901a", 4, true), "  \u901a");
  EXPECT_STREQ(std::setlocale(LC_ALL, nullptr), "C");  // the process's locale is left alone

  // column() is the display column at which `cell` starts in `line`.
  auto column = [](const std::string& line, const std::string& cell) {
    const auto at = line.find(cell);
    return at == std::string::npos ? std::string::npos : common::display_width(line.substr(0, at));
  };
  for (const std::string name : {"w\u00f6rk", "\u901a\u9053", "w\xff\xfe"}) {
    std::ostringstream out;
    ConsoleTable table(out, TableLayout({}, {"ccbench"}));
    Entry e = entry("ccbench", 100);
    e.workload = name;
    table.print_header();
    table.print_point({e});
    std::istringstream lines(out.str());
    std::string header, row;
    ASSERT_TRUE(std::getline(lines, header) && std::getline(lines, row));
    EXPECT_EQ(column(row, "n=10"), column(header, "params")) << header << "\n" << row;
    EXPECT_EQ(column(row, "ccbench"), column(header, "impl")) << header << "\n" << row;

    e.latency = LatencySummary{};
    e.latency->p50 = 100;
    std::ostringstream lat;
    write_latency_table(lat, {entry("ccbench", 100), e});
    std::vector<std::string> ls;
    std::istringstream ll(lat.str());
    for (std::string l; std::getline(ll, l);)
      if (l.find("impl") != std::string::npos || l.find("n=10") != std::string::npos) ls.push_back(l);
    ASSERT_EQ(ls.size(), 2u) << lat.str();
    EXPECT_EQ(column(ls[1], "n=10"), column(ls[0], "params")) << lat.str();
  }
}

// render_columns() is the layout of every aligned table (run's latency and spawn tables, compare,
// list): before, each had its own copy of the loop, and the spawn table's lines ended in spaces.
TEST(Output, RenderColumnsAlignsByDisplayWidthWithoutTrailingSpaces) {
  const std::vector<std::vector<std::string>> rows = {
      {"name", "ns", "note"}, {"\u901a\u9053", "7.5", ""}, {"w\u00f6rk", "123.25", "slow"}, {"x"}};
  EXPECT_EQ(common::render_columns(rows, {false, true, false}),
            "name      ns  note\n"
            "\u901a\u9053     7.5\n"
            "w\u00f6rk  123.25  slow\n"
            "x\n");
  EXPECT_EQ(common::render_columns({{"a", "bb"}, {"ccc", "d"}}, {}, " ", "  "), "  a   bb\n  ccc d\n");
  EXPECT_EQ(common::render_columns({}, {}), "");

  Entry e = entry("ccbench", 100);
  e.workload = "spawn";
  e.extra["rss_per_task_bytes"] = 4159;
  std::ostringstream spawn;
  write_spawn_table(spawn, {e});
  std::istringstream lines(spawn.str());
  int n = 0;
  for (std::string l; std::getline(lines, l); ++n) EXPECT_TRUE(l.empty() || l.back() != ' ') << '"' << l << '"';
  EXPECT_EQ(n, 4) << spawn.str();  // blank line, title, header, one row
}

TEST(Output, SingleImplementationRowsShowStatus) {
  TableLayout layout({}, {"ccbench"});
  auto rows = layout.rows({entry("ccbench", std::nullopt, EntryStatus::NotApplicable)});
  EXPECT_EQ(rows[0][4], "n/a");
  EXPECT_TRUE(layout.footer().empty());
  EXPECT_EQ(layout.legend(), "");
}

TEST(Output, MarkdownEscapesPipesAndBackticksInNamesAndParams) {
  // A parameter value holding `|` used to add a column to its row (and a backtick could open a
  // code span), so the row no longer matched the header.
  Entry e = entry("ccbench", 100);
  e.params = {{"sep", "a|b`c\\", true}};
  e.base_name = "w/sep=a|b`c\\/procs:1";
  e.name = e.base_name + "/impl:ccbench";
  std::ostringstream out;
  write_markdown(out, {}, {"ccbench"}, {e});
  std::istringstream lines(out.str());
  std::string header, line;
  ASSERT_TRUE(std::getline(lines, header));
  bool found = false;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] != '|') continue;
    EXPECT_EQ(unescaped_pipes(line), unescaped_pipes(header)) << line;
    found |= line.find("sep=a\\|b\\`c\\\\") != std::string::npos;
  }
  EXPECT_TRUE(found) << out.str();
}

TEST(Output, CsvQuotesFields) {
  std::ostringstream out;
  write_csv(out, {entry("ccbench", std::nullopt, EntryStatus::Failed)});
  // error, then the notes column (empty: this entry has none)
  EXPECT_NE(out.str().find(",failed,0,0,,,,,,,,,0,0,0,,,,,,,,,,,,\"boom, \"\"quoted\"\"\",\n"), std::string::npos) << out.str();
}

// Regression: numbers were written with "%.6g", so ops_per_sec 7871472.9 read back as 7871470.
TEST(Output, CsvNumbersReadBackExactly) {
  std::ostringstream out;
  write_csv(out, {entry("ccbench", 127.04312)});
  EXPECT_NE(out.str().find(",127.04312,"), std::string::npos) << out.str();
  // ops_per_sec = 1e9 / 127.04312 = 7871343.2100848...: every digit up to the double's precision
  EXPECT_NE(out.str().find(",7871343.21008"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("e+06"), std::string::npos) << out.str();
}

TEST(Output, ShellQuoting) {
  EXPECT_EQ(shell_quote("--set=cap=0,128"), "--set=cap=0,128");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(Output, Iso8601Date) {
  const PosixRegex iso("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$");
  EXPECT_TRUE(iso.search(iso8601_now())) << iso8601_now();
}

TEST(AtomicFile, ReplacesContentAndLeavesNoTemporary) {
  ccb::test::ScratchDir dir;
  const std::string path = dir.file("out.json");
  check_writable(path, "--out");
  EXPECT_TRUE(dir.entries().empty());  // the probe file is gone
  write_file_atomically(path, "one\n", "--out");
  write_file_atomically(path, "two\n", "--out");
  EXPECT_EQ(ccb::test::read_text(path), "two\n");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.json"});
}

TEST(AtomicFile, ErrorsNameTheOptionAndPath) {
  try {
    write_file_atomically("/nonexistent-ccbench-dir/x.json", "x", "--out");
    FAIL() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("--out /nonexistent-ccbench-dir/x.json"), std::string::npos) << e.what();
  }
  ccb::test::ScratchDir dir;
  ensure_directory(dir.file("a/b"), "--report");
  EXPECT_THROW(check_writable(dir.file("a"), "--out"), IoError);  // a directory
}

// Regression: `run --report -` made a directory named "-" (every --out refuses "-").
TEST(AtomicFile, ADashIsNoReportDirectory) {
  try {
    ensure_directory("-", "--report");
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), "--report -: '-' is not standard output here: the report is a directory "
                                     "(index.html, charts/); give ./- for a directory named '-'");
  }
  EXPECT_FALSE(std::filesystem::exists("-"));
}

// Regression: --out over an existing 0600 (or read-only) file left it 0644: the temporary got the
// permissions of a new file. A replaced file keeps its mode; a new one gets 0666 & ~umask.
TEST(AtomicFile, AReplacedFileKeepsItsPermissions) {
  ccb::test::ScratchDir dir;
  const std::string path = dir.file("private.json");
  write_file_atomically(path, "one\n", "--out");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(st.st_mode & 07777, 0666 & ~mask);
  for (mode_t mode : {mode_t(0600), mode_t(0444)}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    write_file_atomically(path, "two\n", "--out");
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, mode);
    EXPECT_EQ(ccb::test::read_text(path), "two\n");
  }
}

// unwritable_dir_message() is ensure_directory()'s message for a directory without write permission
// ("" if it threw none). Root may write anywhere, so as root it runs in a child as nobody.
std::string unwritable_dir_message(const std::string& dir) {
  auto attempt = [&]() -> std::string {
    try {
      ensure_directory(dir, "--report");
      return "";
    } catch (const IoError& e) {
      return e.what();
    }
  };
  if (::geteuid() != 0) return attempt();
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(1);
    const std::string m = attempt();
    if (::write(fds[1], m.data(), m.size()) < 0) ::_exit(1);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string m;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) m.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  return m;
}

// A directory that refuses new files is named in the message, not the probe file in it.
TEST(AtomicFile, AnUnwritableReportDirectoryIsNamedWithoutTheProbeFile) {
  ccb::test::ScratchDir dir;
  ensure_directory(dir.file("ro"), "--report");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);  // nobody may enter the scratch directory
  ASSERT_EQ(::chmod(dir.file("ro").c_str(), 0555), 0);
  const std::string m = unwritable_dir_message(dir.file("ro"));
  ::chmod(dir.file("ro").c_str(), 0755);
  EXPECT_EQ(m.find("probe"), std::string::npos) << m;
  EXPECT_NE(m.find("--report " + dir.file("ro") + ": cannot create a file in directory"), std::string::npos) << m;
}

// Regression: --out replaced a symlink with a regular file (temp + rename over the link).
TEST(AtomicFile, WritesThroughSymlinksAndKeepsThem) {
  ccb::test::ScratchDir dir;
  namespace fs = std::filesystem;
  fs::create_directory(dir.file("real"));
  fs::create_symlink("real/target.json", dir.file("link.json"));  // dangling: target created
  check_writable(dir.file("link.json"), "--out");
  write_file_atomically(dir.file("link.json"), "one\n", "--out");
  EXPECT_TRUE(fs::is_symlink(dir.file("link.json")));
  EXPECT_EQ(ccb::test::read_text(dir.file("real/target.json")), "one\n");
  write_file_atomically(dir.file("link.json"), "two\n", "--out");  // existing target replaced
  EXPECT_TRUE(fs::is_symlink(dir.file("link.json")));
  EXPECT_EQ(ccb::test::read_text(dir.file("real/target.json")), "two\n");
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"link.json", "real"}));
}

// Regression: --out replaced a FIFO (and /dev/null) with a regular file instead of writing to it.
TEST(AtomicFile, WritesFifoInPlace) {
  ccb::test::ScratchDir dir;
  const std::string fifo = dir.file("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // a reader, so open(O_WRONLY) won't block
  ASSERT_GE(rd, 0);
  check_writable(fifo, "--out");
  write_file_atomically(fifo, "hello\n", "--out");
  char buf[16] = {};
  EXPECT_EQ(::read(rd, buf, sizeof buf), 6);
  EXPECT_STREQ(buf, "hello\n");
  ::close(rd);
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"pipe"});
}

TEST(AtomicFile, WritesCharacterDeviceInPlace) {
  ccb::test::ScratchDir dir;
  const std::string dev = dir.file("null");  // a private null device, not /dev/null
  if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod needs root";
  check_writable(dev, "--out");
  write_file_atomically(dev, "discarded\n", "--out");
  struct stat st {};
  ASSERT_EQ(::lstat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"null"});
}

}  // namespace
}  // namespace ccb::harness
