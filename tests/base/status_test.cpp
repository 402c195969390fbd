#include "base/status.h"

#include <gtest/gtest.h>

namespace tg {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(n));
  return n / 2;
}

Status Chain(int n) {
  TG_RETURN_IF_ERROR(Half(n).status());
  return Status::OK();
}

TEST(Status, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::OK().ok());
  Status s = Status::NotFound("booking B-1");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.ToString(), "NotFound: booking B-1");
}

TEST(Result, HoldsValueOrStatus) {
  auto r = Half(8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
  auto e = Half(3);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "odd: 3");
  EXPECT_EQ(Chain(3).code(), Code::kInvalidArgument);
  EXPECT_TRUE(Chain(4).ok());
}

}  // namespace
}  // namespace tg
