#include "ledger/hash.h"

#include <gtest/gtest.h>

#include <vector>

namespace tg::ledger {
namespace {

TEST(LedgerHash, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(HashBase64(EmptyRoot()), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
}

TEST(LedgerHash, LeafAndNodeUseRfc6962Prefixes) {
  // SHA-256(0x00): the leaf hash of the empty entry (RFC 6962 test data, leaf 0).
  EXPECT_EQ(HashBase64(LeafHash("")), "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=");
  Hash a = LeafHash("a"), b = LeafHash("b");
  std::string buf = "\x01" + std::string(a.begin(), a.end()) + std::string(b.begin(), b.end());
  EXPECT_EQ(NodeHash(a, b), Sha256(buf));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
  EXPECT_EQ(LeafHash("a"), Sha256(std::string("\0a", 2)));
}

TEST(LedgerHash, Base64RoundTripsAndRejectsMalformedText) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\0\xff\x10", 3)}) {
    auto d = DecodeBase64(Base64(s));
    ASSERT_TRUE(d.ok()) << s;
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_FALSE(DecodeBase64("Zm8").ok());     // length
  EXPECT_FALSE(DecodeBase64("Zm9=").ok());    // non-canonical padding bits
  EXPECT_FALSE(DecodeBase64("Z-8=").ok());    // URL alphabet
  EXPECT_FALSE(DecodeBase64("Zm=8").ok());    // padding inside
  EXPECT_FALSE(ParseHashBase64("Zm9vYmFy").ok());  // not 32 bytes
  EXPECT_TRUE(ParseHashBase64(HashBase64(EmptyRoot())).ok());
}

TEST(LedgerHash, SplitPointIsLargestPowerOfTwoBelow) {
  EXPECT_EQ(SplitPoint(2), 1u);
  EXPECT_EQ(SplitPoint(3), 2u);
  EXPECT_EQ(SplitPoint(4), 2u);
  EXPECT_EQ(SplitPoint(5), 4u);
  EXPECT_EQ(SplitPoint(257), 256u);
  EXPECT_EQ(SplitPoint(256), 128u);
}

TEST(LedgerHash, Sha256OfPartsIsSha256OfTheirConcatenation) {
  EXPECT_EQ(Sha256({"ab", "", "cdef"}), Sha256("abcdef"));
  EXPECT_EQ(Sha256({}), Sha256(""));
  std::string big(5000, 'x');
  EXPECT_EQ(Sha256({std::string_view(big).substr(0, 63), std::string_view(big).substr(63)}), Sha256(big));
}

}  // namespace
}  // namespace tg::ledger
