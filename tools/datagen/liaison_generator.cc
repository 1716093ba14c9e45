#include "datagen/liaison_generator.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <deque>
#include <fstream>
#include <random>
#include <unordered_set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "core/json_file.h"
#include "liaison/csv_field.h"

namespace himaya::datagen {
namespace {

struct Name {
  const char* latin;
  const char* arabic;
};

// First names (with a usual variant of their transliteration) and family names.
constexpr std::array<std::array<Name, 2>, 28> kMaleNames = {{
    {{{"Abdelaziz", "عبد العزيز"}, {"Abdul Aziz", "عبد العزيز"}}},
    {{{"Jamal", "جمال"}, {"Djamal", "جمال"}}},
    {{{"Noureddine", "نور الدين"}, {"Nour Eddine", "نور الدين"}}},
    {{{"Hamza", "حمزة"}, {"Hamzah", "حمزة"}}},
    {{{"Tarik", "طارق"}, {"Tariq", "طارق"}}},
    {{{"Mehdi", "المهدي"}, {"Mahdi", "المهدي"}}},
    {{{"Anouar", "أنور"}, {"Anwar", "أنور"}}},
    {{{"Zakaria", "زكرياء"}, {"Zakariya", "زكرياء"}}},
    {{{"Soufiane", "سفيان"}, {"Sufyan", "سفيان"}}},
    {{{"Bilal", "بلال"}, {"Belal", "بلال"}}},
    {{{"Ayoub", "أيوب"}, {"Ayyub", "أيوب"}}},
    {{{"Redouane", "رضوان"}, {"Ridwan", "رضوان"}}},
    {{{"Mohamed", "محمد"}, {"Mohammed", "محمد"}}},
    {{{"Youssef", "يوسف"}, {"Yousef", "يوسف"}}},
    {{{"Ahmed", "أحمد"}, {"Ahmad", "أحمد"}}},
    {{{"Abdelkader", "عبد القادر"}, {"Abdul Qadir", "عبد القادر"}}},
    {{{"Hassan", "حسن"}, {"Hasan", "حسن"}}},
    {{{"Omar", "عمر"}, {"Oumar", "عمر"}}},
    {{{"Rachid", "رشيد"}, {"Rashid", "رشيد"}}},
    {{{"Khalid", "خالد"}, {"Khaled", "خالد"}}},
    {{{"Said", "سعيد"}, {"Saeed", "سعيد"}}},
    {{{"Mustapha", "مصطفى"}, {"Mustafa", "مصطفى"}}},
    {{{"Brahim", "ابراهيم"}, {"Brahim", "ابراهيم"}}},
    {{{"Karim", "كريم"}, {"Kareem", "كريم"}}},
    {{{"Hicham", "هشام"}, {"Hisham", "هشام"}}},
    {{{"Abdellah", "عبد الله"}, {"Abdallah", "عبد الله"}}},
    {{{"Driss", "ادريس"}, {"Idriss", "ادريس"}}},
    {{{"Chakib", "شكيب"}, {"Shakib", "شكيب"}}},
}};
constexpr std::array<std::array<Name, 2>, 26> kFemaleNames = {{
    {{{"Nadia", "نادية"}, {"Nadiya", "نادية"}}},      {{{"Houda", "هدى"}, {"Huda", "هدى"}}},
    {{{"Karima", "كريمة"}, {"Kareema", "كريمة"}}},    {{{"Loubna", "لبنى"}, {"Lubna", "لبنى"}}},
    {{{"Ghizlane", "غزلان"}, {"Rhizlane", "غزلان"}}}, {{{"Imane", "إيمان"}, {"Iman", "إيمان"}}},
    {{{"Rajae", "رجاء"}, {"Raja", "رجاء"}}},          {{{"Sanae", "سناء"}, {"Sana", "سناء"}}},
    {{{"Wafae", "وفاء"}, {"Wafa", "وفاء"}}},          {{{"Bouchra", "بشرى"}, {"Bushra", "بشرى"}}},
    {{{"Asmae", "أسماء"}, {"Asma", "أسماء"}}},        {{{"Kaoutar", "كوثر"}, {"Kawtar", "كوثر"}}},
    {{{"Fatima", "فاطمة"}, {"Fatimah", "فاطمة"}}},    {{{"Khadija", "خديجة"}, {"Khadidja", "خديجة"}}},
    {{{"Aicha", "عائشة"}, {"Aisha", "عائشة"}}},       {{{"Zineb", "زينب"}, {"Zaynab", "زينب"}}},
    {{{"Naima", "نعيمة"}, {"Naeema", "نعيمة"}}},      {{{"Meriem", "مريم"}, {"Maryam", "مريم"}}},
    {{{"Amina", "أمينة"}, {"Aminah", "أمينة"}}},      {{{"Hafsa", "حفصة"}, {"Hafsah", "حفصة"}}},
    {{{"Samira", "سميرة"}, {"Sameera", "سميرة"}}},    {{{"Oumaima", "أميمة"}, {"Umaima", "أميمة"}}},
    {{{"Latifa", "لطيفة"}, {"Latifah", "لطيفة"}}},    {{{"Salma", "سلمى"}, {"Selma", "سلمى"}}},
    {{{"Hanane", "حنان"}, {"Hanan", "حنان"}}},        {{{"Soukaina", "سكينة"}, {"Sukaina", "سكينة"}}},
}};
constexpr std::array<std::array<Name, 2>, 40> kFamilyNames = {{
    {{{"Benkirane", "بنكيران"}, {"Ben Kirane", "بنكيران"}}},
    {{{"Lahlou", "لحلو"}, {"Lahlu", "لحلو"}}},
    {{{"Sefrioui", "الصفريوي"}, {"Sefriwi", "الصفريوي"}}},
    {{{"Guessous", "كسوس"}, {"Gassous", "كسوس"}}},
    {{{"Tahiri", "الطاهري"}, {"Taheri", "الطاهري"}}},
    {{{"Mansouri", "المنصوري"}, {"El Mansouri", "المنصوري"}}},
    {{{"Benmoussa", "بنموسى"}, {"Ben Moussa", "بنموسى"}}},
    {{{"Raji", "الراجي"}, {"Radji", "الراجي"}}},
    {{{"Hajji", "الحاجي"}, {"Hadji", "الحاجي"}}},
    {{{"Cherkaoui", "الشرقاوي"}, {"Sharqawi", "الشرقاوي"}}},
    {{{"Belhaj", "بلحاج"}, {"Bel Hadj", "بلحاج"}}},
    {{{"Bakkali", "البقالي"}, {"Baqali", "البقالي"}}},
    {{{"Boukhari", "البخاري"}, {"Bukhari", "البخاري"}}},
    {{{"Jabri", "الجابري"}, {"Djabri", "الجابري"}}},
    {{{"Lamrani", "لمراني"}, {"Lemrani", "لمراني"}}},
    {{{"Zouhair", "زهير"}, {"Zuhair", "زهير"}}},
    {{{"Karimi", "الكريمي"}, {"Kareemi", "الكريمي"}}},
    {{{"Saidi", "السعيدي"}, {"Saeedi", "السعيدي"}}},
    {{{"Filali", "الفيلالي"}, {"El Filali", "الفيلالي"}}},
    {{{"Benali", "بنعلي"}, {"Ben Ali", "بنعلي"}}},
    {{{"Mernissi", "المرنيسي"}, {"Mernisi", "المرنيسي"}}},
    {{{"Yacoubi", "اليعقوبي"}, {"Yaqubi", "اليعقوبي"}}},
    {{{"Hamdaoui", "الحمداوي"}, {"Hamdawi", "الحمداوي"}}},
    {{{"Slaoui", "السلاوي"}, {"Slawi", "السلاوي"}}},
    {{{"Alaoui", "العلوي"}, {"El Alaoui", "العلوي"}}},
    {{{"Idrissi", "الإدريسي"}, {"El Idrissi", "الإدريسي"}}},
    {{{"Bennani", "بناني"}, {"Benani", "بناني"}}},
    {{{"Tazi", "التازي"}, {"Tazi", "التازي"}}},
    {{{"Berrada", "برادة"}, {"Berada", "برادة"}}},
    {{{"Chraibi", "الشرايبي"}, {"Shraibi", "الشرايبي"}}},
    {{{"Fassi", "الفاسي"}, {"El Fassi", "الفاسي"}}},
    {{{"Amrani", "العمراني"}, {"El Amrani", "العمراني"}}},
    {{{"Ouazzani", "الوزاني"}, {"Wazzani", "الوزاني"}}},
    {{{"Benjelloun", "بنجلون"}, {"Ben Jelloun", "بنجلون"}}},
    {{{"Kettani", "الكتاني"}, {"Kattani", "الكتاني"}}},
    {{{"Ziani", "الزياني"}, {"Zayani", "الزياني"}}},
    {{{"Haddad", "الحداد"}, {"Hadad", "الحداد"}}},
    {{{"Bouazza", "بوعزة"}, {"Buazza", "بوعزة"}}},
    {{{"Naciri", "الناصري"}, {"Nasiri", "الناصري"}}},
    {{{"Skalli", "السقلي"}, {"Sqalli", "السقلي"}}},
}};
constexpr std::array<const char*, 14> kCities = {"Casablanca", "Rabat",     "Fes",         "Marrakech", "Tanger",
                                                 "Agadir",     "Meknes",    "Oujda",       "Kenitra",   "Tetouan",
                                                 "Safi",       "El Jadida", "Beni Mellal", "Settat"};
constexpr std::array<const char*, 12> kCinPrefixes = {"A", "B", "BE", "BK", "C", "CD", "D", "EE", "F", "G", "JA", "X"};

const char* DefaultBody(const std::string& program) {
  if (program == "amo-tadamon") return "RAMED";
  if (program == "family-allowances") return "RSU";
  return "MAPMDREF";
}

std::vector<std::string> BodyCategories(const std::string& body) {
  if (body == "MAPMDREF") return {"AGRI"};
  if (body == "DGI") return {"CPU", "MERCHANT", "ARTISAN"};
  if (body == "BAM") return {"AE"};
  if (body == "MS") return {"MED", "PHARM", "DENT", "PARAMED"};
  if (body == "MTL") return {"TAXI"};
  if (body == "ONOTAIRES") return {"NOTARY"};
  return {};
}

// Writes a file and hashes what it writes.
class HashedWriter {
 public:
  explicit HashedWriter(const std::string& path) : out_(path, std::ios::binary | std::ios::trunc) {
    crypto_hash_sha256_init(&sha_);
  }
  bool ok() const { return static_cast<bool>(out_); }
  void Write(const std::string& text) {
    out_ << text;
    crypto_hash_sha256_update(&sha_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  std::string Finish() {
    out_.close();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&sha_, digest);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
  }

 private:
  std::ofstream out_;
  crypto_hash_sha256_state sha_;
};

struct Person {
  std::string cin, last, first, last_ar, first_ar, birth, sex;
  size_t last_index = 0, first_index = 0;
};

class Generator {
 public:
  explicit Generator(const LiaisonOptions& o) : o_(o), rng_(o.seed) {
    absl::ParseCivilTime(o.today, &today_);
    cin_counter_ = (o.seed * 104729) % 400000;
  }

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string NextCin() {
    const uint64_t n = cin_counter_++;
    return absl::StrCat(kCinPrefixes[n % kCinPrefixes.size()], 100000 + (n / kCinPrefixes.size()) % 900000);
  }

  int AgeDays(int min_age, int max_age) {
    return std::uniform_int_distribution<int>(min_age * 365, max_age * 365)(rng_);
  }

  std::string Phone() {
    const uint64_t digits = std::uniform_int_distribution<uint64_t>(10000000, 99999999)(rng_);
    const char mobile = Chance(0.7) ? '6' : '7';
    switch (Pick(4)) {
      case 0:
        return absl::StrCat("0", std::string(1, mobile), digits);
      case 1:
        return absl::StrCat("+212", std::string(1, mobile), digits);
      case 2:
        return absl::StrCat("00212", std::string(1, mobile), digits);
      default:
        return Chance(0.5) ? "" : absl::StrCat("0", std::string(1, mobile), digits);
    }
  }

  // A new person; household members pass their head, whose family name they take as written.
  // Nobody new shares birth date, sex and names with someone generated before: look-alikes
  // come only where they are planted.
  Person NewPerson(const std::string& sex, int min_age, int max_age, const Person* head = nullptr) {
    Person p;
    p.cin = NextCin();
    p.sex = sex;
    p.last_index = head != nullptr ? head->last_index : Pick(kFamilyNames.size());
    const size_t first_names = sex == "M" ? kMaleNames.size() : kFemaleNames.size();
    int age_days = 0;
    for (int attempt = 0;; ++attempt) {
      p.first_index = Pick(first_names);
      age_days = AgeDays(min_age, max_age);
      const uint64_t key =
          ((static_cast<uint64_t>(age_days) * 2 + (sex == "M")) * 64 + p.first_index) * 64 + p.last_index;
      if (taken_.insert(key).second || attempt == 8) break;
    }
    const Name& first = sex == "M" ? kMaleNames[p.first_index][0] : kFemaleNames[p.first_index][0];
    p.first = first.latin;
    p.first_ar = first.arabic;
    p.last = head != nullptr ? head->last : kFamilyNames[p.last_index][0].latin;
    p.last_ar = kFamilyNames[p.last_index][0].arabic;
    p.birth = absl::FormatCivilTime(today_ - age_days);
    return p;
  }

  // The same person as `p` under another CIN, names in their other usual transliteration.
  Person LookAlike(const Person& p) {
    Person q = p;
    q.cin = NextCin();
    q.last = kFamilyNames[p.last_index][1].latin;
    q.first = p.sex == "M" ? kMaleNames[p.first_index][1].latin : kFemaleNames[p.first_index][1].latin;
    return q;
  }

  void Remember(const Person& p) {
    recent_.push_back(p);
    if (recent_.size() > 500) recent_.pop_front();
  }

  const LiaisonOptions& o_;
  std::mt19937_64 rng_;
  absl::CivilDay today_;
  uint64_t cin_counter_;
  std::deque<Person> recent_;  // bounded: duplicates and look-alikes copy recent rows
  // (age in days, sex, first name, family name) of everyone generated: 8 bytes a person.
  std::unordered_set<uint64_t> taken_;
};

}  // namespace

absl::Status WriteManifestFor(const std::string& csv_path, const std::string& manifest_path,
                              const std::string& batch_id, const std::string& liaison_body, const std::string& program,
                              int64_t records) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", csv_path));
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    crypto_hash_sha256_update(&sha, reinterpret_cast<unsigned char*>(buffer.data()), in.gcount());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&sha, digest);
  nlohmann::json manifest = {
      {"batch_id", batch_id},
      {"liaison_body", liaison_body},
      {"record_count", records},
      {"sha256", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)))},
      {"produced_at", "2022-03-01T10:00:00Z"}};
  if (!program.empty()) manifest["program"] = program;
  return core::WriteJsonFile(manifest_path, manifest);
}

absl::StatusOr<GeneratedBatch> GenerateLiaisonBatch(const LiaisonOptions& o) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to start");
  if (o.program != "amo-tns" && o.program != "amo-tadamon" && o.program != "family-allowances") {
    return absl::InvalidArgumentError(absl::StrCat("program: unknown program '", o.program, "'"));
  }
  for (double rate : {o.duplicate_rate, o.invalid_rate, o.lookalike_rate, o.covered_rate}) {
    if (rate < 0 || rate > 1) return absl::InvalidArgumentError("rates: must be between 0 and 1");
  }
  if (o.records < 0) return absl::InvalidArgumentError("records: must not be negative");
  GeneratedBatch out;
  out.liaison_body = o.liaison_body.empty() ? DefaultBody(o.program) : o.liaison_body;
  const bool households = o.program != "amo-tns";
  std::vector<std::string> categories = BodyCategories(out.liaison_body);
  if (!households && categories.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("liaison_body: ", out.liaison_body, " does not send amo-tns"));
  }
  out.batch_id = o.batch_id.empty() ? absl::StrCat(out.liaison_body, "-", o.seed, "-", o.records) : o.batch_id;
  const std::string base = absl::StrCat(o.out_dir, "/", out.batch_id);
  out.csv_path = base + ".csv";
  out.manifest_path = base + ".manifest.json";
  out.coverage_csv_path = base + ".coverage.csv";
  out.coverage_manifest_path = base + ".coverage.manifest.json";

  Generator g(o);
  HashedWriter csv(out.csv_path);
  HashedWriter coverage(out.coverage_csv_path);
  if (!csv.ok() || !coverage.ok()) return absl::UnavailableError(absl::StrCat("cannot write under ", o.out_dir));
  csv.Write(households ? "record_id,cin,last_name,first_name,last_name_ar,first_name_ar,birth_date,sex,"
                         "phone,preferred_language,address,city,household_id,relationship\r\n"
                       : "record_id,cin,last_name,first_name,last_name_ar,first_name_ar,birth_date,sex,"
                         "phone,email,preferred_language,address,city,category,professional_id\r\n");
  coverage.Write("cin,scheme,valid_from,valid_to\n");
  const char* schemes[] = {"CNSS-SALARIED", "CNSS-PENSIONER", "CNOPS", "FAR", "PRIVATE"};

  int64_t household = 0;
  std::vector<std::pair<Person, std::string>> pending_members;  // rest of the current household
  auto write_row = [&](Person p, const std::string& household_id, const std::string& relationship) {
    ++out.rows;
    const std::string record_id = absl::StrFormat("R%09d", out.rows);
    std::string phone = relationship == "CHILD" ? "" : g.Phone();
    if (o.every_phone) phone = absl::StrCat("06", 10000000 + out.rows % 90000000);
    std::string category = categories.empty() ? "" : categories[g.Pick(categories.size())];
    std::string language = !o.language.empty() ? o.language : g.Chance(0.35) ? "ar" : "fr";
    std::string city = kCities[g.Pick(kCities.size())];
    std::string address = g.Chance(0.1) ? absl::StrCat("Douar \"Ait ", p.last, "\", km ", g.Pick(40))
                                        : absl::StrCat(g.Pick(200) + 1, " rue ", p.last);
    std::string cin = p.cin;
    if (relationship == "CHILD" && g.Chance(0.4)) cin.clear();  // young children have no CIN
    if (g.Chance(o.invalid_rate)) {
      switch (g.Pick(5)) {
        case 0:
          cin = absl::StrCat("1", cin);
          break;  // digits first
        case 1:
          p.birth = absl::FormatCivilTime(g.today_ + 400);
          break;  // future
        case 2:
          p.sex = "X";
          break;
        case 3:
          phone = "0522123456";
          break;  // a landline
        default:
          category = households ? category : "PILOT";
          if (households) p.first.clear();
          break;
      }
    } else if (!cin.empty() && g.Chance(o.covered_rate)) {
      coverage.Write(
          absl::StrCat(cin, ",", schemes[g.Pick(5)], ",2015-01-01,", g.Chance(0.8) ? "" : "2030-12-31", "\n"));
      ++out.coverage_rows;
    }
    std::string row = absl::StrCat(record_id, ",", cin, ",", liaison::CsvField(p.last), ",", liaison::CsvField(p.first),
                                   ",", p.last_ar, ",", p.first_ar, ",", p.birth, ",", p.sex, ",", phone, ",");
    if (households) {
      absl::StrAppend(&row, language, ",", liaison::CsvField(address), ",", city, ",", household_id, ",", relationship);
    } else {
      const std::string email = g.Chance(0.2) ? absl::StrCat(record_id, "@example.ma") : "";
      absl::StrAppend(&row, email, ",", language, ",", liaison::CsvField(address), ",", city, ",", category, ",",
                      absl::StrFormat("P%08d", out.rows));
    }
    csv.Write(row + "\r\n");
  };

  while (out.rows < o.records) {
    if (!pending_members.empty()) {
      auto [member, relationship] = pending_members.back();
      pending_members.pop_back();
      write_row(member, absl::StrFormat("H%08d", household), relationship);
      continue;
    }
    Person p;
    if (!g.recent_.empty() && g.Chance(o.duplicate_rate)) {
      p = g.recent_[g.Pick(g.recent_.size())];  // the same person again
    } else if (!g.recent_.empty() && g.Chance(o.lookalike_rate)) {
      p = g.LookAlike(g.recent_[g.Pick(g.recent_.size())]);
    } else {
      p = g.NewPerson(g.Chance(0.6) ? "M" : "F", 18, 80);
      g.Remember(p);
    }
    if (households) {
      ++household;
      const int64_t room = o.records - out.rows - 1;
      if (room > 0 && g.Chance(0.7)) {
        Person spouse = g.NewPerson(p.sex == "M" ? "F" : "M", 18, 75, &p);
        pending_members.emplace_back(spouse, "SPOUSE");
      }
      const int children = static_cast<int>(g.Pick(4));
      for (int c = 0; c < children && static_cast<int64_t>(pending_members.size()) < room; ++c) {
        pending_members.emplace_back(g.NewPerson(g.Chance(0.5) ? "M" : "F", 0, 20, &p), "CHILD");
      }
      write_row(p, absl::StrFormat("H%08d", household), "HEAD");
    } else {
      write_row(p, "", "");
    }
  }
  const std::string sha = csv.Finish();
  const std::string coverage_sha = coverage.Finish();
  nlohmann::json manifest = {{"batch_id", out.batch_id},
                             {"liaison_body", out.liaison_body},
                             {"program", o.program},
                             {"record_count", out.rows},
                             {"sha256", sha},
                             {"produced_at", o.today + "T10:00:00Z"}};
  if (absl::Status s = core::WriteJsonFile(out.manifest_path, manifest); !s.ok()) return s;
  nlohmann::json coverage_manifest = {{"batch_id", out.batch_id + "-COVERAGE"},
                                      {"liaison_body", "CNSS"},
                                      {"record_count", out.coverage_rows},
                                      {"sha256", coverage_sha},
                                      {"produced_at", o.today + "T09:00:00Z"}};
  if (absl::Status s = core::WriteJsonFile(out.coverage_manifest_path, coverage_manifest); !s.ok()) return s;
  return out;
}

LiaisonOptions EveryoneRegisteredOptions(int64_t records, const std::string& out_dir, uint64_t seed) {
  LiaisonOptions options;
  options.records = records;
  options.out_dir = out_dir;
  options.seed = seed;
  options.duplicate_rate = options.invalid_rate = options.lookalike_rate = options.covered_rate = 0;
  options.every_phone = true;
  return options;
}

}  // namespace himaya::datagen
