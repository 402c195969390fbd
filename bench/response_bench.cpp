// A booking response's body: the nlohmann tree and dump the record routes used to build
// (copied here as the baseline) against the direct writer they use now (a copy of
// api_records.cpp's booking fields, the persons route's own), for one booking with every category released (a records
// clerk's GET /v1/bookings/{id}) and a list of 50.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "gateway/gateway_impl.h"
#include "records/model.h"

namespace {

using nlohmann::json;
using tg::gateway::JsonText;
using tg::gateway::ObjectText;
namespace records = tg::records;

struct View {
  records::Booking b;
  records::Person p;
  std::vector<records::Conviction> cs;
};

View Typical(int n) {
  View v;
  auto& b = v.b;
  b.booking_id = "LASD-2026-" + std::to_string(1000000 + n);
  b.person_id = "P0000" + std::to_string(1000 + n);
  b.name = "Ramon A Park";
  b.charges = {{"12004", "PC 211", "ROBBERY", 'F', 2}, {"13005", "VC 23152(a)", "DUI ALCOHOL", 'M', 0},
               {"29011", "PC 459", "BURGLARY", 'F', 1}};
  b.bail = 50000;
  b.facility = "Pitchess Detention Center North";
  b.housing = "PDC-N 9000/200C/Cell 37";
  b.custody_status = "in_custody";
  b.scheduled_release_at = 1796173200000;
  b.release_type = "sentence_served";
  b.court_date = 1787500800000;
  b.court = "San Fernando Courthouse, Dept 120";
  b.photo_url = "/photos/" + b.booking_id + ".jpg";
  auto& p = v.p;
  p.person_id = b.person_id;
  p.dob = "1988-04-12";
  p.address = "1234 W Olympic Blvd Apt 5, Los Angeles, CA 90015";
  p.phone = "(213) 555-0142";
  p.email = "ramon.park@example.com";
  p.birthplace = "Guadalajara, Jalisco, Mexico";
  p.immigration_status = "unknown";
  for (int i = 0; i < 2; ++i) {
    records::Conviction c;
    c.statute = "PC 245(a)(1)";
    c.description = "ASSAULT WITH A DEADLY WEAPON";
    c.convicted_at = 1600000000000 + i * 86400000LL * 400;
    v.cs.push_back(c);
  }
  return v;
}

const std::vector<std::string> kCategories = {"identity", "dob",     "address", "birthplace",       "immigration_status",
                                              "release",  "custody", "charges", "criminal_history", "court",
                                              "photo"};

// The tree, as api_records.cpp built it before.
void TreeFields(const View& v, const std::string& category, json& rec) {
  const auto& b = v.b;
  if (category == "identity") {
    rec["booking_id"] = b.booking_id;
    rec["person_id"] = b.person_id;
    rec["name"] = b.name;
  } else if (category == "release") {
    auto r = b.release_at();
    rec["release_at"] = r ? json(records::FormatIso8601(*r)) : json(nullptr);
    rec["release_type"] = b.release_type;
  } else if (category == "custody") {
    rec["custody_status"] = b.custody_status;
    rec["facility"] = b.facility;
    rec["housing"] = b.housing;
  } else if (category == "charges") {
    json& charges = rec["charges"] = json::array();
    for (const auto& c : b.charges) {
      json& e = charges.emplace_back(json::object());
      e["code"] = c.code;
      e["statute"] = c.statute;
      e["description"] = c.description;
      e["level"] = std::string(1, c.level);
    }
    rec["bail"] = b.bail;
  } else if (category == "court") {
    rec["court_date"] = b.court_date ? json(records::FormatIso8601(*b.court_date)) : json(nullptr);
    rec["court"] = b.court;
  } else if (category == "photo") {
    rec["photo_url"] = b.photo_url;
  } else if (category == "dob") {
    rec["dob"] = v.p.dob;
  } else if (category == "address") {
    rec["address"] = v.p.address;
    rec["phone"] = v.p.phone;
    rec["email"] = v.p.email;
  } else if (category == "birthplace") {
    rec["birthplace"] = v.p.birthplace;
  } else if (category == "immigration_status") {
    rec["immigration_status"] = v.p.immigration_status;
  } else if (category == "criminal_history") {
    json& list = rec["convictions"] = json::array();
    for (const auto& c : v.cs) {
      json& e = list.emplace_back(json::object());
      e["statute"] = c.statute;
      e["description"] = c.description;
      e["level"] = std::string(1, c.level);
      e["convicted_at"] = records::FormatDate(c.convicted_at);
    }
  }
}

std::string Tree(const std::vector<View>& views) {
  json out = json::array();
  for (const auto& v : views) {
    json rec = json::object();
    for (const auto& c : kCategories) TreeFields(v, c, rec);
    out.push_back(std::move(rec));
  }
  json body = json::object();
  body["records"] = std::move(out);
  body["redactions"] = json::array();
  body["audit"] = {{"index", uint64_t{123456}}, {"leaf_hash", "H7Lec3XKq0Yb2mJ1aTtWb7Ue2x3sS9v8lKc1mQx0yZs="}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The writer, as api_records.cpp and FinishObject use it now.
void DirectFields(const View& v, const std::string& category, ObjectText& rec) {
  const auto& b = v.b;
  if (category == "identity") {
    rec.Str("booking_id", b.booking_id);
    rec.Str("person_id", b.person_id);
    rec.Str("name", b.name);
  } else if (category == "release") {
    rec.Str("release_at", records::FormatIso8601(*b.release_at()));
    rec.Str("release_type", b.release_type);
  } else if (category == "custody") {
    rec.Str("custody_status", b.custody_status);
    rec.Str("facility", b.facility);
    rec.Str("housing", b.housing);
  } else if (category == "charges") {
    JsonText& w = rec.Key("charges");
    w.Raw("[");
    for (size_t i = 0; i < b.charges.size(); ++i) {
      const auto& c = b.charges[i];
      w.Raw(i ? ",{\"code\":" : "{\"code\":");
      w.Str(c.code);
      w.Raw(",\"description\":");
      w.Str(c.description);
      w.Raw(",\"level\":");
      w.Str(std::string_view(&c.level, 1));
      w.Raw(",\"statute\":");
      w.Str(c.statute);
      w.Raw("}");
    }
    w.Raw("]");
    rec.Key("bail").Int(b.bail);
  } else if (category == "court") {
    rec.Str("court_date", records::FormatIso8601(*b.court_date));
    rec.Str("court", b.court);
  } else if (category == "photo") {
    rec.Str("photo_url", b.photo_url);
  } else {
    tg::gateway::AddPersonFields(v.p, v.cs, category, rec);  // the route's own
  }
}

std::string Direct(const std::vector<View>& views) {
  std::string body = "{\"records\":[";
  ObjectText rec;
  for (size_t i = 0; i < views.size(); ++i) {
    for (const auto& c : kCategories) DirectFields(views[i], c, rec);
    if (i) body.push_back(',');
    rec.AppendTo(body);
  }
  body += "],\"redactions\":[]}";
  JsonText audit;
  audit.Raw("\"audit\":{\"index\":");
  audit.UInt(123456);
  audit.Raw(",\"leaf_hash\":");
  audit.Str("H7Lec3XKq0Yb2mJ1aTtWb7Ue2x3sS9v8lKc1mQx0yZs=");
  audit.Raw("},");
  body.insert(1, audit.out);
  return body;
}

std::vector<View> Views(int n) {
  std::vector<View> v;
  for (int i = 0; i < n; ++i) v.push_back(Typical(i));
  return v;
}

void BM_Tree(benchmark::State& state) {
  auto views = Views(static_cast<int>(state.range(0)));
  if (Tree(views) != Direct(views)) state.SkipWithError("the two bodies differ");
  for (auto _ : state) benchmark::DoNotOptimize(Tree(views));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Tree(views).size()));
}
void BM_Direct(benchmark::State& state) {
  auto views = Views(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Direct(views));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(Direct(views).size()));
}
BENCHMARK(BM_Tree)->Arg(1)->Arg(50);
BENCHMARK(BM_Direct)->Arg(1)->Arg(50);

}  // namespace

BENCHMARK_MAIN();
