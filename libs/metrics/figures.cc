#include "metrics/figures.h"

#include <utility>

#include "core/log.h"

namespace himaya::metrics {

FigureGauge::FigureGauge(prometheus::Registry& registry, const std::string& name, const std::string& help,
                         std::vector<std::string> label_names)
    : family_(prometheus::BuildGauge().Name(name).Help(help).Register(registry)),
      label_names_(std::move(label_names)) {}

void FigureGauge::Publish(const Values& values) {
  absl::MutexLock lock(&mu_);
  Values now = values;
  for (const std::vector<std::string>& group : seen_) now.try_emplace(group, 0.0);
  for (const auto& [group, value] : now) {
    if (group.size() != label_names_.size()) {
      log::Error("figure with the wrong number of labels skipped", {{"figure", family_.GetName()}});
      continue;
    }
    std::map<std::string, std::string> labels;
    for (size_t i = 0; i < group.size(); ++i) labels[label_names_[i]] = group[i];
    family_.Add(labels).Set(value);
    seen_.insert(group);
  }
}

FiguresPass::FiguresPass(prometheus::Registry& registry, const std::string& name, const core::Clock& clock,
                         absl::Duration interval, Count count)
    : name_(name),
      clock_(clock),
      interval_(interval),
      count_(std::move(count)),
      seconds_(prometheus::BuildGauge()
                   .Name("himaya_figures_pass_seconds")
                   .Help("How long the last successful pass over the database computing these figures took")
                   .Register(registry)
                   .Add({{"figures", name}})),
      timestamp_(prometheus::BuildGauge()
                     .Name("himaya_figures_pass_timestamp_seconds")
                     .Help("When the last successful pass computing these figures ended (unix time)")
                     .Register(registry)
                     .Add({{"figures", name}})),
      loop_([this] {
        (void)RunOnce();
        absl::MutexLock lock(&mu_);
        return IdleAfter(interval_, last_took_);
      }) {}

absl::Status FiguresPass::RunOnce() {
  const absl::Time started = absl::Now();
  const absl::Status counted = count_([this] { return loop_.stopping(); });
  const absl::Duration took = absl::Now() - started;
  {
    absl::MutexLock lock(&mu_);
    last_took_ = took;
  }
  if (!counted.ok()) {
    log::Warn("figures not refreshed", {{"figures", name_}, {"error", std::string(counted.message())}});
    return counted;
  }
  seconds_.Set(absl::ToDoubleSeconds(took));
  timestamp_.Set(absl::ToDoubleSeconds(clock_.Now() - absl::UnixEpoch()));
  return absl::OkStatus();
}

absl::Duration FiguresPass::IdleAfter(absl::Duration interval, absl::Duration took) {
  return std::max(interval, took * 9);
}

}  // namespace himaya::metrics
