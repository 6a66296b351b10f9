// tests/reports/compare_cli_test.cpp — `ccbench compare` as a command: options, messages, --out,
// --help, and its output formats (table, markdown, JSON), including names that are not UTF-8 or
// hold markdown's `|` and backticks. The verdicts themselves: compare_test.cpp.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../common/markdown_pipes.hpp"
#include "cli_helper.hpp"
#include "common/text_width.hpp"
#include "reports/cli.hpp"
#include "reports/compare.hpp"
#include "reports/compare_format.hpp"
#include "reports/format_util.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using test::data;
using test::run_cli;
using ccb::test::unescaped_pipes;

// Regression (docs audit, session 39): `compare … --format json --out /dev/stdout > f` left f as
// invalid JSON: the document went to offset 0 of the file through a descriptor of its own and the
// summary lines printed on stdout after it overwrote its start. An --out that is standard output
// (here /dev/stdout, in-process: the output stream gets what stdout would) is now no --out.
TEST(CompareTest, AnOutOnStandardOutputIsAsWithoutOut) {
  const std::string b = data("base.json"), s = data("slower20.json");
  const auto plain = run_cli({"compare", b, s, "--confirm", "0", "--format", "json"});
  const auto r = run_cli({"compare", b, s, "--confirm", "0", "--format", "json", "--out", "/dev/stdout"});
  EXPECT_EQ(r.code, plain.code) << r.err;
  EXPECT_EQ(r.out, plain.out);
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  const auto table = run_cli({"compare", b, s, "--confirm", "0", "--out", "/dev/stdout"});
  EXPECT_EQ(table.out, run_cli({"compare", b, s, "--confirm", "0"}).out);
}

TEST(CompareTest, OptionsAcceptPercentOrFractionAndRejectNonsense) {
  const std::string b = data("base.json"), s = data("slower20.json");
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", "0.05"}).code, 1);
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", "5%", "--alpha", "0.01", "--max-cv", "0.2"}).code, 1);
  const auto five = run_cli({"compare", b, s, "--threshold", "5"});
  EXPECT_EQ(five.code, 2);
  EXPECT_NE(five.err.find("--threshold: 5 is out of range"), std::string::npos) << five.err;
  EXPECT_EQ(run_cli({"compare", b, s, "--alpha", "0"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--max-cv", "abc"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--min-samples", "1"}).code, 2);
  // blanks and hexadecimal were accepted through std::stod / std::stol
  EXPECT_EQ(run_cli({"compare", b, s, "--min-samples", " 5"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", " 5%"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b, s, "--threshold", "0x1p-4"}).code, 2);
  const auto fail_on = run_cli({"compare", b, s, "--fail-on", "sometimes"});
  EXPECT_EQ(fail_on.code, 2);
  EXPECT_NE(fail_on.err.find("expected regressed, geomean or never"), std::string::npos);
  EXPECT_EQ(run_cli({"compare", b, s, "--format", "xml"}).code, 2);
  EXPECT_EQ(run_cli({"compare", b}).code, 2);  // CLI11: missing NEW.json
}

// Regression: compare and calibrate found an unwritable --out only after all the work (a whole
// calibration), said "cannot write" without a reason, replaced an input file given as --out, and
// took an explicitly empty --out / --run as "not given".
TEST(CompareTest, OutIsCheckedUpFrontWithTheReason) {
  const std::string b = data("base.json"), s = data("slower20.json");
  const auto missing = run_cli({"compare", b, s, "--out", "/nonexistent-ccbench-dir/x.md"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "ccbench compare: --out /nonexistent-ccbench-dir/x.md: directory "
                         "'/nonexistent-ccbench-dir' does not exist\n");
  const std::string dir = test::scratch_dir("out-input");
  const std::string copy = dir + "/base.json";
  ASSERT_EQ(std::system(("cp " + b + " " + copy).c_str()), 0);
  const auto same = run_cli({"compare", copy, s, "--out", copy});
  EXPECT_EQ(same.code, 2);
  EXPECT_NE(same.err.find("--out " + copy + ": is also an input file"), std::string::npos) << same.err;
  EXPECT_EQ(test::read_text(copy), test::read_text(b));  // untouched
  const auto empty = run_cli({"compare", b, s, "--out", ""});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("--out: empty value"), std::string::npos) << empty.err;
  EXPECT_TRUE(empty.out.empty());

  const auto calib = run_cli({"calibrate", "--pairs", "1", "--run", "echo should-not-run", "--out",
                              "/nonexistent-ccbench-dir/nf.json"});
  EXPECT_EQ(calib.code, 2);
  EXPECT_EQ(calib.err, "ccbench calibrate: --out /nonexistent-ccbench-dir/nf.json: directory "
                       "'/nonexistent-ccbench-dir' does not exist\n");  // and no "pair 1/1" line
  const auto no_run = run_cli({"calibrate", "--pairs", "1", "--run", "", "--out", dir + "/nf.json"});
  EXPECT_EQ(no_run.code, 2);
  EXPECT_NE(no_run.err.find("--run: empty value"), std::string::npos) << no_run.err;

  // "-" is standard output to many tools; it was written as a file named "-" in the working directory
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", b, s, "--out", "-"}, {"calibrate", b, data("rerun.json"), "--out", "-"}}) {
    const auto dash = run_cli(args);
    EXPECT_EQ(dash.code, 2) << args[0];
    EXPECT_NE(dash.err.find("--out -: '-' is not standard output here; give /dev/stdout for that, or ./- for a file "
                            "named '-'"),
              std::string::npos) << dash.err;
    EXPECT_FALSE(std::filesystem::exists("-")) << args[0] << " wrote a file named '-'";
  }
}

// Regression: a write that fails after the up-front check passed (/dev/full takes no data) printed
// "ccbench compare: --out /dev/full: " with no reason, because the reason was asked of the
// up-front check again, which finds nothing wrong with a writable device.
TEST(CompareTest, AWriteThatFailsLateGivesItsReason) {
  if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  const std::string b = data("base.json"), s = data("slower20.json");
  const auto cmp = run_cli({"compare", b, s, "--confirm", "0", "--out", "/dev/full"});
  EXPECT_EQ(cmp.code, 2);
  EXPECT_EQ(cmp.err.rfind("ccbench compare: --out /dev/full: write failed: No space left on device"), 0u) << cmp.err;
  const auto calib = run_cli({"calibrate", b, data("rerun.json"), "--out", "/dev/full"});
  EXPECT_EQ(calib.code, 2);
  EXPECT_NE(calib.err.find("ccbench calibrate: --out /dev/full: write failed: No space left on device"),
            std::string::npos)
      << calib.err;
}

// Regression: "ccbench calibrate: calibrate: give an even number…" (doubled prefix), and a missing
// --noise-floor file was reported as "nf.json: <file>: cannot open…" without naming the option.
TEST(CompareTest, MessagesNameTheOptionOnce) {
  const auto odd = run_cli({"calibrate", data("base.json")});
  EXPECT_EQ(odd.code, 2);
  EXPECT_EQ(odd.err.rfind("ccbench calibrate: give an even number of results files", 0), 0u) << odd.err;
  const auto nf = run_cli({"compare", data("base.json"), data("rerun.json"), "--noise-floor",
                           "/nonexistent-ccbench-dir/nf.json"});
  EXPECT_EQ(nf.code, 2);
  EXPECT_EQ(nf.err, "ccbench compare: --noise-floor /nonexistent-ccbench-dir/nf.json: no such file "
                    "(`ccbench calibrate` writes one)\n");
}

// Regression (docs audit): a missing file read "missing.json: <file>: no such file", with the
// loader's placeholder for "no JSON path" in the message.
TEST(CompareTest, AMissingFileIsNamedWithoutAPlaceholder) {
  const auto r = run_cli({"compare", "/nonexistent-ccbench-dir/missing.json", data("base.json")});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "ccbench compare: /nonexistent-ccbench-dir/missing.json: no such file\n");
}

TEST(CompareTest, HelpDocumentsNewlyFailingInExitStatus) {
  CLI::App app{"ccbench"};
  add_commands(app);
  const std::string help = app.get_subcommand("compare")->help();
  EXPECT_NE(help.find("Exit status: 0 gate passed, 1 gate failed"), std::string::npos) << help;
  EXPECT_NE(help.find("a point is newly failing (\"ok\" in BASE, \"failed\" in"), std::string::npos) << help;
  EXPECT_NE(help.find("also exit 1 when a point ok in BASE failed in NEW"), std::string::npos) << help;
  // SIGHUP ends them as interrupted too (ChildRun.CompareAndCalibrateEndWith129WhenTheirChildIsHungUp)
  for (const char* command : {"compare", "calibrate"}) {
    const std::string h = app.get_subcommand(command)->help();
    EXPECT_NE(h.find("130/143/129 interrupted"), std::string::npos) << command << "\n" << h;
    EXPECT_NE(h.find("SIGINT/SIGTERM/SIGHUP"), std::string::npos) << command << "\n" << h;
  }
}

// Regression: `compare --alpha 0.5%` printed "100% CI of ratio" (the level was rounded to whole
// percent). The level is now shown exactly, without trailing zeros.
TEST(CompareTest, ConfidenceLevelIsPrintedExactly) {
  EXPECT_EQ(fmt::confidence(0.05), "95%");
  EXPECT_EQ(fmt::confidence(0.005), "99.5%");
  EXPECT_EQ(fmt::confidence(0.001), "99.9%");
  EXPECT_EQ(fmt::confidence(0.5 / 100), "99.5%");   // as --alpha 0.5% is parsed
  EXPECT_EQ(fmt::confidence(0.1 / 100), "99.9%");   // 0.1 / 100 is not the double nearest 0.001
  EXPECT_EQ(fmt::confidence(0.0001234), "99.98766%");
  EXPECT_EQ(fmt::confidence(0.25), "75%");
  EXPECT_EQ(fmt::confidence(1e-9), "99.9999999%");
  for (const auto& [alpha, level] : {std::pair{"0.5%", "99.5% CI"}, std::pair{"0.001", "99.9% CI"},
                                     std::pair{"0.05", "95% CI"}}) {
    for (const char* format : {"table", "markdown"}) {
      const auto r = run_cli({"compare", data("base.json"), data("slower20.json"), "--alpha", alpha, "--format", format});
      EXPECT_NE(r.out.find(level), std::string::npos) << alpha << " " << format << ":\n" << r.out;
      EXPECT_EQ(r.out.find("100% CI"), std::string::npos) << r.out;
    }
  }
}

TEST(CompareTest, MarkdownAndJsonFormats) {
  const auto md = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "markdown"});
  EXPECT_EQ(md.code, 1);
  EXPECT_EQ(md.out.rfind("### ccbench compare: \u274C gate failed", 0), 0u) << md.out;
  EXPECT_NE(md.out.find("| verdict | point | base | new | change | p (Holm) |"), std::string::npos);
  EXPECT_NE(md.out.find("<details><summary>unchanged ("), std::string::npos);

  const auto js = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json"});
  const nlohmann::json j = nlohmann::json::parse(js.out);  // throws on NaN or malformed output
  EXPECT_EQ(j["summary"]["regressed"], 8);  // pingpong: 2 params x 2 procs x 2 impls, +15%
  EXPECT_EQ(j["summary"]["improved"], 6);   // counter atomic: 2 procs x 3 impls, -10%
  EXPECT_EQ(j["gate"]["failed"], true);
  EXPECT_EQ(j["points"].size(), 48u);
  EXPECT_EQ(j["not_compared"].size(), 2u);
  EXPECT_TRUE(j["points"][0]["p_adjusted"].is_number());
}

// --impl: only the points of the given implementations are compared (a runtime gate that Go's or
// the threads' points must not sway); a name that either file lacks is bad usage.
TEST(CompareTest, ImplComparesOnlyThePointsOfThoseImplementations) {
  auto r = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json", "--impl", "ccbench"});
  EXPECT_EQ(r.code, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["regressed"], 4);  // pingpong's ccbench points (of 8 with go's)
  EXPECT_EQ(j["summary"]["improved"], 2);   // counter atomic's ccbench points (of 6)
  for (const auto& p : j["points"]) EXPECT_NE(p["name"].get<std::string>().find("/impl:ccbench"), std::string::npos) << p["name"];
  EXPECT_EQ(j["options"]["impls"], nlohmann::json::array({"ccbench"}));
  EXPECT_EQ(j["options"]["family_size"], j["points"].size() - j["summary"]["noisy"].get<std::size_t>());
  EXPECT_TRUE(j["only_in_base"].empty() && j["only_in_new"].empty());

  r = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json", "--impl", "threads,go"});
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["summary"]["regressed"], 4);  // pingpong's go points (threads has none there)
  EXPECT_EQ(j["summary"]["improved"], 4);   // counter atomic's go and threads points
  EXPECT_EQ(j["options"]["impls"], nlohmann::json::array({"go", "threads"}));
  r = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json"});
  EXPECT_TRUE(nlohmann::json::parse(r.out)["options"]["impls"].is_null());
  // --impl all: every implementation, as the default ("default: all") and as `run --impl all`
  r = run_cli({"compare", data("base.json"), data("candidate.json"), "--format", "json", "--impl", "all"});
  EXPECT_EQ(r.code, 1) << r.err;  // the regressions above fail the gate
  EXPECT_TRUE(nlohmann::json::parse(r.out)["options"]["impls"].is_null());

  r = run_cli({"compare", data("base.json"), data("candidate.json"), "--confirm", "0", "--impl", "ccbench"});
  EXPECT_NE(r.out.find(", implementations ccbench only"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/impl:go"), std::string::npos) << r.out;

  for (const auto& [value, said] :
       std::vector<std::pair<std::string, std::string>>{
           // Worded as `run --impl` words them (session 48's CLI review: "rust" and "all" read "has
           // no point of that implementation", and a repeated name was accepted).
           {"rust", "--impl: unknown implementation 'rust'; valid: ccbench, go, threads, all"},
           {"thread", "--impl: unknown implementation 'thread' (did you mean 'threads'?)"},
           {"ccbench,all", "--impl: 'all' stands alone (--impl all)"},
           {"go,go", "--impl: 'go' is listed twice"},
           {"ccbench,", "--impl: expected implementation names separated by commas (e.g. ccbench or ccbench,go), got \"ccbench,\""},
           {"", "--impl"}}) {
    r = run_cli({"compare", data("base.json"), data("candidate.json"), "--impl", value});
    EXPECT_EQ(r.code, 2) << value << ": " << r.err;
    EXPECT_NE(r.err.find(said), std::string::npos) << value << ": " << r.err;
  }
}

TEST(CompareTest, OutFileGetsTheReportStdoutTheSummary) {
  const std::string dir = test::scratch_dir("out");
  const auto r = run_cli({"compare", data("base.json"), data("rerun.json"), "--format", "markdown", "--out",
                          dir + "/summary.md"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("48 points compared"), std::string::npos) << r.out;
  EXPECT_NE(test::read_text(dir + "/summary.md").find("### ccbench compare"), std::string::npos);
}

// Regression: a file name that is not UTF-8 (Latin-1 "\xe9") made nlohmann's dump() throw: compare
// --format json, calibrate and report --baseline printed "[json.exception.type_error.316] invalid
// UTF-8 byte" and exited 1, which a CI script reads as a failed gate. The byte is now U+FFFD.
TEST(CompareTest, AFileNameThatIsNotUtf8IsReplacedInJsonOutput) {
  const std::string dir = test::scratch_dir("latin1");
  const std::string odd = dir + "/r\xe9sultats.json";
  std::filesystem::copy_file(data("base.json"), odd);
  auto r = run_cli({"compare", data("base.json"), odd, "--format", "json", "--confirm", "0"});
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["new_file"], dir + "/r\xef\xbf\xbdsultats.json");
  r = run_cli({"report", odd, "--baseline", data("base.json"), "--out", dir + "/report"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(test::read_text(dir + "/report/compare.json"))["new_file"],
            dir + "/r\xef\xbf\xbdsultats.json");
  nlohmann::json fewer = nlohmann::json::parse(test::read_text(data("base.json")));
  fewer["benchmarks"].erase(0);  // that point is "only in <odd>": the noise-floor file names it
  std::ofstream(dir + "/fewer.json") << fewer.dump(1);
  r = run_cli({"calibrate", odd, dir + "/fewer.json", "--out", dir + "/nf.json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(test::read_text(dir + "/nf.json").find("only in " + dir + "/r\xef\xbf\xbdsultats.json"), std::string::npos);
}

TEST(CompareTest, MarkdownEscapesPipesAndBackticksInPointNames) {
  // A point name holding `|` added a column to its row, and a backtick ended its code span early.
  const std::string odd = "w/sep=a|b`c/procs:1/impl:ccbench";
  Results base, next;
  base.file = "b`ase.json";
  next.file = "n.json";
  for (const std::string& name : {odd, std::string("w/sep=x/procs:1/impl:ccbench"), std::string("w|only/impl:go")}) {
    Point p;
    p.name = name;
    p.status = "ok";
    p.samples_ns = {100, 101, 102, 103, 104, 105, 106};
    base.benchmarks.push_back(p);
    if (name == odd) p.samples_ns = {200, 202, 204, 206, 208, 210, 212};  // regressed: in the first table
    if (name != "w|only/impl:go") next.benchmarks.push_back(p);
  }
  const std::string md = format_comparison(compare_results(base, next, CompareOptions{}), CompareFormat::Markdown);
  std::istringstream lines(md);
  std::string line, header;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("| verdict |", 0) == 0) header = line;
    else if (line.rfind("| ", 0) == 0 && !header.empty()) {
      ++rows;
      EXPECT_EQ(unescaped_pipes(line), unescaped_pipes(header)) << line;
    }
  }
  EXPECT_EQ(rows, 2) << md;
  EXPECT_NE(md.find("| ``w/sep=a\\|b`c/procs:1/impl:ccbench`` |"), std::string::npos) << md;
  EXPECT_NE(md.find("- `w|only/impl:go`"), std::string::npos) << md;  // a list, not a table: no escape
  EXPECT_NE(md.find("Base ``b`ase.json``"), std::string::npos) << md;
}

// A ratio of 1e12 printed "1000000000000.000" and its change "+99999999999900.0%"; a median of
// 1e18 ns "1000000000 s". Past a million they now show an exponent; ordinary values are as before.
TEST(CompareTest, HugeValuesPrintWithAnExponent) {
  EXPECT_EQ(fmt::fixed(1.2, 3), "1.200");
  EXPECT_EQ(fmt::fixed(999999.5, 0), "1000000");  // below the limit: fixed point, rounded
  EXPECT_EQ(fmt::fixed(1e12, 3), "1.00e+12");
  EXPECT_EQ(fmt::fixed(-2.5e7, 1), "-2.50e+07");
  EXPECT_EQ(fmt::pct(0.2), "20.0%");
  EXPECT_EQ(fmt::pct(1e12 - 1, 1, true), "+1.00e+14%");
  EXPECT_EQ(fmt::sig(12345), "12345");
  EXPECT_EQ(fmt::sig(1.2345e9), "1.234e+09");
  EXPECT_EQ(fmt::ns(152.3), "152.3 ns");
  EXPECT_EQ(fmt::ns(1.234e9), "1.234 s");
  EXPECT_EQ(fmt::ns(1e18), "1.000e+09 s");
  EXPECT_EQ(fmt::si(4729658), "4.73 M");
  EXPECT_EQ(fmt::si(1e18), "1.00e+09 G");
  // the unit follows the rounded value (helper-39's audit: 999.97 ns printed as "1000.0 ns")
  EXPECT_EQ(fmt::ns(999.97), "1.000 \u00b5s");
  EXPECT_EQ(fmt::ns(999.94), "999.9 ns");
  EXPECT_EQ(fmt::ns(999999.8), "1.000 ms");
  EXPECT_EQ(fmt::ns(-999.97), "-1.000 \u00b5s");
  EXPECT_EQ(fmt::si(999700), "1.00 M");
  EXPECT_EQ(fmt::si(999.4), "999");
  EXPECT_EQ(fmt::sig(0.99997), "1.000");
  EXPECT_EQ(fmt::sig(999999.97), "1.000e+06");

  Results base, next;
  base.file = "b.json";
  next.file = "n.json";
  Point p;
  p.name = "w/procs:1/impl:ccbench";
  p.status = "ok";
  p.samples_ns = {1, 1, 1, 1, 1, 1, 1};
  base.benchmarks.push_back(p);
  p.samples_ns = {1e12, 1e12, 1e12, 1e12, 1e12, 1e12, 1e12};
  next.benchmarks.push_back(p);
  const std::string table = format_table(compare_results(base, next, CompareOptions{}));
  EXPECT_NE(table.find("+1.00e+14%"), std::string::npos) << table;
  EXPECT_NE(table.find("geomean ratio 1.00e+12 (+1.00e+14%"), std::string::npos) << table;
  EXPECT_EQ(table.find("000000000"), std::string::npos) << table;
}

// compare's table padded each cell by its code points: a wide character (2 columns) shifted the
// rest of its row by one column per character.
TEST(CompareTest, TableColumnsLineUpWithWideCharactersInNames) {
  Results base, next;
  base.file = "b.json";
  next.file = "n.json";
  for (const std::string name : {"w/procs:1/impl:ccbench", "\u901a\u9053/procs:1/impl:ccbench", "w\xff/procs:1/impl:go"}) {
    Point p;
    p.name = name;
    p.status = "ok";
    p.samples_ns = {100, 101, 102, 103, 104, 105, 106};
    base.benchmarks.push_back(p);
    next.benchmarks.push_back(p);
  }
  const std::string table = format_table(compare_results(base, next, CompareOptions{}));
  std::istringstream lines(table);
  std::vector<std::size_t> ends;  // display column where "base" (the header) and each base median end
  for (std::string line; std::getline(lines, line);) {
    const bool header = line.rfind("point", 0) == 0;
    if (!header && line.find("/procs:1/impl:") == std::string::npos) continue;
    const std::size_t end = header ? line.find("base") + 4 : line.find(" ns") + 3;
    ends.push_back(common::display_width(line.substr(0, end)));
  }
  ASSERT_EQ(ends.size(), 4u) << table;
  for (std::size_t e : ends) EXPECT_EQ(e, ends[0]) << table;
}

// Warnings went to stdout with the table when the output went to stdout, and to stderr only with
// --out. Now every warning goes to stderr, for every format; stdout is the document alone, so
// --format json on stdout parses whatever is warned about.
TEST(CompareTest, WarningsGoToStderrAndJsonOnStdoutStaysValid) {
  const std::string dir = test::scratch_dir("warn");
  auto keep = [&](const std::string& fixture, std::size_t n) {
    nlohmann::json j = nlohmann::json::parse(test::read_text(data(fixture)));
    for (auto& b : j["benchmarks"]) {
      if (b["status"] != "ok") continue;
      auto v = b["samples_ns"].get<std::vector<double>>();
      v.resize(std::min(v.size(), n));
      b["samples_ns"] = v;
    }
    const std::string path = dir + "/" + std::to_string(n) + "-" + fixture;
    std::ofstream(path) << j.dump(1);
    return path;
  };
  ASSERT_EQ(run_cli({"calibrate", data("base.json"), keep("rerun.json", 99), "--out", dir + "/nf.json"}).code, 0);
  nlohmann::json nf = nlohmann::json::parse(test::read_text(dir + "/nf.json"));
  nf["points"].erase(nf["points"].begin());  // one compared point without a noise floor
  std::ofstream(dir + "/nf-less.json") << nf.dump(1);
  const std::vector<std::vector<std::string>> cases = {
      {data("base.json"), data("few_samples.json"), "--confirm", "0"},        // every point noisy
      {keep("base.json", 5), keep("rerun.json", 5), "--confirm", "0"},        // no point can reach significance
      {data("base.json"), data("other_machine.json"), "--confirm", "0"},      // context differences
      {data("base.json"), data("candidate.json")},                            // regressed, not confirmed
      {data("base.json"), data("rerun.json"), "--confirm", "0", "--noise-floor", dir + "/nf-less.json"}};
  for (const auto& args : cases) {
    std::vector<std::string> cmd = {"compare"};
    cmd.insert(cmd.end(), args.begin(), args.end());
    cmd.insert(cmd.end(), {"--format", "json"});
    const auto r = run_cli(cmd);
    ASSERT_LE(r.code, 1) << r.err;
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(r.out)) << r.out;
    ASSERT_FALSE(j["warnings"].empty()) << args[1];
    std::string expected;
    for (const auto& w : j["warnings"]) expected += "ccbench compare: warning: " + w.get<std::string>() + "\n";
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;

    cmd.resize(cmd.size() - 2);  // the table: warnings on stderr, not repeated on stdout
    const auto t = run_cli(cmd);
    EXPECT_EQ(t.out.find("warning:"), std::string::npos) << t.out;
    EXPECT_NE(t.err.find(expected), std::string::npos) << t.err;
    cmd.insert(cmd.end(), {"--format", "markdown"});  // a document: on stderr and in it
    const auto m = run_cli(cmd);
    EXPECT_NE(m.err.find(expected), std::string::npos) << m.err;
    EXPECT_NE(m.out.find("> [!WARNING]"), std::string::npos) << m.out;
  }
}

// unescaped() counts the occurrences of `needle` in `text` that markdown would read as written:
// those not preceded by a backslash.
std::size_t unescaped(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    n += at == 0 || text[at - 1] != '\\';
  return n;
}

// Regression (hostile-input audit): `compare --format markdown` wrote context.warnings and points'
// error reasons raw: the warning "x</sub>\n### :white_check_mark: gate passed ![t](https://…)"
// became a heading and an image outside the `> [!WARNING]` block, and the error "\n# H1" of a
// newly failing point ended the list with an H1. Each now stays text on its own line: no line
// starts a heading but compare's own two, no image, link or HTML tag comes from the files.
TEST(CompareTest, MarkdownKeepsWarningsAndErrorsOfTheFilesAsText) {
  const std::string dir = test::scratch_dir("md_injection");
  nlohmann::json b = nlohmann::json::parse(test::read_text(data("base.json")));
  b["context"]["warnings"].push_back("x</sub>\n### :white_check_mark: gate passed ![t](https://example.com/t.png)");
  nlohmann::json n = b;
  b["benchmarks"][0]["status"] = "failed";  // not compared
  b["benchmarks"][0]["error"] = "boom\n# H1 [l](https://example.com/l) <img src=x>";
  n["benchmarks"][1]["status"] = "failed";  // newly failing
  n["benchmarks"][1]["error"] = "\n# H1";
  std::ofstream(dir + "/b.json") << b.dump();
  std::ofstream(dir + "/n.json") << n.dump();
  const auto r = run_cli({"compare", dir + "/b.json", dir + "/n.json", "--confirm", "0", "--format", "markdown"});
  ASSERT_EQ(r.code, 1) << r.err;  // the newly failing point fails the gate
  std::istringstream lines(r.out);
  std::size_t headings = 0, warnings = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#", 0) == 0) {
      ++headings;
      EXPECT_TRUE(line.rfind("### ccbench compare: ", 0) == 0 || line.rfind("#### \U0001F534 Newly failing", 0) == 0)
          << line;
    }
    if (line.find("gate passed ![t]") != std::string::npos || line.find("gate passed !\\[t\\]") != std::string::npos) {
      ++warnings;
      EXPECT_EQ(line.rfind("> - ", 0), 0u) << line;
    }
  }
  EXPECT_EQ(headings, 2u) << r.out;
  EXPECT_EQ(warnings, 2u) << r.out;  // recorded by both files
  EXPECT_EQ(unescaped(r.out, "[t]"), 0u) << r.out;
  EXPECT_EQ(unescaped(r.out, "[l]"), 0u) << r.out;
  EXPECT_EQ(unescaped(r.out, "<img"), 0u) << r.out;
  EXPECT_EQ(unescaped(r.out, "</sub>"), 1u) << r.out;  // the footer's own
  EXPECT_NE(r.out.find("`: new status failed:  # H1\n"), std::string::npos) << r.out;  // mid-line: text
}

// control_in() is the first control character in `text` other than the newlines the formats
// write (C0, DEL, a C1 control encoded in UTF-8, or a bidirectional embedding, override or
// isolate), shown as "\xNN", or "" when there is none.
std::string control_in(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80;
    // U+202A-U+202E (E2 80 AA-AE) and U+2066-U+2069 (E2 81 A6-A9): bidirectional overrides
    const auto at = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0; };
    const bool bidi = c == 0xE2 && ((at(i + 1) == 0x80 && at(i + 2) >= 0xAA && at(i + 2) <= 0xAE) ||
                                    (at(i + 1) == 0x81 && at(i + 2) >= 0xA6 && at(i + 2) <= 0xA9));
    if (bidi) return "bidirectional control at offset " + std::to_string(i);
    if ((c < 0x20 && c != '\n') || c == 0x7F || c1) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "\\x%02x at offset %zu", c1 ? static_cast<unsigned char>(text[i + 1]) : c, i);
      return buf;
    }
  }
  return "";
}

// Regression (hostile-input audit): control characters of a results file (ESC, BEL, NUL, CR, C1
// controls; later also bidirectional overrides such as U+202E) were printed raw by compare's text table, its warnings on stderr and its markdown (the
// HTML report: ReportTest.ControlCharactersAndLatin1FileNamesMakeNoInvalidPage): a point named
// "…\x1b]0;owned\x07…" retitled the terminal, "\x1b[2J" cleared it. Now each is a visible escape.
TEST(CompareTest, ControlCharactersOfTheFilesArePrintedAsEscapes) {
  const std::string dir = test::scratch_dir("controls");
  nlohmann::json b = nlohmann::json::parse(test::read_text(data("base.json")));
  const std::string evil = std::string("evil\x1b]0;owned\x07") + '\0' + "\r\u009b\x7f\u202e\u2066/procs:1/impl:ccbench";
  b["benchmarks"][0]["name"] = b["benchmarks"][0]["run_name"] = evil;
  b["benchmarks"][2]["status"] = "failed";  // not compared, with its reason
  b["benchmarks"][2]["error"] = "check \x1b[2J failed";
  b["context"]["warnings"].push_back("load \x1b[31mhigh\x1b[0m\x08\x08");
  nlohmann::json n = b;
  n["benchmarks"][4]["status"] = "failed";  // newly failing
  n["benchmarks"][4]["error"] = "bell\x07";
  std::ofstream(dir + "/b.json") << b.dump();
  std::ofstream(dir + "/n.json") << n.dump();
  const std::vector<std::string> files{"compare", dir + "/b.json", dir + "/n.json", "--confirm", "0"};
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--format", "markdown"}, {"--out", dir + "/t.txt"}}) {
    std::vector<std::string> args = files;
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_cli(args);
    ASSERT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(control_in(r.out), "") << r.out;
    EXPECT_EQ(control_in(r.err), "") << r.err;
    EXPECT_NE(r.err.find("recorded: load \\x1b[31mhigh\\x1b[0m\\x08\\x08"), std::string::npos) << r.err;
  }
  const std::string table = run_cli(files).out;
  const std::string md = run_cli({files[0], files[1], files[2], "--confirm", "0", "--format", "markdown"}).out;
  EXPECT_NE(table.find("evil\\x1b]0;owned\\x07\\x00\\x0d\\u009b\\x7f\\u202e\\u2066/procs:1/impl:ccbench"), std::string::npos)
      << table;
  EXPECT_NE(table.find("base status failed: check \\x1b[2J failed"), std::string::npos) << table;
  EXPECT_NE(table.find("new status failed: bell\\x07"), std::string::npos) << table;
  EXPECT_NE(md.find("`evil\\x1b]0;owned\\x07\\x00 \\u009b\\x7f\\u202e\\u2066/procs:1/impl:ccbench`"), std::string::npos) << md;
  const std::string written = test::read_text(dir + "/t.txt");
  EXPECT_EQ(control_in(written), "") << written;
  EXPECT_NE(written.find("/b.json recorded: load \\x1b[31mhigh\\x1b[0m\\x08\\x08\n"), std::string::npos) << written;
}

// Regression (hostile-input audit): a results file named "n\xe9w<x>.json" (Latin-1) put the raw
// byte 0xE9 into compare's markdown footer, invalid UTF-8 (the JSON output already wrote U+FFFD).
TEST(CompareTest, MarkdownNamesAFileThatIsNotUtf8WithAReplacementCharacter) {
  const std::string dir = test::scratch_dir("latin1");
  const std::string latin1 = dir + "/n\xe9w<x>.json";
  std::ofstream(latin1) << test::read_text(data("rerun.json"));
  const auto md = run_cli({"compare", data("base.json"), latin1, "--confirm", "0", "--format", "markdown"});
  ASSERT_LE(md.code, 1) << md.err;
  EXPECT_NO_THROW((void)nlohmann::json(md.out).dump()) << "invalid UTF-8:\n" << md.out;
  EXPECT_NE(md.out.find(", new `" + dir + "/n\uFFFDw<x>.json`;"), std::string::npos) << md.out;
}

}  // namespace
}  // namespace ccb::reports
