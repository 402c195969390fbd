#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tg {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the usual "123456789".
TEST(Crc32c, MatchesPublishedCheckValues) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32c, TableAndInstructionAgreeAndContinue) {
  std::mt19937 rng(7);
  for (size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u, 4099u}) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    EXPECT_EQ(Crc32c(data), Crc32cByTable(data)) << n;
    // Continuing over a split gives the checksum of the whole.
    size_t cut = n / 3;
    EXPECT_EQ(Crc32c(data.substr(cut), Crc32c(data.substr(0, cut))), Crc32c(data)) << n;
    EXPECT_EQ(Crc32cByTable(data.substr(cut), Crc32cByTable(data.substr(0, cut))), Crc32c(data)) << n;
  }
  // One flipped bit changes it.
  std::string a(100, 'a'), b = a;
  b[50] ^= 1;
  EXPECT_NE(Crc32c(a), Crc32c(b));
}

}  // namespace
}  // namespace tg
