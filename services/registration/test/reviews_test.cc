// The review queue on both backends: agents deciding look-alikes, dependents following their
// head, merges told as PersonMerged events, damaged kept rows, pages, and request identifiers
// checked and not echoed.
#include "registration/src/reviews.h"

#include "google/protobuf/util/time_util.h"
#include "intake_fixture.h"

namespace himaya::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ReviewsTest : public IntakeTest {};

TEST_P(ReviewsTest, AgentsDecideLookAlikesAndEveryDecisionIsRecorded) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B1,Idrissi,Muhammad,1970-01-01,M,AGRI\n2,B2,Idrissy,Mohamed,1970-01-01,M,AGRI\n";
  auto status = Submit(csv, ManifestFor(csv, "MAP-3", "MAPMDREF", "amo-tns", 2));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->outcomes.at("NEEDS_REVIEW"), 2);
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].candidate_registration_number, existing->registration_number);
  EXPECT_EQ((*pending)[0].cin, "B1");

  EXPECT_EQ(queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  auto registered = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->state, "REGISTERED");
  EXPECT_EQ(registrar_->GetByCin("B1")->registration_number, registered->registration_number);
  auto b1 = registrar_->GetByCin("B1");  // registered from the row the review kept
  EXPECT_EQ(absl::StrCat(b1->last_name, "|", b1->first_name, "|", b1->birth_date, "|", b1->sex, "|", b1->category, "|",
                         b1->program),
            "Idrissi|Muhammad|1970-01-01|M|AGRI|amo-tns");
  auto merged = queue.Decide((*pending)[1].review_id, ReviewDecision::kMergeWithExisting, "agent.omar");
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->registration_number, existing->registration_number);
  EXPECT_EQ(registrar_->GetByCin("B2")->registration_number, existing->registration_number)
      << "the merged CIN now finds the existing person";
  EXPECT_EQ(queue.Decide((*pending)[1].review_id, ReviewDecision::kRegisterAsNew, "x").status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto decided = Listed(queue, "MERGED", 10);
  ASSERT_EQ(decided->size(), 1u);
  EXPECT_EQ((*decided)[0].decided_by, "agent.omar");

  // A batch that repeats the merged CIN finds the person already registered.
  const std::string again =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n1,B2,Idrissi,Mohamed,1970-01-01,M,AGRI\n";
  auto status2 = Submit(again, ManifestFor(again, "MAP-4", "MAPMDREF", "amo-tns", 1));
  EXPECT_EQ(status2->outcomes.at("ALREADY_REGISTERED"), 1);
}

TEST_P(ReviewsTest, DependentsOfAHeadInReviewJoinThePersonTheDecisionGives) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,B1,Idrissi,Muhammad,1970-01-01,M,H1,HEAD\n"
                          "2,B2,Idrissi,Khadija,1975-02-02,F,H1,SPOUSE\n"
                          "3,,Idrissi,Yassine,2010-03-03,M,H1,CHILD\n"
                          "4,C1,Idrissy,Mohamed,1970-01-01,M,H2,HEAD\n"
                          "5,,Idrissy,Sara,2012-04-04,F,H2,CHILD\n";
  auto status = Submit(csv, ManifestFor(csv, "RAMED-R", "RAMED", "amo-tadamon", 5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->outcomes.at("NEEDS_REVIEW"), 5) << "the dependents wait with their head";
  std::vector<ReportRow> report = Report("RAMED", "RAMED-R");
  ASSERT_EQ(report.size(), 5u);
  EXPECT_EQ(report[1].outcome, "NEEDS_REVIEW");
  EXPECT_EQ(report[1].reasons, "household_id:HEAD_IN_REVIEW");
  EXPECT_EQ(report[1].number, "");
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM household_members"), 0);

  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u) << "agents decide heads; their households follow";
  EXPECT_EQ((*pending)[0].household_members_waiting, 2);
  EXPECT_EQ((*pending)[1].household_members_waiting, 1);
  auto registered = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->household_members_attached, 2);
  EXPECT_EQ(Listed(queue, "REGISTERED", 10)->at(0).household_members_waiting, 0);
  auto merged = queue.Decide((*pending)[1].review_id, ReviewDecision::kMergeWithExisting, "agent.omar");
  ASSERT_TRUE(merged.ok()) << merged.status();

  report = Report("RAMED", "RAMED-R");
  const std::string head1 = registered->registration_number;
  auto row = [&](size_t i) { return absl::StrCat(report[i].number, " ", report[i].reasons); };
  EXPECT_EQ(row(0), head1 + " name:LOOKS_LIKE_REGISTERED_PERSON;review:REGISTERED");
  EXPECT_EQ(row(1), head1 + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(row(2), head1 + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(row(3), existing->registration_number + " name:LOOKS_LIKE_REGISTERED_PERSON;review:MERGED");
  EXPECT_EQ(row(4), existing->registration_number + " household_id:HEAD_IN_REVIEW;household_id:ATTACHED_AFTER_REVIEW");
  EXPECT_EQ(
      testing::Count(*db_, "SELECT COUNT(*) FROM household_members WHERE head_registration_number = '" + head1 + "'"),
      2);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM household_members WHERE head_registration_number = '" +
                                     existing->registration_number + "' AND cin IS NULL"),
            1);
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM held_dependents"), 0);
  std::vector<std::string> heads;
  for (const auto& e : OutboxEvents()) {
    auto member = events::Unpack<v1::HouseholdMemberDeclared>(e);
    if (member.ok()) heads.push_back(member->head_registration_number());
  }
  EXPECT_THAT(heads, ::testing::ElementsAre(head1, head1, existing->registration_number));
}

TEST_P(ReviewsTest, AReviewWhoseCinGotRegisteredMeanwhileJoinsThatPerson) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,B1,Idrissi,Muhammad,1970-01-01,M,H1,HEAD\n"
                          "2,,Idrissi,Yassine,2010-03-03,M,H1,CHILD\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "RAMED-M", "RAMED", "amo-tadamon", 2)).ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_EQ(pending->size(), 1u);
  // Before an agent gets to it, B1 registers at a counter.
  auto counter = registrar_->Register({"B1", "Idrissi", "Muhammad", "1970-01-01", "M", "", "amo-tadamon", "", "", ""});
  ASSERT_TRUE(counter.ok()) << counter.status();

  auto decided = queue.Decide((*pending)[0].review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->state, "ALREADY_REGISTERED");
  EXPECT_EQ(decided->registration_number, counter->registration_number);
  EXPECT_EQ(decided->household_members_attached, 1);
  EXPECT_TRUE(Listed(queue, "", 10)->empty()) << "nothing is left undecidable in the queue";
  EXPECT_EQ(testing::Count(*db_, "SELECT COUNT(*) FROM persons WHERE cin = 'B1'"), 1) << "nobody registered twice";
  std::vector<ReportRow> report = Report("RAMED", "RAMED-M");
  EXPECT_EQ(report[0].number, counter->registration_number);
  EXPECT_EQ(report[0].reasons, "name:LOOKS_LIKE_REGISTERED_PERSON;review:ALREADY_REGISTERED");
  EXPECT_EQ(report[1].number, counter->registration_number);
  // The row's program now applies to that person: a merge, before the child it brings.
  std::vector<std::string> told;
  for (const auto& [topic, envelope] : OutboxRows()) {
    if (auto merge = events::Unpack<v1::PersonMerged>(envelope); merge.ok()) {
      EXPECT_EQ(topic, "himaya.registration.amo-tadamon.v1");
      told.push_back(absl::StrCat("merged ", merge->registration_number(), " ", merge->program(), " ",
                                  merge->batch_id(), " ", merge->review_id() == (*pending)[0].review_id));
    } else if (auto member = events::Unpack<v1::HouseholdMemberDeclared>(envelope); member.ok()) {
      told.push_back(absl::StrCat("member of ", member->head_registration_number()));
    }
  }
  EXPECT_THAT(told, ElementsAre("merged " + counter->registration_number + " amo-tadamon RAMED-M 1",
                                "member of " + counter->registration_number));
}

TEST_P(ReviewsTest, AMergeTellsThatThePersonJoinedTheProgramWithoutTheRowsIdentity) {
  auto existing = RegisterLookAlikeTarget();
  ASSERT_TRUE(existing.ok());
  const std::string csv = std::string(kHouseholdHeader) +
                          "1,C1,Idrissy,Mohamed,1970-01-01,M,H1,HEAD\n"
                          "2,,Idrissy,Sara,2012-04-04,F,H1,CHILD\n"
                          "3,B1,Idrissi,Muhammad,1970-01-01,M,H2,HEAD\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "RAMED-PM", "RAMED", "amo-tadamon", 3)).ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  const size_t before = OutboxRows().size();
  clock_.Advance(absl::Minutes(5));
  auto merged = queue.Decide((*pending)[0].review_id, ReviewDecision::kMergeWithExisting, "agent.omar");
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_EQ(merged->state, "MERGED");

  std::vector<std::pair<std::string, events::Envelope>> added = OutboxRows();
  added.erase(added.begin(), added.begin() + before);
  ASSERT_EQ(added.size(), 2u) << "the merge, then the child it brings";
  EXPECT_EQ(added[0].first, "himaya.registration.amo-tadamon.v1") << "the batch's program";
  EXPECT_EQ(added[0].second.aggregate_id(), existing->registration_number) << "keyed by the person";
  auto event = events::Unpack<v1::PersonMerged>(added[0].second);
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->registration_number(), existing->registration_number);
  EXPECT_EQ(event->program(), "amo-tadamon");
  EXPECT_EQ(event->liaison_body(), "RAMED");
  EXPECT_EQ(event->batch_id(), "RAMED-PM");
  EXPECT_EQ(event->review_id(), (*pending)[0].review_id);
  EXPECT_EQ(google::protobuf::util::TimeUtil::TimestampToMicroseconds(event->merged_at()),
            absl::ToUnixMicros(clock_.Now()));
  const std::string payload = added[0].second.SerializeAsString();
  for (const char* personal : {"C1", "Idrissy", "Mohamed", "1970-01-01"}) {
    EXPECT_EQ(payload.find(personal), std::string::npos) << "the event holds " << personal;
  }
  auto child = events::Unpack<v1::HouseholdMemberDeclared>(added[1].second);
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->head_registration_number(), existing->registration_number);
  EXPECT_EQ(added[1].second.aggregate_id(), existing->registration_number) << "the same key, so after the merge";

  // A new person is registered, not merged.
  ASSERT_TRUE(queue.Decide((*pending)[1].review_id, ReviewDecision::kRegisterAsNew, "agent.amal").ok());
  int merges = 0;
  for (const auto& [topic, envelope] : OutboxRows()) merges += events::Unpack<v1::PersonMerged>(envelope).ok();
  EXPECT_EQ(merges, 1);
}

TEST_P(ReviewsTest, AReviewWhoseKeptRowIsDamagedIsAnErrorNotACrash) {
  ASSERT_TRUE(RegisterLookAlikeTarget().ok());
  const std::string csv =
      "record_id,cin,last_name,first_name,birth_date,sex,category\n"
      "1,B1,Idrissi,Muhammad,1970-01-01,M,AGRI\n";
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "MAP-D", "MAPMDREF", "amo-tns", 1)).ok());
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE reviews SET row_data = '{\"cin\": 7, \"last_name\": [' ").status();
                 })
                  .ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  auto pending = Listed(queue, "", 0);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  auto decided = queue.Decide(pending->front().review_id, ReviewDecision::kRegisterAsNew, "agent.amal");
  EXPECT_EQ(decided.status().code(), absl::StatusCode::kDataLoss) << decided.status();
  ASSERT_TRUE(db_->Write([](storage::Transaction& tx) {
                   return tx.Execute("UPDATE reviews SET row_data = '{\"cin\": 7, \"last_name\": [\"x\"]}'").status();
                 })
                  .ok());
  EXPECT_TRUE(Listed(queue, "", 0).ok()) << "fields of the wrong type are read as empty";
}

TEST_P(ReviewsTest, TheReviewQueueComesInPagesAndRefusesWhatItDoesNotKnow) {
  ASSERT_TRUE(RegisterLookAlikeTarget().ok());
  std::string csv = "record_id,cin,last_name,first_name,birth_date,sex,category\n";
  for (int i = 0; i < 7; ++i) absl::StrAppend(&csv, i, ",B", i, ",Idrissi,Muhammad,1970-01-01,M,AGRI\n");
  ASSERT_TRUE(Submit(csv, ManifestFor(csv, "MAP-P", "MAPMDREF", "amo-tns", 7)).ok());
  ReviewQueue queue(*db_, *numbers_, Source());
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    auto page = queue.List("", 3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_LE(page->reviews.size(), 3u);
    for (const auto& r : page->reviews) seen.push_back(r.record_id);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("0", "1", "2", "3", "4", "5", "6")) << "each once, in order";
  EXPECT_EQ(queue.List("", 100000)->reviews.size(), 7u) << "a page size past the bound is read as the bound";

  EXPECT_EQ(queue.List("", -1).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status state = queue.List("DONE", 10).status();
  EXPECT_EQ(state.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(state.message()), HasSubstr("state:"));
  EXPECT_EQ(queue.List("", 10, "no-such-review").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(queue.List("", 10, std::string(100000, 't')).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(ReviewsTest, RequestIdentifiersAreRequiredBoundedAndNotEchoed) {
  ReviewQueue queue(*db_, *numbers_, Source());
  auto expect_invalid = [](const absl::Status& s, const std::string& field) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(field + ":")) << s;
    EXPECT_LT(s.message().size(), 200u) << "not echoed whole";
  };
  const std::string huge(1 << 20, 'x');
  expect_invalid(queue.Decide("", ReviewDecision::kRegisterAsNew, "agent.amal").status(), "review_id");
  expect_invalid(queue.Decide(huge, ReviewDecision::kRegisterAsNew, "agent.amal").status(), "review_id");
  expect_invalid(queue.Decide("r1", ReviewDecision::kRegisterAsNew, huge).status(), "agent");
  expect_invalid(queue.Decide("r1", static_cast<ReviewDecision>(7), "agent.amal").status(), "decision");
  expect_invalid(GetBatchStatus(*db_, "", "").status(), "batch_id");
  expect_invalid(GetBatchStatus(*db_, "", huge).status(), "batch_id");
  expect_invalid(GetBatchStatus(*db_, huge, "B1").status(), "liaison_body");
  ActivationCodes codes(*db_, Source(), ReferenceData::Shipped(), std::string(32, 'k'));
  expect_invalid(codes.Issue("").status(), "registration_number");
  expect_invalid(ActivationCodes::CheckActivation("", "ABCD-EFGH"), "registration_number");
  expect_invalid(ActivationCodes::CheckActivation(huge, "ABCD-EFGH"), "registration_number");
  expect_invalid(ActivationCodes::CheckActivation("100000025", ""), "code");
  auto answers = codes.PrepareRecipients({{"", true}, {huge, true}});
  ASSERT_TRUE(answers.ok()) << "one malformed number does not fail the others";
  EXPECT_FALSE((*answers)[0].person.has_value());
  EXPECT_FALSE((*answers)[1].person.has_value());
}

INSTANTIATE_BACKENDS(ReviewsTest);

}  // namespace
}  // namespace himaya::registration
