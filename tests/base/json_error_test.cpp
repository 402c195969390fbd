// The readable part of a JSON library error: the tag goes, the rest stays as it was.
#include "base/json_error.h"

#include <gtest/gtest.h>

namespace tg {
namespace {

TEST(JsonError, DropsTheLibraryTagOnly) {
  EXPECT_EQ(WithoutJsonExceptionTag("[json.exception.parse_error.101] parse error at line 1, column 9: x"),
            "parse error at line 1, column 9: x");
  EXPECT_EQ(WithoutJsonExceptionTag("[json.exception.type_error.302] type must be number, but is string"),
            "type must be number, but is string");
  EXPECT_EQ(WithoutJsonExceptionTag("no tag here] at all"), "no tag here] at all");
  EXPECT_EQ(WithoutJsonExceptionTag("[json.exception.broken"), "[json.exception.broken");
  EXPECT_EQ(WithoutJsonExceptionTag(""), "");
}

}  // namespace
}  // namespace tg
