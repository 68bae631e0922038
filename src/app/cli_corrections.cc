#include "app/cli_corrections.h"

#include <fmt/format.h>

#include <iostream>

#include "accounts/notifier.h"
#include "app/cli_common.h"
#include "app/store.h"
#include "common/clock.h"
#include "corrections/deadlines.h"
#include "corrections/messages.h"
#include "corrections/report.h"
#include "corrections/store.h"

namespace vaxreg::app {

struct CorrectionsCliState {
  std::string unit;
  std::string status;
  bool overdue = false;
  int limit = 50;
  std::string area;
  std::string by = "province";
};

namespace {

int List(const CorrectionsCliState& s, const Config& config) {
  auto db = storage::OpenDatabase(config.db_url, DatabaseOptionsFromConfig(config));
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  const int64_t now = ToUnixSeconds(SystemClock::Get().Now());
  auto rows = s.unit.empty()
                  ? corrections::ListInArea(**conn, "", s.status, 0, s.limit)
                  : corrections::ListQueue(**conn, s.unit, s.status, {}, s.limit);
  if (!rows.ok()) return Fail(rows.status());
  std::cout << fmt::format("{:<8} {:<12} {:<12} {:<11} {:<9} {:<10} {:<16} {}\n", "id", "tracking",
                           "kind", "status", "level", "unit", "due (VN time)", "left");
  int shown = 0;
  for (const auto& r : *rows) {
    const int64_t left = r.SecondsLeft(now);
    if (s.overdue && (left >= 0 || !r.IsOpen())) continue;
    std::cout << fmt::format("{:<8} {:<12} {:<12} {:<11} {:<9} {:<10} {:<16} {}{}h{:02}m\n", r.id,
                             r.tracking, corrections::KindName(r.kind), r.status,
                             corrections::LevelName(r.level), r.assigned_unit,
                             corrections::VietnamTime(r.due_at), left < 0 ? "-" : "",
                             std::abs(left) / 3600, (std::abs(left) % 3600) / 60);
    ++shown;
  }
  std::cout << shown << " request(s)\n";
  return 0;
}

int Sweep(const Config& config) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  const Clock& clock = SystemClock::Get();
  accounts::OutboxNotifier notifier(clock);
  Result<corrections::SweepReport> report = corrections::SweepReport{};
  Status st = store->writer->SubmitAndWait([&](storage::Connection& c) {
    report = corrections::SweepDeadlines(c, clock,
                                         std::chrono::hours(config.corrections_deadline_hours));
    return report.status();
  });
  if (!st.ok()) return Fail(st);
  Result<int64_t> sent = int64_t{0};
  const int64_t hour = ((ToUnixSeconds(clock.Now()) + 7 * 3600) % 86400) / 3600;
  if (hour >= config.corrections_digest_hour) {
    st = store->writer->SubmitAndWait([&](storage::Connection& c) {
      sent = corrections::SendDailyDigest(c, clock, notifier);
      return sent.status();
    });
    if (!st.ok()) return Fail(st);
  }
  std::cout << "escalated " << report->escalated << " request(s): " << report->to_commune
            << " to a commune, " << report->to_district << " to a district, "
            << report->to_province << " to a province; digest messages sent: " << *sent << "\n";
  return 0;
}

int Stats(const CorrectionsCliState& s, const Config& config) {
  auto db = storage::OpenDatabase(config.db_url, DatabaseOptionsFromConfig(config));
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  auto report = corrections::HandlingByUnit(**conn, s.area, s.by,
                                            ToUnixSeconds(SystemClock::Get().Now()));
  if (!report.ok()) return Fail(report.status(), kExitUsage);
  std::cout << fmt::format("{:<10} {:>9} {:>7} {:>8} {:>10} {:>7} {:>8} {:>9}\n", s.by,
                           "received", "open", "decided", "in time", "share", "overdue",
                           "escalated");
  auto line = [](const corrections::HandlingFigures& f) {
    const double share = f.decided == 0 ? 0.0 : 100.0 * f.decided_in_time / f.decided;
    std::cout << fmt::format("{:<10} {:>9} {:>7} {:>8} {:>10} {:>6.1f}% {:>8} {:>9}\n", f.unit,
                             f.received, f.open, f.decided, f.decided_in_time, share, f.overdue,
                             f.escalated);
  };
  for (const auto& f : report->rows) line(f);
  line(report->total);
  for (const auto& [code, n] : report->rejected_by_reason) {
    std::cout << "rejected " << code << ": " << n << "\n";
  }
  return 0;
}

}  // namespace

CorrectionsCliStatePtr AddCorrectionsCommands(CLI::App& cmd,
                                              std::function<int(const Config&)>& action) {
  auto state = std::make_shared<CorrectionsCliState>();
  CorrectionsCliState* s = state.get();
  CLI::App* list = cmd.add_subcommand("list", "correction requests by deadline");
  list->add_option("--unit", s->unit,
                   "the queue of a facility code, a GSO unit code or VN (default: all open "
                   "requests, newest first)");
  list->add_option("--status", s->status, "open, info_needed, approved or rejected")
      ->check(CLI::IsMember({"open", "info_needed", "approved", "rejected"}));
  list->add_flag("--overdue", s->overdue, "only requests past their deadline");
  list->add_option("--limit", s->limit, "at most this many (default 50)")
      ->check(CLI::Range(1, 10000));
  list->callback([&action, s] { action = [s](const Config& c) { return List(*s, c); }; });
  cmd.add_subcommand("sweep",
                     "escalate open requests past their deadline now, and send today's digest "
                     "to handlers if it is due")
      ->callback([&action] { action = Sweep; });
  CLI::App* stats = cmd.add_subcommand(
      "stats", "requests received, decided within the deadline, overdue and escalated, by unit");
  stats->add_option("--area", s->area, "a province, district or commune code (default: all)");
  stats->add_option("--by", s->by, "province, district, commune or facility")
      ->check(CLI::IsMember({"province", "district", "commune", "facility"}));
  stats->callback([&action, s] { action = [s](const Config& c) { return Stats(*s, c); }; });
  return state;
}

}  // namespace vaxreg::app
