// harness/exit_status.cpp — see exit_status.hpp.
#include "harness/exit_status.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <vector>

#include "common/suggest.hpp"

namespace ccb::harness {

namespace {

// reader_gone() is true when `fd` is a pipe or socket whose reading end is closed (poll reports
// POLLERR on the writing end of such a pipe).
bool reader_gone(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

// option_hint() is " (did you mean '--NAME'?)" for the first unexpected word of an ExtrasError
// that looks like an option ("--proc 1", "--repetition=3") and is close to one of `command`'s.
std::string option_hint(const CLI::ParseError& e, const CLI::App& command) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr) return {};
  std::vector<std::string> names;
  for (const CLI::Option* opt : command.get_options())
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
  const std::string what = e.what();
  std::istringstream words(what.substr(what.find(": ") == std::string::npos ? 0 : what.find(": ") + 2));
  for (std::string w; words >> w;)
    if (w.size() > 2 && w[0] == '-' && w[1] == '-')
      if (std::string hint = common::did_you_mean(w.substr(0, w.find('=')), names); !hint.empty()) return hint;
  return {};
}

}  // namespace

std::string parse_error_text(const CLI::ParseError& e, const CLI::App* command) {
  const std::string what = e.what();
  if (command != nullptr)
    if (std::string hint = option_hint(e, *command); !hint.empty()) return what + hint;
  const std::string marker = ": At Most 1 required but received ";
  const std::size_t at = what.find(marker);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) == nullptr || at == std::string::npos) return what;
  const std::string name = what.substr(0, at);
  std::string text = name + ": given " + what.substr(at + marker.size()) + " times; give it once";
  if (name == "--procs") text += " (several values go in one list: --procs 1,2,4)";
  if (name == "--impl") text += " (several values go in one list: --impl ccbench,go)";
  return text;
}

StdoutBuf::int_type StdoutBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  return put(&ch, 1) == 1 ? c : traits_type::eof();
}

std::streamsize StdoutBuf::xsputn(const char* s, std::streamsize n) { return put(s, n); }

int StdoutBuf::sync() {
  if (std::fflush(stdout) == 0) return 0;
  note();
  return -1;
}

std::streamsize StdoutBuf::put(const char* s, std::streamsize n) {
  const std::size_t done = std::fwrite(s, 1, static_cast<std::size_t>(n), stdout);
  if (done < static_cast<std::size_t>(n)) note();
  return static_cast<std::streamsize>(done);
}

void StdoutBuf::note() {
  if (error == 0) error = errno != 0 ? errno : EIO;
}

int finish_stdout(int rc, StdoutBuf& buf, const std::string& program) {
  std::cout.flush();
  if (buf.error == 0 && std::fflush(stdout) != 0) buf.error = errno != 0 ? errno : EIO;
  if (buf.error == 0 || buf.error == EPIPE || reader_gone(STDOUT_FILENO)) return rc;
  std::cerr << program << ": error: writing to standard output failed: " << std::strerror(buf.error)
            << "; what it printed is incomplete\n";
  return rc == 0 || rc == 1 ? 2 : rc;
}

}  // namespace ccb::harness
