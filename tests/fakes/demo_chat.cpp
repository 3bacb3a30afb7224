// demo-chat: the terminal chat client of scripts/demo. You write as a Telegram
// user through the fake Telegram's control plane (127.0.0.1 only), see the
// bot's replies as they arrive and press inline buttons by number; --script
// plays a conversation file and checks that every expected reply came.
#include "tests/fakes/demo_chat_session.hpp"

#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>
#include <rapidjson/document.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace phoenix::demo;

constexpr const char* usage =
    "usage: demo-chat --telegram URL [--chat ID] [--user NAME] [--color auto|always|never]\n"
    "                 [--script FILE [--check]] [--timeout SECONDS] [--wait-for-poll MS]\n"
    "Talks to the fake Telegram's control plane at URL (http://127.0.0.1:PORT) as the\n"
    "user NAME (default demo) in the private chat ID (default 1001).\n"
    "Interactive (default): type messages; a number presses that button of the newest\n"
    "keyboard (also /press N or /press LABEL); /quit or the end of input leaves. When\n"
    "input is not a terminal, each line waits for the bot's reply (at most --timeout).\n"
    "--script FILE plays FILE and prints the transcript. Its lines:\n"
    "  > TEXT   send TEXT\n"
    "  ? TEXT   expect a bot message (new or edited) since the last > or ! containing TEXT\n"
    "  ! N      press button N (or the first whose label contains N) of the newest keyboard\n"
    "  # ...    comment (blank lines are skipped too)\n"
    "Exit 0 when every expected text came within --timeout (default 10) seconds, 1 at\n"
    "the first that did not, 2 for bad arguments or a bad script.\n"
    "--check (with --script): only check the script's format.\n"
    "--wait-for-poll MS: exit 0 once the bot has called getUpdates, 1 if not within MS.\n";

struct options {
  session_options session;
  std::string color = "auto";
  std::string script_file;
  milliseconds timeout{10000};
  milliseconds wait_for_poll{0};
  bool check_only = false; ///< --check: only parse the script
};

bool to_int(const std::string& text, long long min, long long max, long long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= min && out <= max;
}

// "--name value" or "--name=value"; returns an error text or "".
std::string parse_options(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (name == "--check") {
      o.check_only = true;
      continue;
    }
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return "missing value for " + name;
    }
    long long n = 0;
    bool ok = true;
    if (name == "--telegram") {
      ok = value.rfind("http://", 0) == 0;
      o.session.telegram_url = value;
    } else if (name == "--chat") {
      ok = to_int(value, 1, 1LL << 52, n);
      o.session.chat = n;
    } else if (name == "--user") {
      ok = !value.empty();
      o.session.user = value;
    } else if (name == "--color") {
      ok = value == "auto" || value == "always" || value == "never";
      o.color = value;
    } else if (name == "--script") {
      o.script_file = value;
    } else if (name == "--timeout") {
      ok = to_int(value, 1, 3600, n);
      o.timeout = milliseconds(n * 1000);
    } else if (name == "--wait-for-poll") {
      ok = to_int(value, 1, 3600000, n);
      o.wait_for_poll = milliseconds(n);
    } else {
      return "unknown option " + name;
    }
    if (!ok)
      return "bad value for " + name + ": '" + value + "'";
  }
  if (o.check_only && o.script_file.empty())
    return "--check needs --script FILE";
  if (o.session.telegram_url.empty() && !o.check_only)
    return "--telegram URL is required";
  return "";
}

// Polls /__stats until calls.getUpdates is at least 1.
int wait_for_poll(const options& o) {
  control_plane fake(o.session.telegram_url);
  const auto deadline = steady::now() + o.wait_for_poll;
  std::string error;
  do {
    if (auto body = fake.get("/__stats", milliseconds(2000), error)) {
      rapidjson::Document doc;
      doc.Parse(body->c_str());
      if (doc.IsObject() && doc.HasMember("calls") && doc["calls"].IsObject() &&
          doc["calls"].HasMember("getUpdates") && doc["calls"]["getUpdates"].IsUint64() &&
          doc["calls"]["getUpdates"].GetUint64() > 0)
        return 0;
      error = "no getUpdates call yet";
    }
    std::this_thread::sleep_for(milliseconds(100)); // a start-up check, not a test
  } while (steady::now() < deadline);
  std::cerr << "demo-chat: the bot did not poll within " << o.wait_for_poll.count()
            << " ms: " << error << '\n';
  return 1;
}

int run_script(chat_session& chat, const script& s, const options& o) {
  const auto started = steady::now();
  size_t from = chat.mark();
  std::string action = "the start";
  size_t expectations = 0;
  for (const script_step& step : s.steps) {
    const std::string where = o.script_file + ":" + std::to_string(step.line);
    auto fail = [&](const std::string& what) {
      std::cout << std::flush;
      std::cerr << "demo-chat: FAILED at " << where << ": " << what << '\n';
      return 1;
    };
    switch (step.what) {
    case script_step::kind::send:
      from = chat.mark();
      action = "line " + std::to_string(step.line) + " (> " + step.text + ")";
      chat.print("you> " + step.text);
      if (!chat.send(step.text))
        return fail("could not send \"" + step.text + "\"");
      break;
    case script_step::kind::press:
      if (!chat.wait_for_keyboard(steady::now() + o.timeout))
        return fail("no message with buttons came, nothing to press");
      from = chat.mark();
      action = "line " + std::to_string(step.line) + " (! " + step.text + ")";
      if (!chat.press(step.text))
        return fail("could not press button \"" + step.text + "\"");
      break;
    case script_step::kind::expect:
      if (!chat.wait_for_text(from, step.text, steady::now() + o.timeout))
        return fail("no bot message containing \"" + step.text + "\" within " +
                    std::to_string(o.timeout.count() / 1000) + " s after " + action);
      chat.print("  \xE2\x9C\x93 " + step.text); // ✓
      ++expectations;
      break;
    }
  }
  const auto ms = std::chrono::duration_cast<milliseconds>(steady::now() - started).count();
  chat.print("demo-chat: script passed: " + std::to_string(s.steps.size()) + " steps, " +
             std::to_string(expectations) + " expected replies, " + std::to_string(ms / 1000) +
             "." + std::to_string(ms % 1000 / 100) + " s");
  return 0;
}

int run_interactive(chat_session& chat, bool terminal, const options& o) {
  chat.print("Phoenix demo: you are @" + o.session.user +
             " in a private chat with the bot.\n"
             "Try /start, /help, /fixtures 2022-03-19, /live, /stats 1149519, "
             "/analyze 1149519.\nA number presses that button of the newest keyboard; "
             "/quit leaves (Ctrl-C stops the whole demo).");
  std::string line;
  while (std::getline(std::cin, line)) {
    const user_input in = parse_input(line, chat.keyboard_size());
    if (in.what == user_input::kind::quit)
      break;
    const size_t from = chat.mark();
    bool sent = false;
    if (in.what == user_input::kind::send) {
      if (!terminal)
        chat.print("you> " + in.text);
      sent = chat.send(in.text);
    } else if (in.what == user_input::kind::press) {
      sent = chat.press(in.text);
    }
    if (sent && !terminal) // piped input: one reply per line, as a person would wait
      chat.wait_for_replies(from, milliseconds(300), steady::now() + o.timeout);
    if (terminal)
      chat.show_prompt();
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
      std::cout << usage;
      return 0;
    }
  }
  if (const std::string error = parse_options(argc, argv, o); !error.empty()) {
    std::cerr << "demo-chat: " << error << '\n' << usage;
    return 2;
  }
  if (o.wait_for_poll.count() > 0)
    return wait_for_poll(o);

  script s;
  if (!o.script_file.empty()) {
    std::ifstream in(o.script_file);
    if (!in) {
      std::cerr << "demo-chat: cannot read script " << o.script_file << '\n';
      return 2;
    }
    s = parse_script(std::string(std::istreambuf_iterator<char>(in), {}));
    if (!s.error.empty()) {
      std::cerr << "demo-chat: " << o.script_file << ": " << s.error << '\n';
      return 2;
    }
    if (o.check_only)
      return 0;
  }
  const bool terminal = o.script_file.empty() && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
  const char* no_color = std::getenv("NO_COLOR");
  o.session.ansi = o.color == "always" ||
                   (o.color == "auto" && isatty(STDOUT_FILENO) && !(no_color && *no_color));
  o.session.prompt = terminal;
  chat_session chat(o.session);
  return o.script_file.empty() ? run_interactive(chat, terminal, o) : run_script(chat, s, o);
}
