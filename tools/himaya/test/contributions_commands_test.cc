// `himaya contributions` as an agent runs it: the real binary against a scripted contributions
// service over the suite's mutual TLS. A period called, a payment file sent with its manifest
// (the manifest first, then the file's bytes), an insured's status; tables by default, JSON with
// --output=json; bad arguments, manifests and refusals one line on standard error.
#include <fstream>
#include <functional>

#include "himaya/contributions/v1/contributions.grpc.pb.h"
#include "scripted_service_test.h"

namespace himaya::cli {
namespace {

namespace v1 = himaya::contributions::v1;
using ::testing::HasSubstr;

// Reads a whole payment upload, then answers with what it received.
class ScriptedImport final : public grpc::ServerReadReactor<v1::PaymentFileUpload> {
 public:
  ScriptedImport(v1::PaymentImportResult* response, std::function<void(std::string)> record)
      : response_(response), record_(std::move(record)) {
    StartRead(&message_);
  }
  void OnReadDone(bool ok) override {
    if (ok) {
      if (message_.has_manifest()) manifest_ = message_.manifest();
      bytes_ += message_.chunk();
      StartRead(&message_);
      return;
    }
    record_(manifest_.DebugString() + bytes_);
    response_->set_file_id(manifest_.file_id());
    response_->set_rows(2);
    response_->set_applied(1);
    response_->set_invalid(1);
    response_->set_applied_centimes(9555);
    v1::PaymentRowOutcome* o = response_->add_not_applied();
    o->set_row(2);
    o->set_payment_id("P-2");
    o->set_outcome("INVALID");
    o->set_reason("amount_centimes: must be a whole number");
    Finish(grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  v1::PaymentImportResult* response_;
  std::function<void(std::string)> record_;
  v1::PaymentFileUpload message_;
  v1::PaymentFileManifest manifest_;
  std::string bytes_;
};

class ScriptedContributions final : public v1::ContributionsService::CallbackService, public ScriptedRequests {
 public:
  grpc::ServerUnaryReactor* CallContributions(grpc::CallbackServerContext* context,
                                              const v1::CallContributionsRequest* request,
                                              v1::CallContributionsResult* response) override {
    Record(request->DebugString());
    if (request->period() == "2026-13") {
      return Finish(context, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "period: must be a month"));
    }
    response->set_period(request->period());
    response->set_insured_called(2);
    response->set_insured_already_called(1);
    response->set_billed_to_insured_centimes(28665);
    response->set_billed_to_state_centimes(12740);
    return Finish(context, grpc::Status::OK);
  }
  grpc::ServerReadReactor<v1::PaymentFileUpload>* ImportPayments(grpc::CallbackServerContext* context,
                                                                 v1::PaymentImportResult* response) override {
    return new ScriptedImport(response, [this](std::string sent) { Record(std::move(sent)); });
  }
  grpc::ServerUnaryReactor* GetContributionStatus(grpc::CallbackServerContext* context,
                                                  const v1::GetContributionStatusRequest* request,
                                                  v1::ContributionStatus* response) override {
    Record(request->DebugString());
    if (request->registration_number() != "100000017") {
      return Finish(context, grpc::Status(grpc::StatusCode::NOT_FOUND, "registration_number: no insured"));
    }
    response->set_registration_number("100000017");
    v1::ContributionCall* call = response->add_calls();
    call->set_program("amo-tns");
    call->set_period("2026-01");
    call->set_payer("INSURED");
    call->set_due_date("2026-02-28");
    call->set_amount_centimes(9555);
    call->set_paid_centimes(1000);
    response->set_balance_centimes(8555);
    response->set_arrears_centimes(8555);
    v1::Suspension* s = response->add_suspensions();
    s->set_program("amo-tns");
    s->set_from_date("2026-05-30");
    return Finish(context, grpc::Status::OK);
  }
};

class ContributionsCommandsTest : public ScriptedServiceTest {
 protected:
  void SetUp() override { Serve("contributions", &service_); }
  ScriptedContributions service_;
};

TEST_F(ContributionsCommandsTest, CallsAPeriodAsATableOrJson) {
  CliRun table = Himaya({"contributions", "call", "--period=2026-02"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("insured called now      2\n"));
  EXPECT_THAT(table.out, HasSubstr("billed to the insured   286.65 MAD\n"));
  CliRun json = Himaya({"contributions", "call", "--period=2026-02", "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(Json(json), (nlohmann::json{{"period", "2026-02"},
                                        {"insured_called", 2},
                                        {"insured_already_called", 1},
                                        {"billed_to_insured_centimes", 28665},
                                        {"billed_to_state_centimes", 12740},
                                        {"insured_not_called", 0}}));
  EXPECT_THAT(service_.requests()[0], HasSubstr("period: \"2026-02\""));
}

TEST_F(ContributionsCommandsTest, ImportsAFileWithItsManifestAndListsTheRowsNotApplied) {
  const std::string csv = dir_.path() + "/payments.csv";
  std::ofstream(csv) << "payment_id,registration_number,amount_centimes,paid_on\nP-1,100000017,9555,2026-03-01\n";
  std::ofstream(dir_.path() + "/payments.manifest.json") << R"({"file_id": "PAY-1", "sha256": "ab", "row_count": 1})";
  CliRun table = Himaya({"contributions", "import", csv});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("applied            1 (95.55 MAD)\n"));
  EXPECT_THAT(table.out, HasSubstr("P-2"));
  ASSERT_EQ(service_.requests().size(), 1u);
  EXPECT_THAT(service_.requests()[0], HasSubstr("file_id: \"PAY-1\""));
  EXPECT_THAT(service_.requests()[0], HasSubstr("P-1,100000017,9555,2026-03-01"));
  CliRun json = Himaya({"contributions", "import", csv, "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(Json(json)["not_applied"][0]["outcome"], "INVALID");
  EXPECT_EQ(Json(json)["applied_centimes"], 9555);
}

TEST_F(ContributionsCommandsTest, ShowsAnInsuredsStatus) {
  CliRun table = Himaya({"contributions", "status", "100000017"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("2026-01  amo-tns  INSURED  2026-02-28  95.55   10.00"));
  EXPECT_THAT(table.out, HasSubstr("arrears   85.55 MAD\n"));
  EXPECT_THAT(table.out, HasSubstr("suspended amo-tns from 2026-05-30\n"));
  CliRun json = Himaya({"contributions", "status", "100000017", "--output=json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(Json(json)["suspensions"][0]["from_date"], "2026-05-30");
  EXPECT_EQ(Json(json)["calls"][0]["paid_centimes"], 1000);
}

TEST_F(ContributionsCommandsTest, BadArgumentsManifestsAndRefusalsAreOneLine) {
  ExpectOneLineError(Himaya({"contributions"}), "usage: himaya contributions");
  ExpectOneLineError(Himaya({"contributions", "call"}), "usage: himaya contributions");
  ExpectOneLineError(Himaya({"contributions", "status"}), "usage: himaya contributions");
  ExpectOneLineError(Himaya({"contributions", "call", "--period=2026-13"}), "period: must be a month");
  ExpectOneLineError(Himaya({"contributions", "status", "100000025"}), "no insured");
  ExpectOneLineError(Himaya({"contributions", "import", dir_.path() + "/none.csv"}), "cannot be read");
  std::ofstream(dir_.path() + "/bad.manifest.json") << R"({"file_id": 3})";
  ExpectOneLineError(Himaya({"contributions", "import", dir_.path() + "/bad.csv"}), "file_id: must be a string");
}

}  // namespace
}  // namespace himaya::cli
