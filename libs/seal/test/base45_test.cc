#include "seal/base45.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace himaya::seal {
namespace {

using ::testing::HasSubstr;

// RFC 9285 section 4.3 and 4.4.
TEST(Base45, EncodesTheRfcExamples) {
  EXPECT_EQ(EncodeBase45("AB"), "BB8");
  EXPECT_EQ(EncodeBase45("Hello!!"), "%69 VD92EX0");
  EXPECT_EQ(EncodeBase45("base-45"), "UJCLQE7W581");
  EXPECT_EQ(EncodeBase45(""), "");
}

TEST(Base45, DecodesTheRfcExamples) {
  EXPECT_EQ(*DecodeBase45("QED8WEX0"), "ietf!");
  EXPECT_EQ(*DecodeBase45("BB8"), "AB");
  EXPECT_EQ(*DecodeBase45("%69 VD92EX0"), "Hello!!");
  EXPECT_EQ(*DecodeBase45("UJCLQE7W581"), "base-45");
  EXPECT_EQ(*DecodeBase45(""), "");
}

TEST(Base45, RoundTripsEveryByteValueAndBothParities) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(*DecodeBase45(EncodeBase45(all)), all);
  all.pop_back();
  EXPECT_EQ(*DecodeBase45(EncodeBase45(all)), all);
  EXPECT_EQ(EncodeBase45(std::string("\xff\xff", 2)), "FGW");  // the largest triple
  EXPECT_EQ(EncodeBase45("\xff"), "U5");                       // the largest pair
}

TEST(Base45, RefusesWhatTheRfcCallsInvalid) {
  // A triple above 65535 (RFC 9285 section 4.2: "GGW" is 65536).
  EXPECT_THAT(DecodeBase45("GGW").status().message(), HasSubstr("above 65535"));
  EXPECT_THAT(DecodeBase45("ZZZ").status().message(), HasSubstr("above 65535"));
  // A final pair above 255.
  EXPECT_THAT(DecodeBase45("BB8V6").status().message(), HasSubstr("above 255"));
  EXPECT_THAT(DecodeBase45("::").status().message(), HasSubstr("above 255"));
  // One character left alone at the end.
  EXPECT_THAT(DecodeBase45("BB8A").status().message(), HasSubstr("single one"));
  EXPECT_FALSE(DecodeBase45("A").ok());
  // Characters outside the alphabet, lower case included.
  EXPECT_THAT(DecodeBase45("bb8").status().message(), HasSubstr("character 0"));
  EXPECT_THAT(DecodeBase45("BB8BB#").status().message(), HasSubstr("character 5"));
  EXPECT_FALSE(DecodeBase45(std::string("BB\0", 3)).ok());
  EXPECT_FALSE(DecodeBase45("BB\xc3\xa9").ok());
}

}  // namespace
}  // namespace himaya::seal
