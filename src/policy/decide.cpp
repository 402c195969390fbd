#include "policy/decide.h"

#include <algorithm>
#include <cstring>

#include "cedar/schema_data.h"
#include "policy/offense.h"
#include "policy/scenario.h"

namespace tg::policy {
namespace {

void PutBytes(std::string_view v, std::string* k) {
  uint32_t n = uint32_t(v.size());
  k->append(reinterpret_cast<const char*>(&n), sizeof n);
  k->append(v);
}
template <class T>
void PutPod(T v, std::string* k) {
  k->append(reinterpret_cast<const char*>(&v), sizeof v);
}

// The person memo's key: every input of the Person entity's attributes, length-prefixed.
// Whole convictions go in (not only the fields the qualifier reads today), so a qualifier
// that starts reading another field cannot be served a stale answer; the structured binding
// stops compiling when records::Conviction gains a field, until it is keyed here too.
void PersonKey(const Subject& s, int64_t day, std::string* k) {
  PutPod(day, k);
  PutBytes(s.agency, k);
  PutPod(char(s.sex_registrant), k);
  PutPod(char(s.arson_registrant), k);
  PutPod(uint32_t(s.convictions.size()), k);
  for (const records::Conviction& c : s.convictions) {
    const auto& [id, person_id, code, statute, description, level, degree, convicted_at, sentence, court,
                 sex_registrable, arson_registrable] = c;
    PutPod(id, k);
    PutBytes(person_id, k);
    PutBytes(code, k);
    PutBytes(statute, k);
    PutBytes(description, k);
    PutPod(level, k);
    PutPod(degree, k);
    PutPod(convicted_at, k);
    PutBytes(sentence, k);
    PutBytes(court, k);
    PutPod(char(sex_registrable), k);
    PutPod(char(arson_registrable), k);
  }
}

// Adds `e` to `store` after checking it against the schema, so code and schema cannot
// drift apart silently.
Status AddConforming(const cedar::Schema& schema, cedar::Entities& store, cedar::Entity e) {
  Status ok = cedar::CheckEntityConforms(schema, e);
  if (!ok.ok()) return Status::Internal("entities: " + ok.message());
  return store.Add(std::move(e));
}

// An agency only named by a record or a workstation: its attributes are unknown to this
// request, and policies compare it by identity, so neutral values are safe.
cedar::Entity UnknownAgency(cedar::EntityUid uid, const std::string& id) {
  cedar::Entity e;
  e.uid = uid;
  e.attrs = {{"name", id}, {"kind", "unknown"}, {"state", "US"}};
  return e;
}

void PutAgency(const records::Agency& a, std::string* k) {
  const auto& [id, name, kind, state, ori] = a;
  for (const std::string* v : {&id, &name, &kind, &state, &ori}) PutBytes(*v, k);
}

// The facts layer's key: every field of the facts, length-prefixed. The structured bindings
// stop compiling when a field is added, until it is keyed here too.
void FactsKey(const RequestFacts& f, std::string* k) {
  const auto& [user, agency, workstation, purpose, case_number, authority_kind, authority_ref, reason, channel,
               recipient, record_count, time] = f;
  const auto& [user_id, user_name, user_agency, roles] = user;
  for (const std::string* v : {&user_id, &user_name, &user_agency}) PutBytes(*v, k);
  PutPod(uint32_t(roles.size()), k);
  for (const auto& r : roles) PutBytes(r, k);
  PutAgency(agency, k);
  PutPod(char(workstation.has_value()), k);
  if (workstation) {
    const auto& [ws_id, location, ws_agency] = *workstation;
    for (const std::string* v : {&ws_id, &location, &ws_agency}) PutBytes(*v, k);
  }
  for (const std::string* v : {&purpose, &case_number, &authority_kind, &authority_ref, &reason, &channel}) PutBytes(*v, k);
  PutPod(char(recipient.has_value()), k);
  if (recipient) PutAgency(*recipient, k);
  PutPod(record_count, k);
  // Not the time itself (it moves on every hundredth of a second): only whether there is
  // one. The layer adds it to the context per request (FactsLayer::ContextAt).
  PutPod(char(time.empty()), k);
}

}  // namespace

const std::vector<std::string>& DataCategories() {
  static const std::vector<std::string> kCategories = {
      "identity", "dob",     "address", "birthplace", "immigration_status",
      "release",  "custody", "charges", "criminal_history", "photo",
      "court",    "checkin", "alpr",    "stop",       "gang"};
  return kCategories;
}

Result<std::unique_ptr<Decider>> Decider::Load(const std::string& root,
                                               const std::vector<std::string>& packs,
                                               const std::string& schema_path,
                                               const std::string& offense_codes_csv) {
  auto composed = LoadPacks(root, packs, schema_path);
  if (!composed.ok()) return composed.status();
  auto problems = ValidatePacks(*composed);
  if (!problems.empty()) {
    std::string msg = "policy packs do not validate against " + composed->schema_path + ":";
    for (const auto& p : problems) msg += "\n  " + p;
    return Status::InvalidArgument(msg);
  }
  std::unique_ptr<Decider> d(new Decider());
  d->packs_ = std::move(composed.value());
  d->authorizer_ = std::make_unique<cedar::Authorizer>(d->packs_.policies);
  d->reads_ = cedar::PolicyReads::Of(d->packs_.policies.policies());
  auto actions = cedar::ActionEntities(*d->packs_.schema);
  if (!actions.ok()) return Status::Internal("schema action entities: " + actions.status().message());
  d->action_entities_ = std::make_unique<cedar::Entities>(std::move(actions.value()));
  for (const auto& [uid, decl] : d->packs_.schema->actions)
    if (uid.type == "Action") d->action_info_[uid.id] = {cedar::EntityUid::Make(uid.type, uid.id), decl.context.get()};
  if (!offense_codes_csv.empty()) {
    auto table = OffenseCodeTable::Load(offense_codes_csv);
    if (!table.ok()) return table.status();
    d->offense_codes_.emplace(std::move(table.value()));
  }
  return d;
}

Decider::CacheStats Decider::cache_stats() const {
  return {cache_hits_.load(std::memory_order_relaxed), cache_misses_.load(std::memory_order_relaxed),
          cache_capacity_ > 0 && reads_.fingerprintable(), reads_.why_not()};
}

Explanation Decider::Explain(const std::string& policy_id) const {
  const PackRule* r = packs_.FindRule(policy_id);
  if (r == nullptr) return {policy_id, "", ""};
  return {r->id, r->citation, r->explain};
}

cedar::Value Decider::FactsLayer::ContextAt(const std::string& time) const {
  std::lock_guard lock(last_mu);
  if (last_context && last_time == time) return *last_context;
  cedar::RecordAttrs ctx = untimed;
  if (timed) ctx.emplace("time", time);
  last_time = time;
  last_context = cedar::Value::Record(std::move(ctx));
  return *last_context;
}

Result<std::shared_ptr<const Decider::FactsLayer>> Decider::FactsLayerFor(const RequestFacts& f) const {
  const bool memo = cache_capacity_ > 0;
  std::string key;
  if (memo) {
    FactsKey(f, &key);
    std::lock_guard lock(person_mu_);
    auto it = facts_memo_.find(key);
    if (it != facts_memo_.end()) return it->second;
  }
  const cedar::Schema& schema = *packs_.schema;
  auto layer = std::make_shared<FactsLayer>();
  cedar::Entities& store = layer->entities;
  store.SetBase(action_entities_.get());
  auto add = [&](cedar::Entity e) { return AddConforming(schema, store, std::move(e)); };
  // Interning takes a process-wide lock: uids are made once and reused.
  const cedar::EntityUid own_agency = cedar::EntityUid::Make("Agency", f.agency.id);
  layer->own_agency = own_agency;
  auto agency_uid = [&](const std::string& id) {
    return id == f.agency.id ? own_agency : cedar::EntityUid::Make("Agency", id);
  };
  auto add_agency = [&](const records::Agency& a) -> Status {
    if (!layer->agencies.insert(a.id).second) return Status::OK();
    cedar::Entity e;
    e.uid = agency_uid(a.id);
    e.attrs = {{"name", a.name}, {"kind", a.kind}, {"state", a.state.empty() ? "US" : a.state}};
    return add(std::move(e));
  };
  TG_RETURN_IF_ERROR(add_agency(f.agency));
  layer->principal = cedar::EntityUid::Make("User", f.user.id);
  {
    cedar::Entity u;
    u.uid = layer->principal;
    std::vector<cedar::Value> roles(f.user.roles.begin(), f.user.roles.end());
    u.attrs = {{"name", f.user.name}, {"agency", own_agency}, {"roles", cedar::Value::Set(std::move(roles))}};
    TG_RETURN_IF_ERROR(add(std::move(u)));
  }
  const records::Agency& recipient = f.recipient ? *f.recipient : f.agency;
  TG_RETURN_IF_ERROR(add_agency(recipient));
  cedar::RecordAttrs ctx = {
      {"purpose", f.purpose},
      {"case", f.case_number},
      {"authority", cedar::Value::Record({{"kind", f.authority_kind}, {"ref", f.authority_ref}})},
      {"reason", f.reason},
      {"channel", f.channel},
      {"recipient_kind", recipient.kind},
      {"recipient_state", recipient.state.empty() ? "US" : recipient.state},
      {"passed_on", recipient.id != f.agency.id},
      {"record_count", f.record_count},
      {"written_declaration", false}};
  if (f.recipient) ctx.emplace("recipient", agency_uid(recipient.id));
  if (f.workstation) {
    const std::string& owner = f.workstation->agency_id;
    if (layer->agencies.insert(owner).second) TG_RETURN_IF_ERROR(add(UnknownAgency(agency_uid(owner), owner)));
    cedar::Entity w;
    w.uid = cedar::EntityUid::Make("Workstation", f.workstation->id);
    w.attrs = {{"agency", agency_uid(owner)}, {"location", f.workstation->location}};
    ctx.emplace("workstation", w.uid);
    TG_RETURN_IF_ERROR(add(std::move(w)));
  }
  store.Finalize();
  layer->untimed = std::move(ctx);
  layer->timed = !f.time.empty();
  // The key reads the kinds and names of the context's attributes, not string values, so
  // the context at any one time stands for all.
  cedar::AppendConformanceKey(layer->ContextAt(f.time), &layer->context_conformance);
  if (memo) {
    std::lock_guard lock(person_mu_);
    if (facts_memo_.size() >= kPersonMemoRows) facts_memo_.clear();
    facts_memo_.emplace(std::move(key), layer);
  }
  return std::shared_ptr<const FactsLayer>(std::move(layer));
}

Result<std::vector<std::vector<ActionDecision>>> Decider::Decide(
    const RequestFacts& f, const std::vector<Subject>& subjects,
    const std::vector<std::string>& actions, records::TimeMs now) const {
  // Entities are built in memory (no JSON round trip) and each is checked against the
  // schema, so code and schema cannot drift apart silently. The request's records go in a
  // layer on its facts' entities, which are layered on the action hierarchy.
  const cedar::Schema& schema = *packs_.schema;
  auto layer = FactsLayerFor(f);
  if (!layer.ok()) return layer.status();
  const FactsLayer& facts = **layer;
  cedar::Entities store;
  store.SetBase(&facts.entities);
  auto add = [&](cedar::Entity e) { return AddConforming(schema, store, std::move(e)); };
  const cedar::EntityUid own_agency = facts.own_agency;
  auto agency_uid = [&](const std::string& id) {
    return id == f.agency.id ? own_agency : cedar::EntityUid::Make("Agency", id);
  };
  std::set<std::string> agencies_added;  // in this request's layer
  auto add_agency_id = [&](const std::string& id) -> Status {
    if (facts.agencies.count(id) || !agencies_added.insert(id).second) return Status::OK();
    return add(UnknownAgency(agency_uid(id), id));
  };
  const cedar::EntityUid principal = facts.principal;
  const cedar::Value context = facts.ContextAt(f.time);

  // Per-record entities.
  std::set<std::string> persons_added;
  std::set<std::pair<std::string, std::string>> subjects_added;
  auto qualified_attrs = [&](const Subject& s) -> Result<cedar::RecordAttrs> {
    OffenseFacts facts;
    for (const auto& c : s.convictions) facts.convictions.push_back(FromConviction(c));
    facts.sex_registrant = s.sex_registrant;
    facts.arson_registrant = s.arson_registrant;
    auto q = Qualify(facts, offense_codes_ ? &*offense_codes_ : nullptr, now);
    if (!q.ok()) return q.status();
    std::vector<cedar::Value> categories;
    for (const auto& c : q->ca_7282_5_categories()) categories.emplace_back(c);
    return cedar::RecordAttrs{{"agency", agency_uid(s.agency)},
                              {"qualifies_ca_7282_5", q->qualifies_ca_7282_5()},
                              {"ca_7282_5_categories", cedar::Value::Set(std::move(categories))},
                              {"ph_violent_felony_1_2", !q->ph_violent_felony.empty()},
                              {"nj_violent_or_serious", !q->nj_violent_or_serious.empty()},
                              {"nj_indictable_within_5y", !q->nj_indictable_within_5y.empty()}};
  };
  // Adds the Person entity `uid` for `s`, its attributes from the memo when an equal person
  // was seen before. Those attributes passed the schema check under the type Person then, so
  // only the uid is checked (the type's enum ids, if any).
  const bool memo = cache_capacity_ > 0;
  const int64_t day = now >= 0 ? now / records::kMsPerDay : -((-now - 1) / records::kMsPerDay) - 1;
  std::string person_key;
  auto add_person = [&](const Subject& s, cedar::EntityUid uid) -> Status {
    if (memo) {
      person_key.clear();
      PersonKey(s, day, &person_key);
      std::shared_ptr<const cedar::RecordAttrs> hit;
      {
        std::lock_guard lock(person_mu_);
        auto it = person_memo_.find(person_key);
        if (it != person_memo_.end()) hit = it->second;
      }
      if (hit) {
        Status ok = cedar::CheckEntityUidConforms(schema, uid);
        if (!ok.ok()) return Status::Internal("entities: " + ok.message());
        cedar::Entity p;
        p.uid = uid;
        p.attrs = *hit;
        return store.Add(std::move(p));
      }
    }
    auto pa = qualified_attrs(s);
    if (!pa.ok()) return pa.status();
    cedar::Entity p;
    p.uid = uid;
    p.attrs = std::move(pa.value());
    Status ok = cedar::CheckEntityConforms(schema, p);
    if (!ok.ok()) return Status::Internal("entities: " + ok.message());
    if (memo) {
      auto shared = std::make_shared<const cedar::RecordAttrs>(p.attrs);
      std::lock_guard lock(person_mu_);
      if (person_memo_.size() >= kPersonMemoRows) person_memo_.clear();
      person_memo_.emplace(person_key, std::move(shared));
    }
    return store.Add(std::move(p));
  };
  for (const auto& s : subjects) {
    TG_RETURN_IF_ERROR(add_agency_id(s.agency));
    if (!subjects_added.insert({s.type, s.id}).second) continue;
    cedar::Entity e;
    e.uid = cedar::EntityUid::Make(s.type, s.id);
    if (s.type == "Booking") {
      cedar::EntityUid person = cedar::EntityUid::Make("Person", s.person_id);
      if (persons_added.insert(s.person_id).second) TG_RETURN_IF_ERROR(add_person(s, person));
      e.attrs = {{"agency", agency_uid(s.agency)}, {"person", person}, {"custody_status", s.custody_status}};
    } else if (s.type == "Person") {
      if (!persons_added.insert(s.id).second) continue;
      TG_RETURN_IF_ERROR(add_person(s, e.uid));
      continue;
    } else if (s.type == "PlateRead" || s.type == "Plate") {
      e.attrs = {{"agency", agency_uid(s.agency)}, {"state", s.state}};
    } else {
      return Status::InvalidArgument("unknown subject type " + s.type);
    }
    TG_RETURN_IF_ERROR(add(std::move(e)));
  }
  store.Finalize();

  std::vector<cedar::EntityUid> action_uids;
  std::vector<const cedar::SchemaType*> checked;  // context types already checked (actions share one)
  std::string context_key;
  for (const auto& a : actions) {
    auto known = action_info_.find(a);
    auto uid = known != action_info_.end() ? known->second.uid : cedar::EntityUid::Make("Action", a);
    action_uids.push_back(uid);
    const cedar::SchemaType* type = known != action_info_.end() ? known->second.context : nullptr;
    if (type != nullptr && std::find(checked.begin(), checked.end(), type) != checked.end()) continue;
    // The context type's address, then the context's conformance key (made once).
    if (memo && type != nullptr) {
      if (context_key.empty()) context_key = std::string(sizeof type, '\0') + facts.context_conformance;
      std::memcpy(context_key.data(), &type, sizeof type);
      std::lock_guard lock(person_mu_);
      if (conformed_contexts_.count(context_key)) {
        checked.push_back(type);
        continue;
      }
    }
    if (!cedar::ContextConforms(schema, uid, context)) {
      return Status::Internal("context for " + a + " does not have the action's context type");
    }
    if (type != nullptr) checked.push_back(type);
    if (memo && type != nullptr) {
      std::lock_guard lock(person_mu_);
      if (conformed_contexts_.size() >= kPersonMemoRows) conformed_contexts_.clear();
      conformed_contexts_.insert(context_key);
    }
  }

  const bool caching = cache_capacity_ > 0 && reads_.fingerprintable();
  std::string key;
  size_t key_prefix = 0;
  if (caching) {
    for (const auto& a : actions) {
      key += a;
      key += '\0';
    }
    key += '\0';
    key_prefix = key.size();
  }
  std::vector<std::vector<ActionDecision>> out;
  out.reserve(subjects.size());
  for (const auto& s : subjects) {
    auto resource = cedar::EntityUid::Make(s.type, s.id);
    if (caching) {
      key.resize(key_prefix);
      reads_.Fingerprint(cedar::Request{principal, cedar::EntityUid(), resource, context}, store, &key);
      std::shared_ptr<const std::vector<ActionDecision>> hit;
      {
        std::lock_guard lock(cache_mu_);
        auto it = cache_.find(key);
        if (it != cache_.end()) hit = it->second;
      }
      if (hit) {
        cache_hits_.fetch_add(1, std::memory_order_relaxed);
        out.push_back(*hit);
        continue;
      }
      cache_misses_.fetch_add(1, std::memory_order_relaxed);
    }
    std::vector<ActionDecision> row;
    row.reserve(actions.size());
    bool errors = false;
    for (size_t j = 0; j < actions.size(); ++j) {
      cedar::Request req{principal, action_uids[j], resource, context};
      cedar::Response r = authorizer_->IsAuthorized(req, store);
      PackDecision pd = DecisionOf(r, packs_);
      ActionDecision d{actions[j], pd.outcome, pd.policies, pd.errors};
      if (!d.errors.empty()) errors = true;
      if (!d.errors.empty() && d.outcome == "allow") d.outcome = "deny";  // default deny on error
      row.push_back(std::move(d));
    }
    if (caching && !errors) {
      auto shared = std::make_shared<const std::vector<ActionDecision>>(row);
      std::lock_guard lock(cache_mu_);
      if (cache_.size() >= cache_capacity_) cache_.clear();
      cache_.emplace(key, std::move(shared));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tg::policy
