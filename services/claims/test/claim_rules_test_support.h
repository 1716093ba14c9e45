// What the claim rules' tests share: the example configuration, days, an act of the tariff and
// the facts of an item that every rule accepts until a test changes one.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "claims/src/claim_rules.h"
#include "gtest/gtest.h"

namespace himaya::claims {

inline constexpr char kExample[] =
    R"({"filing_delay_days": 60, "due_days": 9, "escalate_after_days": 3, "review_threshold": "5000.00",
        "sample_percent": "0", "sample_seed": 7, "rates": [{"ordinary": 70, "ald": 90}]})";

inline constexpr char kInsured[] = "100000017";
inline constexpr char kClaim[] = "F-2026-0001";
inline constexpr char kProgram[] = "amo-tadamon";

inline absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

inline ClaimRules RulesWith(absl::string_view json) {
  absl::StatusOr<ClaimRules> rules = ClaimRules::Parse(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  return rules.ok() ? *rules : ClaimRules::Shipped();
}

// The example rules: no sampling, so that a test sees review only where it asks for it.
inline const ClaimRules& Rules() {
  static const ClaimRules* const rules = new ClaimRules(RulesWith(kExample));
  return *rules;
}

// `base` (kExample by default) with `key`'s value replaced by `value`.
inline std::string With(const std::string& key, const std::string& value, std::string json = kExample) {
  const size_t at = json.find("\"" + key + "\": ") + key.size() + 4;
  size_t end = at;
  for (int depth = 0; end < json.size(); ++end) {
    const char c = json[end];
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') {
      if (depth == 0) break;
      --depth;
    }
    if (c == ',' && depth == 0) break;
  }
  return json.replace(at, end - at, value);
}

inline TariffAct Act(const std::string& code, int64_t tnr_centimes, int max_quantity = 1, int min_days_between = 0,
                     const std::string& category = "CONSULTATION") {
  TariffAct act;
  act.act_code = code;
  act.label = code;
  act.category = category;
  act.tnr_centimes = tnr_centimes;
  act.max_quantity = max_quantity;
  act.min_days_between = min_days_between;
  return act;
}

// Filed 2026-03-10 for care on 2026-03-01 by the insured: a consultation C paid 80.00.
inline constexpr absl::CivilDay kFiled = absl::CivilDay(2026, 3, 10);

inline FiledItem Item(int n = 1) {
  FiledItem item;
  item.item = n;
  item.beneficiary_id = kInsured;
  item.care_date = Day(2026, 3, 1);
  item.act_code = "C";
  item.quantity = 1;
  item.amount_paid_centimes = 8000;
  return item;
}

inline ItemFacts Facts(const TariffAct& act = Act("C", 8000)) {
  ItemFacts facts;
  facts.covered = true;
  facts.covered_through = kInsured;
  facts.act_known = true;
  facts.act = act;
  return facts;
}

// The decision of a file of one item.
inline ItemDecision DecideOne(const FiledItem& item, const ItemFacts& facts, const ClaimRules& rules = Rules()) {
  FileDecision file = rules.Decide(kClaim, kInsured, kFiled, kProgram, {item}, {facts});
  EXPECT_EQ(file.items.size(), 1u);
  return file.items.empty() ? ItemDecision{} : file.items[0];
}

}  // namespace himaya::claims
