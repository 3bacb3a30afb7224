// A conversation carries out the command table's work: replies at once,
// football queries through the front, jobs through the registry; usage lines
// for bad arguments, the command list for unknown commands and plain text,
// buttons answered and shown, errors in the user's words.
#include "core/jobs/job_text.hpp"
#include "core/text/html_text.hpp"
#include "tests/actor/conversation_fixture.hpp"

namespace phoenix::test {

namespace {

core::command_context context_now(const conversation_config& config) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  core::command_context context{"Ann", now, config.zone.offset_minutes_at(now), config.timezone};
  context.chat_id = conversation_fixture::chat;
  context.user_id = conversation_fixture::user;
  context.max_subscriptions = config.max_subscriptions;
  context.default_timezone = config.timezone;
  return context;
}

/// What the database stand-in answers every request with in the table's walk.
core::db::reply db_answer() {
  core::db::reply answer;
  answer.count = 1;
  answer.bodies = {""};
  return answer;
}

/// The project's answer that fits a query of this kind.
std::shared_ptr<const core::football_payload> payload_for(core::query_kind kind) {
  switch (kind) {
  case core::query_kind::live_fixtures:
    return project_payload(kind, "fixtures-live.json");
  case core::query_kind::fixture_by_id:
    return project_payload(kind, "fixtures-by-ids-with-details.json");
  case core::query_kind::team_search:
    return project_payload(kind, "teams.json");
  case core::query_kind::standings:
    return project_payload(kind, "standings.json");
  default:
    return project_payload(kind, "fixtures-by-date.json");
  }
}

/// What the job registry was asked: create, get, list or cancel.
core::job_op job_op_of(const received& r) {
  auto atom = r.get<caf::atom_value>(0);
  if (atom == job_create_atom::value)
    return core::job_op::create;
  if (atom == job_get_atom::value)
    return core::job_op::get;
  if (atom == job_cancel_atom::value)
    return core::job_op::cancel;
  BOOST_TEST((atom == job_list_atom::value));
  return core::job_op::list;
}

/// The chat a job request is for: after the atom for create and list, after
/// the job id for get and cancel.
int64_t chat_of(const received& r) {
  auto op = job_op_of(r);
  return r.get<int64_t>(op == core::job_op::create || op == core::job_op::list ? 1 : 2);
}

/// The reply a command's work makes, the registry answering job 12 with no rows.
core::rendered expected_reply(const core::command_work& work,
                              const std::shared_ptr<const core::football_payload>& payload) {
  if (auto* now = std::get_if<core::reply_action>(&work.action))
    return {now->html, {}};
  if (auto* data = std::get_if<core::football_action>(&work.action)) {
    // A chained query (/team) renders the last step's answer.
    core::football_action step = *data;
    while (step.then) {
      auto more = step.then(*payload_for(step.query.kind));
      if (!more)
        break;
      step = std::move(*more);
    }
    return step.render(*payload_for(step.query.kind));
  }
  if (auto* stored = std::get_if<core::db_action>(&work.action))
    return stored->render(db_answer());
  return {std::get<core::job_action>(work.action).render(12, {}), {}};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(conversation_actor_tests, conversation_fixture)

BOOST_AUTO_TEST_CASE(every_command_of_the_table_is_answered_through_its_work) {
  db.answer_with([](const caf::message&) { return caf::make_message(db_answer()); });
  start();
  size_t football_commands = 0, job_commands = 0, db_commands = 0;
  for (const core::command_spec& spec : core::command_table()) {
    BOOST_TEST_CONTEXT(spec.example) {
      std::string example{spec.example};
      auto work_at = [&](const core::command_context& context) {
        return core::work_for_command(*core::parse_command(example, ""), context);
      };
      auto before = context_now(*config);
      auto update = message(example);
      push(update);
      auto work = work_at(before);
      std::shared_ptr<const core::football_payload> payload;
      if (std::holds_alternative<core::reply_action>(work.action)) {
        BOOST_TEST(!football.has_next());
        BOOST_TEST(!jobs.has_next());
      } else if (auto* data = std::get_if<core::football_action>(&work.action)) {
        ++football_commands;
        auto query = next_query();
        BOOST_TEST((query.kind == data->query.kind));
        BOOST_TEST(query.league == data->query.league);
        BOOST_TEST(query.fixture == data->query.fixture);
        payload = payload_for(query.kind);
        football.reply(football.last(), data_answer(payload));
        while (football.has_next()) { // the further steps of a chained query
          auto more = next_query();
          football.reply(football.last(), data_answer(payload_for(more.kind)));
        }
      } else if (std::holds_alternative<core::db_action>(work.action)) {
        ++db_commands;
      } else {
        ++job_commands;
        auto& asked = jobs.next();
        BOOST_TEST((job_op_of(asked) == std::get<core::job_action>(work.action).op));
        BOOST_TEST(chat_of(asked) == chat);
        jobs.reply(asked, job_reply{true, 12, "", {}});
      }
      auto expected = expected_reply(work, payload);
      if (expected.html != expected_reply(work_at(context_now(*config)), payload).html)
        continue; // the day turned while the command ran: nothing to compare
      auto parts = core::split_message(expected.html);
      auto got = replies();
      BOOST_REQUIRE_GE(got.size(), parts.size());
      auto first = got[got.size() - parts.size()];
      BOOST_TEST(first.body ==
                 reply_body(update.message_id, parts.front(),
                            parts.size() == 1 ? expected.keyboard : core::inline_keyboard{}));
      BOOST_TEST(got.back().body ==
                 core::send_message_body(chat, parts.back(),
                                         parts.size() == 1 ? update.message_id : 0,
                                         expected.keyboard));
      BOOST_TEST(done().back() == update.update_id);
      BOOST_TEST(request_log().back().command == std::string{spec.name});
    }
  }
  BOOST_TEST(football_commands >= 3u); // /fixtures, /live, /stats
  BOOST_TEST(job_commands >= 4u);      // /analyze, /job, /jobs, /cancel
  BOOST_TEST(db_commands >= 4u);       // /subscriptions, /unsubscribe, /timezone, /settings
  BOOST_TEST(done().size() == core::command_table().size());
}

BOOST_AUTO_TEST_CASE(bad_arguments_get_the_commands_usage_line) {
  start();
  const std::vector<std::string> bad{"x", "y", "z"};
  size_t refused = 0;
  for (const core::command_spec& spec : core::command_table()) {
    if (spec.handler(bad, context_now(*config))) // /start and /help take anything
      continue;
    ++refused;
    std::string name{spec.name};
    BOOST_TEST_CONTEXT(name) {
      auto update = message("/" + name + " x y z");
      push(update);
      BOOST_TEST(replies().back().body == reply_body(update.message_id, core::usage_text(name)));
      BOOST_TEST(replies().back().quick);
      BOOST_TEST(request_log().back().outcome == "bad arguments");
      BOOST_TEST(request_log().back().arguments == "x y z");
    }
  }
  BOOST_TEST(refused >= 7u);
  BOOST_TEST(!football.has_next()); // nothing was asked for bad arguments
  BOOST_TEST(!jobs.has_next());
}

BOOST_AUTO_TEST_CASE(unknown_commands_and_plain_text_get_the_command_list) {
  start();
  auto unknown = message("/weather tomorrow");
  auto plain = message("hello there");
  auto foreign = message("/help@other_bot"); // for another bot: plain text to us
  auto ours = message("/help@phoenix_bot");
  for (auto& u : {unknown, plain, foreign, ours})
    push(u);
  auto got = replies();
  BOOST_REQUIRE_EQUAL(got.size(), 4u);
  BOOST_TEST(got[0].body == reply_body(unknown.message_id, core::unknown_command_text("weather")));
  BOOST_TEST(got[1].body == reply_body(plain.message_id, core::not_a_command_text()));
  BOOST_TEST(got[2].body == reply_body(foreign.message_id, core::not_a_command_text()));
  BOOST_TEST(got[3].body == reply_body(ours.message_id, core::help_text()));
  BOOST_TEST(request_log()[0].outcome == "unknown command");
  BOOST_TEST(request_log()[1].outcome == "not a command");
  BOOST_TEST((done() == std::vector<int64_t>{unknown.update_id, plain.update_id, foreign.update_id,
                                             ours.update_id}));
}

BOOST_AUTO_TEST_CASE(a_live_list_has_its_buttons_and_stale_data_says_how_old_it_is) {
  start();
  say("/help");
  auto update = say("/live");
  BOOST_TEST((next_query().kind == core::query_kind::live_fixtures));
  auto payload = payload_for(core::query_kind::live_fixtures);
  auto answer = data_answer(payload);
  answer.stale = true;
  answer.age = 12min;
  football.reply(football.last(), answer);
  auto out = core::render_live(std::get<std::vector<core::fixture>>(*payload));
  BOOST_REQUIRE(!out.keyboard.empty());
  auto html = out.html + "\n\n" + core::stale_note(std::chrono::minutes{12});
  BOOST_TEST(replies().back().body == reply_body(update.message_id, html, out.keyboard));
  BOOST_TEST(replies().front().quick); // /help: from memory, goes first
  BOOST_TEST(!replies().back().quick); // waited for data: does not push ahead
  BOOST_TEST(request_log().back().outcome == "stale");
}

BOOST_AUTO_TEST_CASE(a_button_is_acknowledged_and_shows_its_match) {
  start();
  auto tap = button(core::stats_callback_data(1149519));
  push(tap);
  BOOST_REQUIRE_EQUAL(calls().size(), 1u);
  auto ack = calls()[0];
  BOOST_TEST(ack.method == "answerCallbackQuery");
  BOOST_TEST(ack.body == core::answer_callback_query_body(tap.callback_id, ""));
  auto query = next_query();
  BOOST_TEST((query.kind == core::query_kind::fixture_by_id));
  BOOST_TEST(query.fixture == 1149519);
  auto payload = payload_for(query.kind);
  football.reply(football.last(), data_answer(payload));
  auto match = std::get<std::vector<core::fixture>>(*payload).front();
  BOOST_TEST(replies().back().body == reply_body(tap.message_id, core::render_stats(match)));
  BOOST_TEST(request_log().back().command == "stats");
  auto odd = button("nonsense");
  push(odd);
  BOOST_TEST(replies().back().body == reply_body(odd.message_id, core::help_text()));
  BOOST_TEST(calls().size() == 4u); // two acknowledgements, two replies
  BOOST_TEST((done() == std::vector<int64_t>{tap.update_id, odd.update_id}));
}

BOOST_AUTO_TEST_CASE(a_failed_football_answer_is_told_in_the_users_words) {
  start();
  std::vector<std::string> texts;
  for (auto [code, outcome] : {std::pair{core::football_errc::rate_limited, "upstream error"},
                               std::pair{core::football_errc::user_budget, "user budget"}}) {
    auto update = say("/stats 5");
    next_query();
    auto failed = error_answer(code, "from the test");
    football.reply(football.last(), failed);
    texts.push_back(core::error_text(failed.error));
    BOOST_TEST(replies().back().body == reply_body(update.message_id, texts.back()));
    BOOST_TEST(request_log().back().outcome == outcome);
  }
  BOOST_TEST(texts[0] != texts[1]); // each error has its own sentence
  BOOST_TEST(done().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_refusal_or_silence_of_the_job_registry_is_told) {
  start();
  auto analyze = say("/analyze 1149519");
  auto [owner, update_id, kind, parameters] =
      jobs.next_as<job_create_atom, int64_t, int64_t, std::string, std::string>();
  BOOST_TEST(update_id == analyze.update_id);
  BOOST_TEST(owner == chat);
  BOOST_TEST(kind == "analyze");
  BOOST_TEST(parameters == "1149519");
  jobs.reply(jobs.last(), job_reply{false, 0, "Too many jobs <now>", {}});
  BOOST_TEST(replies().back().body ==
             reply_body(analyze.message_id, core::html_escape("Too many jobs <now>")));
  BOOST_TEST(request_log().back().outcome == "refused");
  auto list = say("/jobs");
  jobs.next_as<job_list_atom, int64_t>(); // never answered
  vs.advance(9s);
  BOOST_TEST(replies().size() == 1u);
  vs.advance(1s);
  BOOST_TEST(replies().back().body ==
             reply_body(list.message_id, core::html_escape(core::jobs_busy_refusal())));
  BOOST_TEST(request_log().back().outcome == "busy");
}

// After a failover the inbox replays an /analyze the dead instance handled:
// the queue answers the job it queued then, and the user hears nothing twice.
BOOST_AUTO_TEST_CASE(an_analyze_handled_again_queues_nothing_and_says_nothing) {
  start();
  auto analyze = say("/analyze 1149519");
  jobs.next_as<job_create_atom, int64_t, int64_t, std::string, std::string>();
  job_reply before{true, 12, "", {}};
  before.repeated = true;
  jobs.reply(jobs.last(), before);
  BOOST_TEST(replies().empty());
  BOOST_TEST((done() == std::vector<int64_t>{analyze.update_id}));
  BOOST_TEST(request_log().back().outcome == "repeated");
}

BOOST_AUTO_TEST_SUITE_END()

} // namespace phoenix::test
