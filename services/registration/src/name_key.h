// A key under which the usual Latin transliterations of one Arabic name coincide, for
// look-alike detection: Mohamed / Mohammed / Muhammad, Youssef / Yousef / Yusuf,
// Abdelkader / Abdul Qadir, Fatima / Fatimah / Fatma, Chakib / Shakib, El Idrissi / Idrissi.
//
// Each name is folded to lower-case ASCII (accents dropped), stripped of the article
// (al, el) and of separators, its digraphs mapped to one letter (ou/oo -> u, ch/sh -> s,
// kh/q/c/ck -> k, gh -> g, dh -> d, th -> t, dj -> j, ph -> f), y/w read as i/u; then vowels
// after the first letter and a final h are dropped and doubled letters collapsed. Last and first
// name keys are sorted, so a swap of the two still matches. Vowels being ignored, some distinct
// names meet (Mohamed, Mahmoud): look-alikes also need the same birth date and sex, and an
// agent decides each one.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace himaya::registration {

// The key of one name (one or more words).
std::string NameSkeleton(absl::string_view name);

// The key of a person: the two skeletons, sorted, joined by '|'.
std::string PersonNameKey(absl::string_view last_name, absl::string_view first_name);

}  // namespace himaya::registration
