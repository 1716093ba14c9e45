// Household members on both backends: declared by a household batch, then read back by their ids
// as the beneficiary service asks for them (in order, unknown ids answered as such, one
// transaction, bounded, malformed ids refused without being echoed).
#include "registration/src/households.h"

#include "absl/strings/str_format.h"
#include "intake_fixture.h"

namespace himaya::registration {
namespace {

using ::testing::HasSubstr;

class HouseholdsTest : public IntakeTest {
 protected:
  // Declares a household of amo-tadamon (a head, a spouse with a CIN, a child without) and
  // returns the members' ids from their HouseholdMemberDeclared events: spouse, then child.
  std::vector<std::string> DeclareHousehold() {
    const std::string csv = std::string(kHouseholdHeader) +
                            "1,H100,Alaoui,Ahmed,1975-05-05,M,F1,HEAD\n"
                            "2,H101,Alaoui,Fatima,1978-06-06,F,F1,SPOUSE\n"
                            "3,,Alaoui,Youssef,2011-07-07,M,F1,CHILD\n";
    auto status = Submit(csv, ManifestFor(csv, "RAMED-H", "RAMED", "amo-tadamon", 3));
    EXPECT_TRUE(status.ok()) << status.status();
    std::vector<std::string> ids;
    for (const events::Envelope& e : OutboxEvents()) {
      auto member = events::Unpack<v1::HouseholdMemberDeclared>(e);
      if (member.ok()) ids.push_back(member->member_id());
    }
    head_ = registrar_->GetByCin("H100")->registration_number;
    return ids;
  }
  std::string head_;
};

constexpr char kUnknownId[] = "0f0e0d0c-0b0a-4908-8706-050403020100";

TEST_P(HouseholdsTest, MembersAreFoundByTheirIdsInTheOrderAsked) {
  const std::vector<std::string> ids = DeclareHousehold();
  ASSERT_EQ(ids.size(), 2u);
  Households households(*db_);
  auto found = households.FindMembers({ids[1], kUnknownId, ids[0], ids[1]});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 4u);
  ASSERT_TRUE((*found)[0].has_value());
  const DeclaredHouseholdMember& child = *(*found)[0];
  EXPECT_EQ(child.member_id, ids[1]);
  EXPECT_EQ(child.head_registration_number, head_);
  EXPECT_EQ(child.program, "amo-tadamon");
  EXPECT_EQ(child.identity.relationship, "CHILD");
  EXPECT_EQ(child.identity.cin, "") << "a child without a CIN";
  EXPECT_EQ(child.identity.last_name, "Alaoui");
  EXPECT_EQ(child.identity.first_name, "Youssef");
  EXPECT_EQ(child.identity.birth_date, "2011-07-07");
  EXPECT_EQ(child.identity.sex, "M");
  EXPECT_FALSE((*found)[1].has_value()) << "an id no member has";
  ASSERT_TRUE((*found)[2].has_value());
  const DeclaredHouseholdMember& spouse = *(*found)[2];
  EXPECT_EQ(absl::StrCat(spouse.identity.relationship, "|", spouse.identity.cin, "|", spouse.identity.first_name, "|",
                         spouse.identity.birth_date, "|", spouse.identity.sex, "|", spouse.head_registration_number),
            absl::StrCat("SPOUSE|H101|Fatima|1978-06-06|F|", head_));
  ASSERT_TRUE((*found)[3].has_value()) << "an id asked twice is answered twice";
  EXPECT_EQ((*found)[3]->identity.first_name, "Youssef");

  auto none = households.FindMembers({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST_P(HouseholdsTest, AThousandIdsAreAnsweredAndOneMoreIsRefused) {
  const std::vector<std::string> ids = DeclareHousehold();
  ASSERT_EQ(ids.size(), 2u);
  // Unknown ids around the members, which fall in different statements of the store.
  std::vector<std::string> asked;
  for (size_t i = 0; i < kMaxHouseholdMemberIds; ++i) {
    asked.push_back(absl::StrFormat("00000000-0000-4000-8000-%012d", i));
  }
  asked[99] = ids[0];
  asked[100] = ids[1];
  asked[999] = ids[0];
  Households households(*db_);
  auto found = households.FindMembers(asked);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), kMaxHouseholdMemberIds);
  std::vector<size_t> positions;
  for (size_t i = 0; i < found->size(); ++i) {
    if ((*found)[i]) positions.push_back(i);
  }
  EXPECT_THAT(positions, ::testing::ElementsAre(99, 100, 999));
  EXPECT_EQ((*found)[100]->identity.relationship, "CHILD");
  EXPECT_EQ((*found)[999]->identity.relationship, "SPOUSE");

  asked.push_back(kUnknownId);
  auto refused = households.FindMembers(asked);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("at most 1000"));
}

TEST_P(HouseholdsTest, AMalformedIdIsRefusedByItsPositionAndNotEchoed) {
  Households households(*db_);
  const std::string huge(1 << 20, '7');
  for (const std::string& bad :
       {std::string(""), std::string("x"), std::string("0f0e0d0c-0b0a-4908-8706-05040302010g"),
        std::string("0f0e0d0c-0b0a-4908-8706-0504030201000"), std::string("0f0e0d0c+0b0a-4908-8706-050403020100"),
        std::string("0f0e0d0c-0b0a-4908-8706-05040302010\n"), huge}) {
    auto refused = households.FindMembers({kUnknownId, bad});
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad.substr(0, 40);
    EXPECT_EQ(refused.status().message(), "member_ids[1]: not a member id") << bad.substr(0, 40);
  }
}

INSTANTIATE_BACKENDS(HouseholdsTest);

}  // namespace
}  // namespace himaya::registration
