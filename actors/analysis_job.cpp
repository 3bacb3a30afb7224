#include "actors/analysis_job.hpp"

#include "core/bot/analysis_report.hpp"
#include "core/bot/bot_text.hpp"
#include "core/football/match_check.hpp"
#include "core/telegram/command_parser.hpp"

#include <caf/all.hpp>

namespace phoenix {

namespace {

constexpr auto step_timeout = std::chrono::seconds{60};

struct analysis_state {
  static inline const char* name = "analysis_job";
  core::fixture match;
  std::vector<core::fixture> meetings;
  football_asker asker; ///< the job's calls spend its chat's upstream budget
};

using analysis_pointer = caf::stateful_actor<analysis_state>*;

// Asks the football front for one step's data.
auto ask(analysis_pointer self, const football_actor& football, core::football_query query) {
  return self->request(football, step_timeout, football_get_atom::value, std::move(query),
                       self->state.asker);
}

void report(analysis_pointer self, job_registry_actor registry, int64_t id, bool ok,
            std::string result) {
  self->send(registry, job_done_atom::value, id, ok, std::move(result));
  self->quit();
}

void predictions_step(analysis_pointer self, job_registry_actor registry, int64_t id,
                      football_actor football) {
  self->send(registry, job_progress_atom::value, id,
             core::analysis_progress(core::analysis_step::prediction));
  ask(self, football,
      core::football_query::of_kind(core::query_kind::predictions, self->state.match.id))
      .then(
          [=](football_answer& answer) {
            std::optional<core::prediction> forecast;
            if (answer.ok)
              if (auto* list = std::get_if<std::vector<core::prediction>>(answer.data.get());
                  list && !list->empty())
                forecast = list->front();
            auto& st = self->state;
            report(self, registry, id, true,
                   core::render_analysis(id, st.match, st.meetings, forecast));
          },
          [=](const caf::error&) {
            auto& st = self->state;
            report(self, registry, id, true,
                   core::render_analysis(id, st.match, st.meetings, std::nullopt));
          });
}

void head_to_head_step(analysis_pointer self, job_registry_actor registry, int64_t id,
                       football_actor football) {
  auto& m = self->state.match;
  self->send(registry, job_progress_atom::value, id,
             core::analysis_progress(core::analysis_step::head_to_head));
  ask(self, football, core::football_query::head_to_head(m.home.id, m.away.id, 10))
      .then(
          [=](football_answer& answer) {
            if (answer.ok)
              if (auto* list = std::get_if<std::vector<core::fixture>>(answer.data.get()))
                self->state.meetings = *list;
            predictions_step(self, registry, id, football);
          },
          [=](const caf::error&) { predictions_step(self, registry, id, football); });
}

caf::behavior analysis_job(analysis_pointer self, job_registry_actor registry, int64_t id,
                           int64_t fixture_id, football_actor football, int64_t owner_chat) {
  self->state.asker = football_asker{owner_chat, step_timeout};
  self->send(registry, job_progress_atom::value, id,
             core::analysis_progress(core::analysis_step::fixture));
  ask(self, football, core::football_query::fixture_by_id(fixture_id))
      .then(
          [=](football_answer& answer) {
            if (!answer.ok)
              return report(self, registry, id, false, answer.error.user_message);
            auto* list = std::get_if<std::vector<core::fixture>>(answer.data.get());
            if (list == nullptr || list->empty())
              return report(self, registry, id, false, core::not_found_text());
            // An answer about another fixture is no answer (the fetcher refuses it too).
            auto* match = core::requested_fixture(*list, fixture_id);
            if (match == nullptr)
              return report(
                  self, registry, id, false,
                  std::string{core::football_user_message(core::football_errc::malformed)});
            self->state.match = *match;
            head_to_head_step(self, registry, id, football);
          },
          [=](const caf::error&) {
            report(self, registry, id, false, core::analysis_timeout_result());
          });
  return {[](caf::ok_atom) {}}; // the work happens in the request handlers above
}

} // namespace

job_runner analysis_runner(football_actor football) {
  return [football](caf::local_actor* spawner, job_registry_actor registry,
                    const core::job_record& job) -> caf::actor {
    auto fixture = core::parse_fixture_id(job.parameters).value_or(0);
    return spawner->spawn(analysis_job, registry, job.id, fixture, football, job.owner_chat);
  };
}

} // namespace phoenix
