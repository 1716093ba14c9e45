#include "registration/src/regions.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace himaya::registration {

std::string RegionOfCity(absl::string_view city) {
  static const auto* const regions = new std::map<std::string, std::string, std::less<>>{
      {"tanger", "Tanger-Tetouan-Al Hoceima"},
      {"tetouan", "Tanger-Tetouan-Al Hoceima"},
      {"al hoceima", "Tanger-Tetouan-Al Hoceima"},
      {"larache", "Tanger-Tetouan-Al Hoceima"},
      {"oujda", "Oriental"},
      {"nador", "Oriental"},
      {"berkane", "Oriental"},
      {"fes", "Fes-Meknes"},
      {"meknes", "Fes-Meknes"},
      {"taza", "Fes-Meknes"},
      {"rabat", "Rabat-Sale-Kenitra"},
      {"sale", "Rabat-Sale-Kenitra"},
      {"kenitra", "Rabat-Sale-Kenitra"},
      {"temara", "Rabat-Sale-Kenitra"},
      {"beni mellal", "Beni Mellal-Khenifra"},
      {"khenifra", "Beni Mellal-Khenifra"},
      {"khouribga", "Beni Mellal-Khenifra"},
      {"casablanca", "Casablanca-Settat"},
      {"mohammedia", "Casablanca-Settat"},
      {"settat", "Casablanca-Settat"},
      {"el jadida", "Casablanca-Settat"},
      {"berrechid", "Casablanca-Settat"},
      {"marrakech", "Marrakech-Safi"},
      {"safi", "Marrakech-Safi"},
      {"essaouira", "Marrakech-Safi"},
      {"errachidia", "Draa-Tafilalet"},
      {"ouarzazate", "Draa-Tafilalet"},
      {"agadir", "Souss-Massa"},
      {"inezgane", "Souss-Massa"},
      {"taroudant", "Souss-Massa"},
      {"tiznit", "Souss-Massa"},
      {"guelmim", "Guelmim-Oued Noun"},
      {"tan-tan", "Guelmim-Oued Noun"},
      {"laayoune", "Laayoune-Sakia El Hamra"},
      {"dakhla", "Dakhla-Oued Ed-Dahab"},
  };
  std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(city));
  // Common accented spellings.
  for (auto [from, to] : {std::pair<const char*, const char*>{"\xc3\xa8", "e"}, {"\xc3\xa9", "e"}}) {
    for (size_t pos; (pos = key.find(from)) != std::string::npos;) key.replace(pos, 2, to);
  }
  auto it = regions->find(key);
  return it == regions->end() ? "" : it->second;
}

}  // namespace himaya::registration
