#include "registration/src/person_rules.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/utf8.h"
#include "identity/cin.h"
#include "registration/src/reference_data.h"

namespace himaya::registration {
namespace {

// Where the machine-readable part of a violation travels inside an absl::Status.
constexpr absl::string_view kViolationPayload = "type.himaya/registration.FieldViolation";

absl::Status Violation(absl::string_view field, absl::string_view reason, absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
  status.SetPayload(kViolationPayload, absl::Cord(absl::StrCat(field, "\n", reason)));
  return status;
}

}  // namespace

FieldViolation ViolationOf(const absl::Status& status) {
  FieldViolation v;
  auto payload = status.GetPayload(kViolationPayload);
  std::string text = payload ? std::string(*payload) : "record\nINVALID";
  std::pair<std::string, std::string> parts = absl::StrSplit(text, absl::MaxSplits('\n', 1));
  v.field = parts.first;
  v.reason = parts.second;
  absl::string_view message = status.message();
  absl::ConsumePrefix(&message, absl::StrCat(v.field, ": "));
  v.message = std::string(message);
  return v;
}

namespace {

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

}  // namespace

absl::StatusOr<std::string> NormalizeCin(absl::string_view cin) {
  if (absl::StripAsciiWhitespace(cin).empty()) return Violation("cin", "REQUIRED", "is required");
  std::optional<std::string> value = identity::NormalizedCin(cin);
  if (!value) return Violation("cin", "CIN_FORMAT", "must be 1-2 Latin letters then 1-6 digits");
  return *value;
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view phone) {
  absl::string_view p = absl::StripAsciiWhitespace(phone);
  if (p.empty()) return std::string();
  std::string national;  // 9 digits after the country code: 6XXXXXXXX or 7XXXXXXXX
  if (absl::ConsumePrefix(&p, "+212") || absl::ConsumePrefix(&p, "00212")) {
    national = std::string(p);
  } else if (p.size() == 10 && p[0] == '0') {
    national = std::string(p.substr(1));
  } else {
    return Violation("phone", "PHONE_FORMAT", "must be a Moroccan mobile number (06/07...)");
  }
  if (national.size() != 9 || !AllDigits(national) || (national[0] != '6' && national[0] != '7')) {
    return Violation("phone", "PHONE_FORMAT", "must be a Moroccan mobile number (06/07...)");
  }
  return absl::StrCat("+212", national);
}

absl::StatusOr<std::string> NormalizeSex(absl::string_view sex) {
  std::string value = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(sex));
  if (value.empty()) return Violation("sex", "REQUIRED", "is required");
  if (value != "M" && value != "F") return Violation("sex", "SEX_CODE", "must be M or F");
  return value;
}

absl::StatusOr<std::string> NormalizeLanguage(absl::string_view language) {
  std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(language));
  if (value.empty()) return std::string("fr");
  if (value != "fr" && value != "ar") {
    return Violation("preferred_language", "LANGUAGE_CODE", "must be fr or ar");
  }
  return value;
}

absl::StatusOr<absl::CivilDay> ParseBirthDate(absl::string_view date, absl::CivilDay today) {
  absl::string_view d = absl::StripAsciiWhitespace(date);
  if (d.empty()) return Violation("birth_date", "REQUIRED", "is required");
  absl::CivilDay day;
  // ParseCivilTime normalises 2021-02-30 to March: a real date prints back identically.
  if (d.size() != 10 || !absl::ParseCivilTime(d, &day) || absl::FormatCivilTime(day) != d) {
    return Violation("birth_date", "DATE_FORMAT", "must be a real date written YYYY-MM-DD");
  }
  if (day > today) return Violation("birth_date", "DATE_IN_FUTURE", "is in the future");
  if (day < absl::CivilDay(1900, 1, 1)) {
    return Violation("birth_date", "DATE_TOO_OLD", "is before 1900-01-01");
  }
  return day;
}

namespace {

// `text` in Unicode Normalization Form C; nullopt when it is not valid UTF-8.
std::optional<std::string> Nfc(absl::string_view text) {
  utf8proc_uint8_t* composed = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
                   &composed, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (length < 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(composed), static_cast<size_t>(length));
  std::free(composed);
  return out;
}

bool IsArabicBlock(utf8proc_int32_t c) {
  return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF) ||
         (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
}

}  // namespace

absl::StatusOr<std::string> NormalizeLatinName(absl::string_view field, absl::string_view name) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(name);
  if (trimmed.empty()) return Violation(field, "REQUIRED", "is required");
  std::optional<std::string> composed = Nfc(trimmed);
  if (!composed) return Violation(field, "ENCODING", "is not valid UTF-8");
  const std::string value = *std::move(composed);
  const std::optional<size_t> length = core::CountCodePoints(value);
  if (!length) return Violation(field, "ENCODING", "is not valid UTF-8");
  if (*length > 100) return Violation(field, "TOO_LONG", "is longer than 100 characters");
  for (absl::string_view rest = value; !rest.empty();) {
    const core::DecodedCodePoint c = core::DecodeUtf8(rest);
    rest.remove_prefix(c.length);
    if (c.code_point < 0x80) {
      const char ascii = static_cast<char>(c.code_point);
      if (!absl::ascii_isalpha(ascii) && ascii != ' ' && ascii != '-' && ascii != '\'' && ascii != '.') {
        return Violation(field, "NAME_CHARACTERS",
                         "may hold only Latin letters, spaces, hyphens, apostrophes and dots");
      }
    } else if (c.code_point < 0xC0 || c.code_point > 0x27F) {
      // Latin-1 Supplement and Latin Extended-A/B letters are U+00C0..U+027F; anything else
      // (Arabic script is U+0600..U+06FF) belongs in the *_ar columns.
      return Violation(field, "NAME_SCRIPT", "must be written in Latin script");
    }
  }
  return value;
}

absl::StatusOr<std::string> NormalizeArabicName(absl::string_view field, absl::string_view name) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(name);
  if (trimmed.empty()) return std::string();
  std::optional<std::string> composed = Nfc(trimmed);
  if (!composed) return Violation(field, "ENCODING", "is not valid UTF-8");
  if (absl::Status s = CheckLength(field, *composed, kMaxNameChars); !s.ok()) return s;
  bool letter = false;
  for (absl::string_view rest = *composed; !rest.empty();) {
    const core::DecodedCodePoint decoded = core::DecodeUtf8(rest);
    if (!decoded.valid) return Violation(field, "ENCODING", "is not valid UTF-8");
    rest.remove_prefix(decoded.length);
    const utf8proc_int32_t c = static_cast<utf8proc_int32_t>(decoded.code_point);
    if (c == ' ' || c == '-' || c == '\'' || c == '.' || c == 0x200C || c == 0x200D) continue;  // ZWNJ, ZWJ
    if (!IsArabicBlock(c)) return Violation(field, "NAME_SCRIPT", "must be written in Arabic script");
    const utf8proc_category_t category = utf8proc_category(c);
    if (category == UTF8PROC_CATEGORY_LO || category == UTF8PROC_CATEGORY_LM) letter = true;
  }
  if (!letter) return Violation(field, "NAME_SCRIPT", "must hold Arabic letters");
  return *std::move(composed);
}

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max_chars) {
  const std::optional<size_t> length = core::CountCodePoints(value);
  if (!length) return Violation(field, "ENCODING", "is not valid UTF-8");
  if (*length > max_chars) {
    return Violation(field, "TOO_LONG", absl::StrCat("is longer than ", max_chars, " characters"));
  }
  return absl::OkStatus();
}

bool IsPrintable(absl::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7F) return false;
    // U+0080..U+009F, the C1 controls, are 0xC2 0x80..0x9F in UTF-8.
    if (c == 0xC2 && i + 1 < value.size() && static_cast<unsigned char>(value[i + 1]) <= 0x9F) return false;
  }
  return true;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_chars) {
  if (absl::Status s = CheckLength(field, value, max_chars); !s.ok()) return s;
  if (value.find('\0') != absl::string_view::npos) return Violation(field, "NOT_PRINTABLE", "holds a NUL character");
  return absl::OkStatus();
}

absl::Status CheckIdentifier(absl::string_view field, absl::string_view value) {
  if (absl::Status s = CheckLength(field, value, kMaxIdentifierChars); !s.ok()) return s;
  if (!IsPrintable(value)) return Violation(field, "NOT_PRINTABLE", "holds control characters");
  return absl::OkStatus();
}

absl::Status CheckRequiredIdentifier(absl::string_view field, absl::string_view value) {
  if (value.empty()) return Violation(field, "REQUIRED", "is required");
  return CheckIdentifier(field, value);
}

std::string ShortForError(absl::string_view value) {
  constexpr size_t kShown = 64;
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    const core::DecodedCodePoint c = core::DecodeUtf8(value.substr(i));  // a byte that is not UTF-8: U+FFFD
    if (i + c.length > kShown) break;                                    // whole characters only
    if (!c.valid || c.code_point < 0x20 || c.code_point == 0x7F || (c.code_point >= 0x80 && c.code_point <= 0x9F)) {
      out.push_back('?');
    } else {
      out.append(value.data() + i, c.length);
    }
    i += c.length;
  }
  if (i < value.size()) out += "...";
  return out;
}

Validated Validate(const PersonApplication& a, absl::CivilDay today, const ReferenceData& reference) {
  Validated out;
  Person& p = out.person;
  auto take = [&](auto result, auto& into) {
    if (result.ok()) {
      into = *std::move(result);
    } else {
      out.violations.push_back(ViolationOf(result.status()));
    }
  };
  take(NormalizeCin(a.cin), p.cin);
  take(NormalizeLatinName("last_name", a.last_name), p.last_name);
  take(NormalizeLatinName("first_name", a.first_name), p.first_name);
  absl::CivilDay birth;
  take(ParseBirthDate(a.birth_date, today), birth);
  p.birth_date = absl::FormatCivilTime(birth);
  take(NormalizeSex(a.sex), p.sex);
  take(NormalizePhone(a.phone), p.phone);
  take(NormalizeLanguage(a.preferred_language), p.preferred_language);
  p.city = std::string(absl::StripAsciiWhitespace(a.city));
  if (absl::Status s = CheckText("city", p.city, kMaxCityChars); !s.ok()) {
    out.violations.push_back(ViolationOf(s));
    p.city.clear();
  }
  p.program = std::string(absl::StripAsciiWhitespace(a.program));
  const ProgramRules* rules = reference.Program(p.program);
  if (rules == nullptr) {
    out.violations.push_back({"program", "PROGRAM_UNKNOWN", "is not a program of the fund"});
  } else {
    const std::vector<std::string>& allowed = rules->categories;
    p.category = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(a.category));
    if (allowed.empty() && !p.category.empty()) {
      out.violations.push_back(
          {"category", "CATEGORY_NOT_ALLOWED", absl::StrCat("program ", p.program, " has no categories")});
    } else if (!allowed.empty() && p.category.empty()) {
      out.violations.push_back({"category", "REQUIRED", "is required"});
    } else if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), p.category) == allowed.end()) {
      out.violations.push_back(
          {"category", "CATEGORY_UNKNOWN", absl::StrCat("must be one of ", absl::StrJoin(allowed, ", "))});
    }
  }
  return out;
}

std::string DescribeViolations(const std::vector<FieldViolation>& violations) {
  return absl::StrJoin(violations, "; ", [](std::string* out, const FieldViolation& v) {
    absl::StrAppend(out, v.field, ": ", v.message);
  });
}

}  // namespace himaya::registration
