// Streaming calls on the callback API with no thread waiting on the peer: a server stream sent a
// page at a time (each page read on the pool, the next once gRPC has written it), and a client
// stream read a message at a time (each handled on the pool before the next is read, so that a
// slow database slows the sender instead of filling memory). Like Handle(), they map the
// domain's absl::Status once, at the edge.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/thread_pool.h"
#include "grpcpp/grpcpp.h"
#include "rpc/status.h"

namespace himaya::rpc {

// A piece of a server stream and where the next one starts.
struct StreamPage {
  std::string bytes;
  // What the next page follows (a row, a line); passed back to the page function.
  int64_t next_after = 0;
  // Nothing follows this page.
  bool last = false;
};

// Sends the pages `read_page` gives (first with no `after`, then after each page's
// next_after) until one is last or empty; `fill` puts a page's bytes in the message. A page
// function's error ends the call with it. Returns itself to be handed back to gRPC.
template <typename Message>
class PagedWriteReactor final : public grpc::ServerWriteReactor<Message> {
 public:
  using ReadPageFn = std::function<absl::StatusOr<StreamPage>(std::optional<int64_t> after)>;
  using FillFn = std::function<void(std::string bytes, Message* message)>;

  PagedWriteReactor(grpc::CallbackServerContext* context, core::ThreadPool& pool, ReadPageFn read_page, FillFn fill)
      : context_(context), pool_(pool), read_page_(std::move(read_page)), fill_(std::move(fill)) {
    {
      absl::MutexLock lock(&mu_);
      tasks_ = 1;
    }
    if (!pool_.TrySchedule([this] { ReadPage(); })) {
      {
        absl::MutexLock lock(&mu_);
        tasks_ = 0;
      }
      this->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "server busy, try again"));
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) return this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the reader went away"));
    if (last_) return this->Finish(grpc::Status::OK);
    {
      absl::MutexLock lock(&mu_);
      ++tasks_;
    }
    pool_.Schedule([this] { ReadPage(); });
  }

  // gRPC is done with the call; the reactor goes once no pool task still holds it.
  void OnDone() override {
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      last = tasks_ == 0;
    }
    if (last) delete this;
  }

 private:
  // On the pool: reads the next page and starts writing it, or finishes the call.
  void ReadPage() {
    if (context_->IsCancelled()) {
      this->Finish(grpc::Status::CANCELLED);
    } else {
      absl::StatusOr<StreamPage> page = read_page_(after_);
      if (!page.ok()) {
        this->Finish(ToGrpcStatus(page.status()));
      } else if (page->bytes.empty()) {
        this->Finish(grpc::Status::OK);
      } else {
        after_ = page->next_after;
        last_ = page->last;
        fill_(std::move(page->bytes), &message_);
        this->StartWrite(&message_);
      }
    }
    // OnWriteDone or OnDone may already run on another thread: touch nothing but the count.
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      last = --tasks_ == 0 && done_;
    }
    if (last) delete this;
  }

  grpc::CallbackServerContext* context_;
  core::ThreadPool& pool_;
  const ReadPageFn read_page_;
  const FillFn fill_;
  std::optional<int64_t> after_;
  bool last_ = false;
  Message message_;
  absl::Mutex mu_;
  int tasks_ ABSL_GUARDED_BY(mu_) = 0;  // pool tasks scheduled and not yet over
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

// Reads a client stream: `on_message` handles each message on the pool before the next is
// read (its error ends the call with it); once the client has sent everything, `on_end`'s
// status ends the call. A call the client cancelled ends CANCELLED without `on_end`.
template <typename Request>
class StreamReadReactor final : public grpc::ServerReadReactor<Request> {
 public:
  using MessageFn = std::function<absl::Status(Request& message)>;
  using EndFn = std::function<absl::Status()>;

  StreamReadReactor(grpc::CallbackServerContext* context, core::ThreadPool& pool, MessageFn on_message, EndFn on_end)
      : context_(context), pool_(pool), on_message_(std::move(on_message)), on_end_(std::move(on_end)) {
    this->StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    pool_.Schedule([this, ok] { Handle(ok); });
  }
  void OnDone() override { delete this; }

 private:
  // On the pool; the call's last act is Finish, after which OnDone may delete the reactor.
  void Handle(bool ok) {
    if (!ok) {
      if (context_->IsCancelled()) return this->Finish(grpc::Status::CANCELLED);
      return this->Finish(ToGrpcStatus(on_end_()));
    }
    if (absl::Status handled = on_message_(request_); !handled.ok()) return this->Finish(ToGrpcStatus(handled));
    this->StartRead(&request_);
  }

  grpc::CallbackServerContext* context_;
  core::ThreadPool& pool_;
  const MessageFn on_message_;
  const EndFn on_end_;
  Request request_;
};

}  // namespace himaya::rpc
