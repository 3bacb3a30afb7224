// Type IDs of every payload type (CAF 0.17.6 supports them; 0.18 requires them).
#pragma once

#include "messages/bot.hpp"
#include "messages/cache.hpp"
#include "messages/db.hpp"
#include "messages/football.hpp"
#include "messages/jobs.hpp"
#include "messages/webhook.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/type_id.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(phoenix_messages, caf::first_custom_type_id)
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::cache_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::flush_report))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::football_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::db_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::sender_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::poller_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::job_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::dispatcher_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::football_asker))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::webhook_stats))
CAF_ADD_TYPE_ID(phoenix_messages, (phoenix::live_stats))
CAF_END_TYPE_ID_BLOCK(phoenix_messages)
