// ReportHtml: the page is one string, styles inline in <head>, charts as inline SVG; it
// must open from a USB stick on a machine with no network.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "oversight/report.h"

namespace tg::oversight {

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// Colours chosen for at least 4.5:1 contrast on white (WCAG AA) and to stay apart for
// common colour-vision deficiencies; every chart also has a data table.
const std::vector<std::string> kPalette = {"#1f4e79", "#b03a2e", "#1e6b34", "#6c3483",
                                           "#8a5300", "#2e4053", "#a93266", "#0e6655"};

const char* kStyle = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff;max-width:70rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.45}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e8eef4}caption{text-align:left;font-weight:600;padding:.3rem 0}
.sev-high{color:#fff;background:#b03a2e;padding:0 .4rem;border-radius:.2rem}
.sev-medium{color:#fff;background:#8a5300;padding:0 .4rem;border-radius:.2rem}
.sev-low{color:#fff;background:#2e4053;padding:0 .4rem;border-radius:.2rem}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #767676;border-radius:.3rem;padding:.5rem 1rem;min-width:10rem}
.card .n{font-size:1.6rem;font-weight:700}a{color:#1f4e79}a:focus,summary:focus{outline:3px solid #8a5300}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;vertical-align:middle}
.muted{color:#4a4a4a}code{font-size:.95em}
)";

std::string Swatch(size_t i) {
  return fmt::format("<span class=\"swatch\" style=\"background:{}\" aria-hidden=\"true\"></span>",
                     kPalette[i % kPalette.size()]);
}

// Buckets: days for spans up to ~10 weeks, else weeks; for replayed or short logs, hours.
struct Buckets {
  records::TimeMs start = 0, width = records::kMsPerDay;
  size_t count = 0;
  std::string Label(size_t i) const {
    records::TimeMs t = start + static_cast<records::TimeMs>(i) * width;
    std::string iso = records::FormatIso8601(t);
    return width < records::kMsPerDay ? iso.substr(0, 13) + ":00Z" : iso.substr(0, 10);
  }
};

Buckets MakeBuckets(const std::vector<AuditEvent>& events) {
  Buckets b;
  if (events.empty()) return b;
  records::TimeMs lo = events.front().time, hi = lo;
  for (const auto& e : events) lo = std::min(lo, e.time), hi = std::max(hi, e.time);
  records::TimeMs span = hi - lo;
  if (span <= 2 * records::kMsPerDay) b.width = records::kMsPerHour;
  else if (span <= 70 * records::kMsPerDay) b.width = records::kMsPerDay;
  else b.width = 7 * records::kMsPerDay;
  b.start = lo - lo % b.width;
  b.count = static_cast<size_t>((hi - b.start) / b.width) + 1;
  return b;
}

// A stacked bar chart over time buckets: series name -> counts per bucket.
std::string StackedChart(const std::string& id, const std::string& title, const std::string& desc,
                         const Buckets& b, const std::map<std::string, std::vector<int>>& series) {
  const int W = 900, H = 260, left = 50, bottom = 40, top = 10;
  int max_total = 1;
  for (size_t i = 0; i < b.count; ++i) {
    int total = 0;
    for (const auto& [name, v] : series) total += v[i];
    max_total = std::max(max_total, total);
  }
  double bw = b.count ? static_cast<double>(W - left - 10) / b.count : 0;
  std::string svg = fmt::format(
      "<svg role=\"img\" aria-labelledby=\"{0}-t {0}-d\" viewBox=\"0 0 {1} {2}\" width=\"100%\">"
      "<title id=\"{0}-t\">{3}</title><desc id=\"{0}-d\">{4}</desc>",
      id, W, H, HtmlEscape(title), HtmlEscape(desc));
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#1b1b1b\"/>", left, top, H - bottom);
  svg += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#1b1b1b\"/>", left, H - bottom, W - 10);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>", left - 4, top + 10, max_total);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">0</text>", left - 4, H - bottom);
  double scale = static_cast<double>(H - bottom - top) / max_total;
  for (size_t i = 0; i < b.count; ++i) {
    double y = H - bottom;
    size_t s = 0;
    for (const auto& [name, v] : series) {
      double h = v[i] * scale;
      if (h > 0) {
        y -= h;
        svg += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: {} {}</title></rect>",
            left + i * bw + 1, y, std::max(bw - 2, 1.0), h, kPalette[s % kPalette.size()],
            b.Label(i), v[i], HtmlEscape(name));
      }
      ++s;
    }
  }
  size_t step = std::max<size_t>(1, b.count / 8);
  for (size_t i = 0; i < b.count; i += step) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\">{}</text>", left + i * bw,
                       H - bottom + 16, b.Label(i));
  }
  svg += "</svg><p class=\"legend\">";
  size_t s = 0;
  for (const auto& [name, v] : series) svg += "<span>" + Swatch(s++) + HtmlEscape(name) + "</span>";
  svg += "</p>";
  // The same data as a table, for screen readers and for copying into a report.
  svg += "<details><summary>Data table: " + HtmlEscape(title) + "</summary><table><thead><tr><th scope=\"col\">Period</th>";
  for (const auto& [name, v] : series) svg += "<th scope=\"col\">" + HtmlEscape(name) + "</th>";
  svg += "</tr></thead><tbody>";
  for (size_t i = 0; i < b.count; ++i) {
    svg += "<tr><th scope=\"row\">" + b.Label(i) + "</th>";
    for (const auto& [name, v] : series) svg += fmt::format("<td>{}</td>", v[i]);
    svg += "</tr>";
  }
  svg += "</tbody></table></details>";
  return svg;
}

std::string KindChart(const std::map<std::string, std::pair<int, int>>& by_kind) {
  const int W = 900, row = 28, left = 190;
  int H = static_cast<int>(by_kind.size()) * row + 20;
  int max_n = 1;
  for (const auto& [k, v] : by_kind) max_n = std::max(max_n, v.first + v.second);
  double scale = static_cast<double>(W - left - 80) / max_n;
  std::string svg = fmt::format(
      "<svg role=\"img\" aria-labelledby=\"kind-t kind-d\" viewBox=\"0 0 {} {}\" width=\"100%\">"
      "<title id=\"kind-t\">Accesses by agency kind</title><desc id=\"kind-d\">Horizontal bars: "
      "for each kind of requesting agency, accesses where every category was allowed and accesses "
      "with at least one category refused.</desc>",
      W, H);
  int y = 10;
  for (const auto& [kind, v] : by_kind) {
    double a = v.first * scale, d = v.second * scale;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\">{}</text>", left - 6, y + 17, HtmlEscape(kind.empty() ? "(unknown)" : kind));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"20\" fill=\"{}\"><title>{}: {} allowed</title></rect>", left, y, a, kPalette[0], HtmlEscape(kind), v.first);
    svg += fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"20\" fill=\"{}\"><title>{}: {} with refusals</title></rect>", left + a, y, d, kPalette[1], HtmlEscape(kind), v.second);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"12\">{} / {}</text>", left + a + d + 6, y + 15, v.first, v.second);
    y += row;
  }
  svg += "</svg><p class=\"legend\"><span>" + Swatch(0) + "all allowed</span><span>" + Swatch(1) +
         "some or all refused</span></p>";
  svg += "<details><summary>Data table: accesses by agency kind</summary><table><thead><tr><th scope=\"col\">Agency kind</th><th scope=\"col\">All allowed</th><th scope=\"col\">With refusals</th></tr></thead><tbody>";
  for (const auto& [kind, v] : by_kind) {
    svg += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>", HtmlEscape(kind), v.first, v.second);
  }
  svg += "</tbody></table></details>";
  return svg;
}

bool AnyDenied(const AuditEvent& e) {
  for (const auto& d : e.decisions) {
    if (d.decision != "allow") return true;
  }
  return e.status >= 400;
}

}  // namespace

Result<std::string> ReportHtml(const std::vector<AuditEvent>& events,
                               const std::vector<Finding>& findings, records::Store& store,
                               const ReportOptions& options) {
  std::unordered_map<std::string, std::string> kinds;
  auto agencies = store.ListAgencies();
  if (!agencies.ok()) return agencies.status();
  for (const auto& a : *agencies) kinds[a.id] = a.kind;
  auto kind_of = [&](const AuditEvent& e) {
    auto it = kinds.find(e.agency);
    return it != kinds.end() ? it->second : e.agency_kind;
  };
  std::unordered_map<uint64_t, const AuditEvent*> by_index;
  for (const auto& e : events) by_index[e.index] = &e;

  // Summary figures.
  std::set<std::string> principals, agencies_seen;
  int refused = 0;
  std::map<std::string, std::pair<int, int>> by_kind;
  Buckets b = MakeBuckets(events);
  std::map<std::string, std::vector<int>> purposes, decisions;
  decisions["all allowed"].assign(b.count, 0);
  decisions["some or all refused"].assign(b.count, 0);
  for (const auto& e : events) {
    principals.insert(e.principal);
    agencies_seen.insert(e.agency);
    bool denied = AnyDenied(e);
    refused += denied;
    auto& k = by_kind[kind_of(e)];
    (denied ? k.second : k.first)++;
    size_t bucket = static_cast<size_t>((e.time - b.start) / b.width);
    std::string purpose = e.purpose.empty() ? "(none)" : e.purpose;
    auto& pv = purposes[purpose];
    if (pv.empty()) pv.assign(b.count, 0);
    pv[bucket]++;
    decisions[denied ? "some or all refused" : "all allowed"][bucket]++;
  }
  std::map<std::string, int> severities;
  for (const auto& f : findings) severities[f.severity]++;
  records::TimeMs generated = options.generated_at ? options.generated_at : records::NowMs();

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  h += "<title>" + HtmlEscape(options.title) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<header><h1>" + HtmlEscape(options.title) + "</h1>";
  if (!options.jurisdiction.empty()) h += "<p>" + HtmlEscape(options.jurisdiction) + "</p>";
  h += "<p class=\"muted\">Generated " + records::FormatIso8601(generated) + ". ";
  if (!events.empty()) {
    h += fmt::format("Audit records {} to {}, {} to {}.", events.front().index, events.back().index,
                     records::FormatIso8601(events.front().time), records::FormatIso8601(events.back().time));
  } else {
    h += "The audit log is empty.";
  }
  h += "</p><nav aria-label=\"Contents\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#charts\">Charts</a></li>"
       "<li><a href=\"#findings\">Findings</a></li></ul></nav></header><main>";

  h += "<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2><div class=\"cards\">";
  auto card = [&](const std::string& label, const std::string& n) {
    h += "<div class=\"card\"><div class=\"n\">" + n + "</div><div>" + HtmlEscape(label) + "</div></div>";
  };
  card("accesses logged", std::to_string(events.size()));
  card("with a refusal", std::to_string(refused));
  card("users", std::to_string(principals.size()));
  card("agencies", std::to_string(agencies_seen.size()));
  card("findings", std::to_string(findings.size()));
  h += "</div>";
  h += fmt::format("<p>{} findings: {} high, {} medium, {} low severity. Each finding names the rule it "
                   "bears on and the audit records that show it; an inspector given a record and its salt "
                   "can check its inclusion in the public log (<code>trustgate log prove --index N</code>).</p>",
                   findings.size(), severities["high"], severities["medium"], severities["low"]);
  h += "</section>";

  h += "<section id=\"charts\" aria-labelledby=\"charts-h\"><h2 id=\"charts-h\">Charts</h2>";
  h += "<h3>Access by agency kind</h3>" + KindChart(by_kind);
  h += "<h3>Purpose declared over time</h3>" +
       StackedChart("purpose", "Accesses by declared purpose over time",
                    "Stacked bars: accesses per period, split by the purpose the requester declared.", b, purposes);
  h += "<h3>Decisions over time</h3>" +
       StackedChart("decision", "Decisions over time",
                    "Stacked bars: accesses per period where every category was allowed, and where some or all were refused.",
                    b, decisions);
  h += "</section>";

  h += "<section id=\"findings\" aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">Findings</h2>";
  if (findings.empty()) {
    h += "<p>No findings.</p>";
  } else {
    h += "<table><caption>All findings, most severe first</caption><thead><tr><th scope=\"col\">#</th>"
         "<th scope=\"col\">Severity</th><th scope=\"col\">Detector</th><th scope=\"col\">Principal</th>"
         "<th scope=\"col\">Agency</th><th scope=\"col\">Summary</th></tr></thead><tbody>";
    for (size_t i = 0; i < findings.size(); ++i) {
      const Finding& f = findings[i];
      h += fmt::format("<tr><td><a href=\"#finding-{0}\">{0}</a></td><td><span class=\"sev-{1}\">{1}</span></td>"
                       "<td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>",
                       i + 1, HtmlEscape(f.severity), HtmlEscape(f.detector), HtmlEscape(f.principal),
                       HtmlEscape(f.agency), HtmlEscape(f.summary));
    }
    h += "</tbody></table>";
  }
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    h += fmt::format("<section id=\"finding-{0}\" aria-labelledby=\"finding-{0}-h\"><h3 id=\"finding-{0}-h\">"
                     "Finding {0}: {1} <span class=\"sev-{2}\">{2}</span></h3>",
                     i + 1, HtmlEscape(f.detector), HtmlEscape(f.severity));
    h += "<p>" + HtmlEscape(f.summary) + "</p><dl>";
    auto item = [&](const std::string& k, const std::string& v) {
      if (!v.empty()) h += "<dt>" + k + "</dt><dd>" + HtmlEscape(v) + "</dd>";
    };
    item("Rule", f.rule);
    item("Principal", f.principal);
    item("Agency", f.agency);
    item("Workstation", f.workstation);
    item("Period", records::FormatIso8601(f.window_start) + " to " + records::FormatIso8601(f.window_end));
    if (!f.subjects.empty()) {
      std::string subjects;
      for (size_t k = 0; k < f.subjects.size() && k < 50; ++k) subjects += (k ? ", " : "") + f.subjects[k];
      if (f.subjects.size() > 50) subjects += fmt::format(" and {} more", f.subjects.size() - 50);
      item("Records concerned", subjects);
    }
    h += "</dl>";
    h += fmt::format("<details><summary>Evidence: {} audit records</summary>", f.evidence.size());
    h += "<table><thead><tr><th scope=\"col\">Index</th><th scope=\"col\">Time (UTC)</th><th scope=\"col\">Principal</th>"
         "<th scope=\"col\">Request</th><th scope=\"col\">Purpose</th><th scope=\"col\">Reason</th>"
         "<th scope=\"col\">Channel</th><th scope=\"col\">Released</th><th scope=\"col\">Outcome</th></tr></thead><tbody>";
    size_t shown = 0;
    for (uint64_t idx : f.evidence) {
      if (shown == options.evidence_rows) break;
      auto it = by_index.find(idx);
      if (it == by_index.end()) {
        h += fmt::format("<tr><td>{}</td><td colspan=\"8\">not in the records read</td></tr>", idx);
        ++shown;
        continue;
      }
      const AuditEvent& e = *it->second;
      std::set<std::string> rel;
      for (const auto& [id, cats] : e.released) rel.insert(cats.begin(), cats.end());
      for (const auto& d : e.decisions) {
        if (d.decision == "allow") rel.insert(d.category);
      }
      std::string released;
      for (const auto& c : rel) released += (released.empty() ? "" : ", ") + c;
      std::string request = e.method + " " + e.path + (e.query.empty() ? "" : "?" + e.query);
      std::string channel = e.channel + (e.recipient.empty() ? "" : " to " + e.recipient);
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td>"
                       "<td>{}</td><td>{}</td><td>{} {}</td></tr>",
                       e.index, records::FormatIso8601(e.time), HtmlEscape(e.principal), HtmlEscape(request),
                       HtmlEscape(e.purpose), HtmlEscape(e.reason), HtmlEscape(channel), HtmlEscape(released),
                       e.status, HtmlEscape(e.outcome));
      ++shown;
    }
    h += "</tbody></table>";
    if (f.evidence.size() > shown) {
      h += fmt::format("<p>{} more audit records not shown; all indexes are in the JSON report.</p>",
                       f.evidence.size() - shown);
    }
    h += "</details><p><a href=\"#findings\">Back to all findings</a></p></section>";
  }
  h += "</section></main><footer><p class=\"muted\">Made by TrustGate from its audit log. Self-contained: no "
       "scripts, fonts or images are fetched.</p></footer></body></html>\n";
  return h;
}

}  // namespace tg::oversight
