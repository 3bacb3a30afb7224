// Beast lives here and in http_client_parts.hpp, nowhere else in Phoenix's
// client code.
#include "core/http/http_client_parts.hpp"

#include <algorithm>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>

namespace phoenix::core {

void http_client::impl::dispatch(exchange_ptr ex, bool fresh_only) {
  auto pool = pool_for(ex->url.pool_key());
  std::unique_lock<std::mutex> lock{pool->mutex};
  while (!fresh_only && !pool->idle.empty()) {
    auto conn = std::move(pool->idle.back());
    pool->idle.pop_back();
    if (conn->still_open()) {
      lock.unlock();
      conn->reuse(std::move(ex));
      return;
    }
    --pool->open; // closed by the server while idle: replace it
  }
  if (pool->open < options.max_connections_per_host) {
    ++pool->open;
    lock.unlock();
    std::make_shared<connection>(shared_from_this(), pool, ex->url)->open(std::move(ex));
    return;
  }
  queue(pool, std::move(ex));
}

// Every connection is busy: wait for one, but not past the deadline.
void http_client::impl::queue(const std::shared_ptr<host_pool>& pool, exchange_ptr ex) {
  ex->wait_timer = std::make_unique<asio::steady_timer>(io, ex->deadline);
  ex->wait_timer->async_wait([pool, weak = std::weak_ptr<exchange>(ex)](beast::error_code ec) {
    auto ex = weak.lock();
    if (ec || !ex)
      return;
    {
      std::lock_guard<std::mutex> guard{pool->mutex};
      auto pos = std::find(pool->waiting.begin(), pool->waiting.end(), ex);
      if (pos == pool->waiting.end())
        return; // already given a connection
      pool->waiting.erase(pos);
    }
    http_result result;
    result.error = http_errc::timeout;
    result.message = "no free connection before the deadline";
    ex->finish(std::move(result));
  });
  pool->waiting.push_back(std::move(ex));
}

void http_client::impl::release(const std::shared_ptr<host_pool>& pool,
                                std::shared_ptr<connection> conn, bool reusable) {
  std::unique_lock<std::mutex> lock{pool->mutex};
  exchange_ptr next;
  if (!pool->waiting.empty()) {
    next = std::move(pool->waiting.front());
    pool->waiting.pop_front();
    next->wait_timer->cancel();
  }
  if (reusable) {
    if (!next) {
      pool->idle.push_back(std::move(conn));
      return;
    }
    lock.unlock();
    conn->reuse(std::move(next));
    return;
  }
  --pool->open;
  if (!next)
    return;
  ++pool->open;
  lock.unlock();
  std::make_shared<connection>(shared_from_this(), pool, next->url)->open(std::move(next));
}

http_client::http_client(http_client_options options) : impl_(std::make_shared<impl>()) {
  impl_->options = options;
  impl_->tls.set_default_verify_paths();
  if (!options.extra_ca_file.empty())
    impl_->tls.load_verify_file(options.extra_ca_file);
  impl_->tls.set_verify_mode(ssl::verify_peer);
  impl_->work.emplace(impl_->io.get_executor());
  for (size_t i = 0; i < std::max<size_t>(1, options.io_threads); ++i)
    impl_->threads.emplace_back(
        [io = &impl_->io, nice = options.io_nice, name = options.thread_name.substr(0, 15)] {
          pthread_setname_np(pthread_self(), name.c_str());
          // Linux keeps a nice value per thread: this one, not the process.
          if (nice != 0)
            setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice);
          io->run();
        });
}

http_client::~http_client() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads)
    t.join();
  // Break the cycles connection -> impl -> pool -> idle connection.
  std::lock_guard<std::mutex> guard{impl_->pools_mutex};
  for (auto& [key, pool] : impl_->pools) {
    std::lock_guard<std::mutex> pool_guard{pool->mutex};
    pool->idle.clear();
    pool->waiting.clear();
  }
  impl_->pools.clear();
}

void http_client::async_request(http_request request, http_callback done) {
  ++impl_->requests;
  auto ex = std::make_shared<exchange>();
  ex->deadline = steady::now() + request.timeout;
  ex->done = std::move(done);
  auto url = parse_url(request.url);
  ex->request = std::move(request);
  if (!url) {
    ++impl_->failures;
    asio::post(impl_->io, [ex] {
      http_result result;
      result.error = http_errc::bad_url;
      result.message = "expected http(s)://host[:port]/path";
      ex->finish(std::move(result));
    });
    return;
  }
  ex->url = std::move(*url);
  asio::post(impl_->io, [self = impl_, ex]() mutable { self->dispatch(std::move(ex), false); });
}

http_client_stats http_client::stats() const {
  return {impl_->requests, impl_->opened, impl_->reused, impl_->stale_retries, impl_->failures};
}

} // namespace phoenix::core
