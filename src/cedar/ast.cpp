#include "cedar/ast.h"

namespace tg::cedar {

const char* VarName(Var v) {
  switch (v) {
    case Var::kPrincipal: return "principal";
    case Var::kAction: return "action";
    case Var::kResource: return "resource";
    case Var::kContext: return "context";
  }
  return "?";
}

const char* SlotName(SlotId s) { return s == SlotId::kPrincipal ? "?principal" : "?resource"; }

const std::string* Policy::FindAnnotation(std::string_view key) const {
  static const std::string kEmpty;
  for (const Annotation& a : annotations)
    if (a.key == key) return a.value ? &*a.value : &kEmpty;
  return nullptr;
}

bool PolicySet::IdTaken(std::string_view id) const { return FindPolicy(id) || FindTemplate(id); }

Status PolicySet::Add(Policy p) {
  if (IdTaken(p.id)) return Status::AlreadyExists("duplicate policy id `" + p.id + "`");
  if (p.IsTemplate()) templates_.push_back(std::move(p));
  else policies_.push_back(std::move(p));
  return Status::OK();
}

Status PolicySet::Link(const std::string& template_id, const std::string& new_id,
                       const std::map<SlotId, EntityUid>& values) {
  const Policy* t = FindTemplate(template_id);
  if (!t) return Status::NotFound("no template `" + template_id + "`");
  if (IdTaken(new_id)) return Status::AlreadyExists("duplicate policy id `" + new_id + "`");
  Policy p = *t;
  p.id = new_id;
  p.template_id = template_id;
  size_t used = 0;
  for (ScopeConstraint* s : {&p.principal, &p.resource}) {
    if (!s->slot) continue;
    auto it = values.find(*s->slot);
    if (it == values.end())
      return Status::InvalidArgument(std::string("template `") + template_id + "` needs a value for " + SlotName(*s->slot));
    s->entity = it->second;
    s->slot.reset();
    ++used;
  }
  if (used != values.size())
    return Status::InvalidArgument("template `" + template_id + "` has no slot for some of the given values");
  policies_.push_back(std::move(p));
  return Status::OK();
}

const Policy* PolicySet::FindPolicy(std::string_view id) const {
  for (const Policy& p : policies_)
    if (p.id == id) return &p;
  return nullptr;
}

const Policy* PolicySet::FindTemplate(std::string_view id) const {
  for (const Policy& p : templates_)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace tg::cedar
