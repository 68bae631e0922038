#include "certs/dcc/value_sets.h"

#include <boost/json.hpp>

#include "certs/dcc/value_sets_data.h"

namespace vaxreg::certs {

const ValueSets& ValueSets::Embedded() {
  static const ValueSets* sets = [] {
    std::map<std::string, std::string, std::less<>> files;
    for (const internal::EmbeddedValueSet& e : internal::EmbeddedValueSets()) {
      files.emplace(std::string(e.name), std::string(e.json));
    }
    Result<ValueSets> parsed = Parse(files);
    CHECK(parsed.ok());
    return new ValueSets(std::move(*parsed));
  }();
  return *sets;
}

Result<ValueSets> ValueSets::Parse(const std::map<std::string, std::string, std::less<>>& files) {
  ValueSets out;
  for (const auto& [name, text] : files) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return InvalidArgumentError("value set " + name + " is not JSON");
    const boost::json::object& obj = v.get_object();
    const boost::json::value* values = obj.if_contains("valueSetValues");
    if (values == nullptr || !values->is_object()) {
      return InvalidArgumentError("value set " + name + " has no valueSetValues object");
    }
    Set set;
    if (const boost::json::value* date = obj.if_contains("valueSetDate");
        date != nullptr && date->is_string()) {
      set.date = std::string(date->get_string());
    }
    for (const auto& kv : values->get_object()) {
      std::string display;
      if (const boost::json::object* entry = kv.value().if_object()) {
        if (const boost::json::value* d = entry->if_contains("display"); d && d->is_string()) {
          display = std::string(d->get_string());
        }
      }
      set.codes.emplace(std::string(kv.key()), std::move(display));
    }
    out.sets_.emplace(name, std::move(set));
  }
  return out;
}

bool ValueSets::Contains(std::string_view name, std::string_view code) const {
  auto it = sets_.find(name);
  return it != sets_.end() && it->second.codes.find(code) != it->second.codes.end();
}

bool ValueSets::Has(std::string_view name) const { return sets_.find(name) != sets_.end(); }

std::string_view ValueSets::Display(std::string_view name, std::string_view code) const {
  auto it = sets_.find(name);
  if (it == sets_.end()) return {};
  auto c = it->second.codes.find(code);
  return c == it->second.codes.end() ? std::string_view() : std::string_view(c->second);
}

std::string ValueSets::Date(std::string_view name) const {
  auto it = sets_.find(name);
  return it == sets_.end() ? std::string() : it->second.date;
}

}  // namespace vaxreg::certs
