// reports/child_run.cpp — see child_run.hpp.
#include "reports/child_run.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ccb::reports {

namespace {

// ---- signals -------------------------------------------------------------------------------
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kNumSignals = sizeof kSignals / sizeof kSignals[0];

volatile std::sig_atomic_t g_signal = 0;  // the first signal received inside the outermost scope
volatile std::sig_atomic_t g_child = 0;   // the running child's process group, or 0
bool g_reported = false;                  // g_signal was thrown as Interrupted
int g_depth = 0;                          // nesting of InterruptScope (main thread only)
struct sigaction g_old[kNumSignals];
bool g_installed[kNumSignals];

extern "C" void on_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  const pid_t child = static_cast<pid_t>(g_child);
  if (child > 0) ::kill(-child, sig);
}

// ---- shell words ----------------------------------------------------------------------------
struct Word {
  std::size_t begin = 0, end = 0;  // span in the command text
  std::string text;                // the word after quote removal
  bool op = false;                 // a shell operator (; & | < > ( ))
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_op(char c) { return std::strchr(";&|<>()", c) != nullptr && c != '\0'; }

// quoted() appends the quoted part starting at s[i] (a quote) to `out`; returns the index after it.
std::size_t quoted(const std::string& s, std::size_t i, std::string& out) {
  const std::size_t n = s.size();
  if (s[i] == '\'') {
    for (++i; i < n && s[i] != '\''; ++i) out += s[i];
  } else if (s[i] == '"') {
    for (++i; i < n && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < n && std::strchr("\"\\$`", s[i + 1]) != nullptr) ++i;
      out += s[i];
    }
  } else {  // $'...'
    for (i += 2; i < n && s[i] != '\''; ++i) {
      if (s[i] == '\\' && i + 1 < n) ++i;
      out += s[i];
    }
  }
  return i + 1;
}

std::vector<Word> split_words(const std::string& s) {
  std::vector<Word> words;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    while (i < n && is_space(s[i])) ++i;
    if (i >= n) break;
    Word w;
    w.begin = i;
    if (is_op(s[i])) {
      while (i < n && is_op(s[i])) ++i;
      w.op = true;
    } else {
      while (i < n && !is_space(s[i]) && !is_op(s[i])) {
        if (s[i] == '\'' || s[i] == '"' || (s[i] == '$' && i + 1 < n && s[i + 1] == '\'')) {
          i = quoted(s, i, w.text);
        } else if (s[i] == '\\' && i + 1 < n) {
          w.text += s[i + 1];
          i += 2;
        } else {
          w.text += s[i++];
        }
      }
    }
    w.end = std::min(i, n);
    words.push_back(std::move(w));
  }
  return words;
}

}  // namespace

Interrupted::Interrupted(int signal) : signal_(signal) {
  what_ = signal == SIGINT ? "interrupted by SIGINT" : signal == SIGTERM ? "interrupted by SIGTERM"
           : signal == SIGHUP ? "interrupted by SIGHUP" : "interrupted by signal " + std::to_string(signal);
  g_reported = true;
}

InterruptScope::InterruptScope() {
  if (g_depth++ > 0) return;
  g_signal = 0;
  g_reported = false;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;  // other reads and writes in the scope go on; the handler records it
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < kNumSignals; ++i) {
    // A signal the caller ignores (nohup, a background job of a script) stays ignored.
    g_installed[i] = ::sigaction(kSignals[i], nullptr, &g_old[i]) == 0 && g_old[i].sa_handler != SIG_IGN &&
                     ::sigaction(kSignals[i], &sa, nullptr) == 0;
  }
}

ForwardTo::ForwardTo(int group) {
  g_child = group;
  if (g_signal != 0) ::kill(-static_cast<pid_t>(group), g_signal);  // it came before g_child was set
}

ForwardTo::~ForwardTo() { g_child = 0; }

int interrupt_signal() { return g_signal; }

void throw_if_interrupted() {
  if (g_signal != 0) throw Interrupted(g_signal);
}

InterruptScope::~InterruptScope() {
  if (--g_depth > 0) return;
  for (int i = 0; i < kNumSignals; ++i)
    if (g_installed[i]) ::sigaction(kSignals[i], &g_old[i], nullptr);
  if (g_signal != 0 && !g_reported) ::raise(g_signal);
}

std::string strip_run_options(const std::string& command, bool keep_filter, std::vector<std::string>* removed) {
  // --resume too: a round that took its points from an earlier file measured nothing (every
  // round re-read the same stale samples and "confirmed" a regression that was not there).
  std::set<std::string> with_value = {"--out", "--report", "--format", "--resume"};
  if (!keep_filter) with_value.insert("--filter");
  const std::vector<Word> words = split_words(command);
  std::vector<std::pair<std::size_t, std::size_t>> cut;  // spans to remove, each with its leading blanks
  auto remove = [&](std::size_t k) {
    std::size_t from = words[k].begin;
    while (from > 0 && is_space(command[from - 1])) --from;
    cut.emplace_back(from, words[k].end);
  };
  auto text = [&](std::size_t first, std::size_t last) {  // words first..last as written in `command`
    if (removed != nullptr) removed->push_back(command.substr(words[first].begin, words[last].end - words[first].begin));
  };
  for (std::size_t k = 0; k < words.size(); ++k) {
    if (words[k].op) continue;
    const std::string& t = words[k].text;
    const std::size_t eq = t.find('=');
    if (t == "--quiet" || (eq != std::string::npos && with_value.count(t.substr(0, eq)))) {
      remove(k);
      text(k, k);
    } else if (with_value.count(t)) {
      const std::size_t first = k;
      remove(k);
      if (k + 1 < words.size() && !words[k + 1].op) remove(++k);
      text(first, k);
    }
  }
  std::string out;
  std::size_t at = 0;
  for (const auto& [from, to] : cut) {
    if (from > at) out.append(command, at, from - at);
    at = std::max(at, to);
  }
  out.append(command, at, std::string::npos);
  return out;
}

int run_shell(const std::string& command) {
  InterruptScope scope;
  throw_if_interrupted();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a command: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    struct sigaction pipe_default {};  // not the SIGPIPE ccbench ignores (async-signal-safe here)
    pipe_default.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &pipe_default, nullptr);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);  // see the header: stdout is the caller's document's
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so that the group exists before a signal is forwarded to it
  int status = 0;
  {
    ForwardTo forward(pid);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  throw_if_interrupted();
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    for (int s : kSignals)
      if (sig == s) throw Interrupted(sig);
    return 128 + sig;
  }
  const int code = WEXITSTATUS(status);
  for (int s : kSignals)
    if (code == 128 + s) throw Interrupted(s);
  return code;
}

}  // namespace ccb::reports
