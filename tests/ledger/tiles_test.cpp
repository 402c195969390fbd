#include "ledger/tiles.h"

#include <gtest/gtest.h>

namespace tg::ledger {
namespace {

TEST(LedgerTiles, PathsFollowC2spLayout) {
  EXPECT_EQ(TileIndexPath(0), "000");
  EXPECT_EQ(TileIndexPath(1234067), "x001/x234/067");
  EXPECT_EQ(TileIndexPath(999), "999");
  EXPECT_EQ(TileIndexPath(1000), "x001/000");
  EXPECT_EQ(TilePath({0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({2, 5, 17}), "tile/2/005.p/17");
  EXPECT_EQ(TilePath({kEntriesLevel, 12, 3}), "tile/entries/012.p/3");
}

TEST(LedgerTiles, ParseAcceptsOnlyCanonicalPaths) {
  for (const TileRef& t : {TileRef{0, 1234067, 256}, TileRef{2, 5, 17}, TileRef{kEntriesLevel, 1000, 255},
                           TileRef{63, 0, 1}}) {
    auto p = ParseTilePath(TilePath(t));
    ASSERT_TRUE(p.ok()) << TilePath(t);
    EXPECT_EQ(*p, t);
  }
  for (const char* bad : {"tile/0/1", "tile/0/0001", "tile/00/000", "tile/64/000", "tile/0/x000/001",
                          "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/07", "tile/0/../checkpoint",
                          "signing-key", "tile/data/000", "tile/0/x1/000", "tile/entries/000/", ""}) {
    EXPECT_FALSE(ParseTilePath(bad).ok()) << bad;
  }
}

TEST(LedgerTiles, TilesForSize70000MatchTheSpecExample) {
  // tlog-tiles: 273 full level-0 tiles and a partial of width 112; one full level-1 tile and
  // a partial of 17; a partial level-2 tile of width 1.
  auto l0 = TilesAt(0, 70000);
  ASSERT_EQ(l0.size(), 274u);
  EXPECT_EQ(l0.back(), (TileRef{0, 273, 112}));
  auto l1 = TilesAt(1, 70000);
  ASSERT_EQ(l1.size(), 2u);
  EXPECT_EQ(l1.back(), (TileRef{1, 1, 17}));
  auto l2 = TilesAt(2, 70000);
  ASSERT_EQ(l2.size(), 1u);
  EXPECT_EQ(l2.back(), (TileRef{2, 0, 1}));
  EXPECT_TRUE(TilesAt(3, 70000).empty());
}

TEST(LedgerTiles, WithinCoversFullTilesAndOlderPartials) {
  EXPECT_TRUE(TileWithin({0, 0, 256}, 300));
  EXPECT_TRUE(TileWithin({0, 1, 44}, 300));
  EXPECT_TRUE(TileWithin({0, 1, 10}, 300));
  EXPECT_FALSE(TileWithin({0, 1, 45}, 300));
  EXPECT_FALSE(TileWithin({0, 1, 256}, 300));
  EXPECT_FALSE(TileWithin({1, 0, 2}, 300));
  EXPECT_TRUE(TileWithin({1, 0, 1}, 300));
}

TEST(LedgerTiles, BundlesRoundTripAndRejectTruncation) {
  std::string b;
  AppendToBundle(b, "abc");
  AppendToBundle(b, "");
  AppendToBundle(b, std::string(300, 'x'));
  auto e = SplitBundle(b);
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->size(), 3u);
  EXPECT_EQ((*e)[0], "abc");
  EXPECT_EQ((*e)[1], "");
  EXPECT_EQ((*e)[2].size(), 300u);
  EXPECT_EQ(b.substr(0, 2), std::string("\0\x03", 2));
  EXPECT_FALSE(SplitBundle(b.substr(0, b.size() - 1)).ok());
  EXPECT_FALSE(SplitBundle("\x01").ok());
}

}  // namespace
}  // namespace tg::ledger
