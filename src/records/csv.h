// A small RFC 4180 reader over text in memory: quoted fields with doubled quotes, fields that
// span lines, \n or \r\n line ends, any single-character separator. Internal to records/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tg::records {

class CsvReader {
 public:
  CsvReader(std::string_view text, char sep) : text_(text), sep_(sep) {}
  // Reads the next record into fields. False at the end of the text. A malformed record
  // (an unterminated quote) is still returned, with *error set.
  bool Next(std::vector<std::string>* fields, std::string* error);
  // The 1-based line on which the last record returned by Next began.
  int64_t line() const { return line_; }

 private:
  std::string_view text_;
  char sep_;
  size_t pos_ = 0;
  int64_t line_ = 0;
  int64_t next_line_ = 1;
};

}  // namespace tg::records
