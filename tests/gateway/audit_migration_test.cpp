// A county whose audit store is of the earlier layout (one SQLite file, audit.db, beside the
// records store) opens with its records imported into audit/: every record is served as
// before, and its inclusion proof still verifies with tlog-verify.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e_fixture.h"
#include "gateway/audit_store.h"
#include "http_client.h"

namespace tg::gateway {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Rewrites the store in `county`/audit as `county`/audit.db, the SQLite layout of before
// December 2026, and removes the directory. Returns the rows' leaf hashes by index.
std::vector<std::string> RewriteAsSqlite(const std::string& county) {
  std::vector<AuditRow> rows;
  {
    auto store = AuditStore::OpenForReading(county + "/audit");
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    for (uint64_t i = 0;; ++i) {
      auto row = (*store)->Read(i);
      if (!row.ok()) break;
      rows.push_back(*row);
    }
  }
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((county + "/audit.db").c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE audit(idx INTEGER PRIMARY KEY, record TEXT NOT NULL, "
                             "salt BLOB NOT NULL, leaf_hash TEXT NOT NULL)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO audit VALUES(?,?,?,?)", -1, &st, nullptr), SQLITE_OK);
  std::vector<std::string> leaves;
  for (const AuditRow& r : rows) {
    sqlite3_bind_int64(st, 1, int64_t(r.index));
    sqlite3_bind_text(st, 2, r.record.data(), int(r.record.size()), SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, r.salt.data(), int(r.salt.size()), SQLITE_STATIC);
    sqlite3_bind_text(st, 4, r.leaf_hash.data(), int(r.leaf_hash.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    leaves.push_back(r.leaf_hash);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  fs::remove_all(county + "/audit");
  return leaves;
}

TEST(GatewayAuditMigration, AnSqliteAuditStoreBesideTheCountyIsImportedOnOpen) {
  std::string county = testing::MakeCounty("audit-migration");
  json tokens = testing::ReadJsonFile(county + "/demo-tokens.json");
  std::string clerk = tokens["lasd-records-clerk"], inspector = tokens["inspector-general"];
  GatewayConfig c = testing::CountyConfig(county);
  c.audit_store_path = "";  // the default: audit/ beside the records store
  {
    auto gw = testing::StartGateway(c);
    ASSERT_TRUE(gw.ok()) << gw.status().ToString();
    testing::HttpClient client(gw->server->port());
    for (int i = 0; i < 3; ++i) {
      auto r = client.Send("GET", "/v1/bookings?release_within=48h",
                           {{"Authorization", "Bearer " + clerk}, {"TrustGate-Purpose", "booking_operations"}});
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  std::vector<std::string> leaves = RewriteAsSqlite(county);
  ASSERT_GE(leaves.size(), 3u);

  auto gw = testing::StartGateway(c);
  ASSERT_TRUE(gw.ok()) << gw.status().ToString();
  EXPECT_FALSE(fs::exists(county + "/audit.db"));
  EXPECT_TRUE(fs::exists(county + "/audit.db.imported"));
  EXPECT_TRUE(fs::exists(county + "/audit/index"));
  testing::HttpClient client(gw->server->port());
  for (uint64_t i = 0; i < leaves.size(); ++i) {
    auto e = client.Send("GET", "/v1/audit/entries/" + std::to_string(i), {{"Authorization", "Bearer " + inspector}});
    ASSERT_EQ(e.status, 200) << e.body;
    EXPECT_EQ(json::parse(e.body)["leaf_hash"], leaves[i]);
    EXPECT_TRUE(testing::ProofVerifies(client, inspector, i, leaves[i], county)) << "index " << i;
  }
}

}  // namespace
}  // namespace tg::gateway
