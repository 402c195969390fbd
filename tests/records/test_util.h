// Helpers shared by the records tests.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "records/store.h"

namespace tg::records::testing {

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "tg-records-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(File(name), std::ios::binary) << content;
    return File(name);
  }

 private:
  std::string path_;
};

inline std::string SharedDir() { return TG_SHARED_DIR; }

// Runs `sql` on the database file through a bare SQLite connection of its own, as another
// process would.
inline void ExecOnFile(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}
inline std::string SeattleFile() { return SharedDir() + "/data/seattle-alpr-2021-10.csv.gz"; }

// A person with every field filled, living at `address` (the field the cache tests change).
inline Person MakePerson(const std::string& id, const std::string& address) {
  Person p;
  p.person_id = id;
  p.first_name = "Jose";
  p.last_name = "Alvarez";
  p.dob = "1985-03-02";
  p.sex = "M";
  p.birthplace = "Los Angeles, CA, USA";
  p.address = address;
  return p;
}

}  // namespace tg::records::testing
