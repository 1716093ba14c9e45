# The project's own build functions. Every target is made through one of them, so that
# warnings, include roots and test labels are the same everywhere.
#
#   himaya_cc_library(NAME SRCS ... [DEPS ...] [DIR d] [PRIVATE_HEADERS])
#                                                          -> target himaya_<name>, alias himaya::<name>
#   himaya_cc_binary(NAME SRCS ... [DEPS ...] [OUTPUT n])  -> an executable
#   himaya_service(NAME SRCS ... DEPS ...)                 -> executable himaya-<name>
#   himaya_cc_test(NAME SRCS ... DEPS ... LABELS ...)      -> a GoogleTest binary, each test in CTest
#   himaya_proto_library(NAME PROTOS ... [DEPS ...] [GRPC]) -> generated C++ (and gRPC) code
#   himaya_sql_migrations(TARGET COMPONENT DIR)            -> embeds DIR/{sqlite,postgres}/*.sql
#   himaya_embed_files(TARGET SYMBOL DIR)                  -> embeds every file under DIR, bytes as they are
#   himaya_fuzz_target(NAME SRCS ... DEPS ... [HEADERS_OF targets] CORPUS dir)
#                                                          -> a libFuzzer target (or its corpus replay)
#   himaya_include_probe(NAME HEADER h DEPS ... EXPECT found|missing)
#                                                          -> a CTest test of what a target may include

set(HIMAYA_PROTO_ROOT "${PROJECT_SOURCE_DIR}/protos")
set(HIMAYA_PROTO_OUT "${PROJECT_BINARY_DIR}/protos")
file(MAKE_DIRECTORY "${HIMAYA_PROTO_OUT}")

function(_himaya_common_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
  if(HIMAYA_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Include roots (docs/decisions/0005-layering.md). A header is included by its path under libs/,
# services/ or tools/ ("core/log.h", "registration/src/registrar.h"), and only by targets that
# link the library it belongs to: each library gets an include root of its own in the build
# tree, holding one symbolic link <its path> -> <its source directory>, and nothing else.
set(HIMAYA_INCLUDE_ROOTS "${PROJECT_BINARY_DIR}/include")

function(_himaya_include_root target dir out_var)
  file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${dir}")
  if(NOT rel MATCHES "^(libs|services|tools)/(.+)$")
    message(FATAL_ERROR "${target}: a library's headers live under libs/, services/ or tools/, not ${rel}")
  endif()
  set(root "${HIMAYA_INCLUDE_ROOTS}/${target}")
  set(link "${root}/${CMAKE_MATCH_2}")
  get_filename_component(parent "${link}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  file(CREATE_LINK "${dir}" "${link}" SYMBOLIC)
  set(${out_var} "${root}" PARENT_SCOPE)
endfunction()

# A service's private headers (its src/, test/) are for its own directory: a target elsewhere
# that links himaya::<service>_private or names the service in HEADERS_OF stops the configure.
function(_himaya_check_private_use user)
  foreach(target ${ARGN})
    if(TARGET ${target})
      get_target_property(owner ${target} HIMAYA_PRIVATE_TO)
      if(owner AND NOT owner STREQUAL CMAKE_CURRENT_SOURCE_DIR)
        file(RELATIVE_PATH where "${PROJECT_SOURCE_DIR}" "${owner}")
        message(FATAL_ERROR "${user}: ${target} holds private headers of ${where}; only targets made there may use "
                            "them (docs/decisions/0005-layering.md)")
      endif()
    endif()
  endforeach()
endfunction()

# DIR: the directory whose headers the library exposes (default: the current source directory).
# PRIVATE_HEADERS (a service's library): its headers are private; the service's own main, tests
# and fuzz targets see them by linking himaya::<name>_private (or HEADERS_OF himaya::<name>).
function(himaya_cc_library name)
  cmake_parse_arguments(ARG "PRIVATE_HEADERS" "DIR" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_DIR)
    set(ARG_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  get_filename_component(dir "${ARG_DIR}" ABSOLUTE)
  _himaya_check_private_use(himaya_${name} ${ARG_DEPS})
  add_library(himaya_${name} ${ARG_SRCS})
  add_library(himaya::${name} ALIAS himaya_${name})
  _himaya_include_root(himaya_${name} "${dir}" root)
  set_target_properties(himaya_${name} PROPERTIES HIMAYA_INCLUDE_ROOT "${root}")
  if(ARG_PRIVATE_HEADERS)
    target_include_directories(himaya_${name} PRIVATE "${root}")
    set_target_properties(himaya_${name} PROPERTIES HIMAYA_PRIVATE_TO "${CMAKE_CURRENT_SOURCE_DIR}")
    add_library(himaya_${name}_private INTERFACE)
    add_library(himaya::${name}_private ALIAS himaya_${name}_private)
    target_include_directories(himaya_${name}_private INTERFACE "${root}")
    target_link_libraries(himaya_${name}_private INTERFACE himaya_${name})
    set_target_properties(himaya_${name}_private PROPERTIES HIMAYA_PRIVATE_TO "${CMAKE_CURRENT_SOURCE_DIR}")
    set_target_properties(himaya_${name} PROPERTIES HIMAYA_PRIVATE_INTERFACE himaya_${name}_private)
  else()
    target_include_directories(himaya_${name} PUBLIC "${root}")
  endif()
  target_link_libraries(himaya_${name} PUBLIC ${ARG_DEPS})
  _himaya_common_options(himaya_${name})
endfunction()

# Adds a generated header directory to TARGET: public for a library, private (and its _private
# interface's) for a service's.
function(_himaya_generated_includes target dir)
  get_target_property(private_interface ${target} HIMAYA_PRIVATE_INTERFACE)
  if(private_interface)
    target_include_directories(${target} PRIVATE "${dir}")
    target_include_directories(${private_interface} INTERFACE "${dir}")
  else()
    target_include_directories(${target} PUBLIC "${dir}")
  endif()
endfunction()

function(himaya_cc_binary name)
  cmake_parse_arguments(ARG "" "OUTPUT" "SRCS;DEPS" ${ARGN})
  _himaya_check_private_use(${name} ${ARG_DEPS})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _himaya_common_options(${name})
  if(ARG_OUTPUT)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT})
  endif()
  # All executables side by side, so that the CLI finds the services it starts.
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/bin")
endfunction()

function(himaya_service name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  himaya_cc_binary(himaya_${name}_service SRCS ${ARG_SRCS} DEPS ${ARG_DEPS} OUTPUT himaya-${name})
endfunction()

# LABELS: unit, integration or e2e. Tests find the suite's executables through HIMAYA_BIN_DIR.
# WHOLE runs the binary as one CTest test (for suites that share an expensive fixture, such as a
# PostgreSQL server, across their cases); otherwise each case is a CTest test of its own.
function(himaya_cc_test name)
  cmake_parse_arguments(ARG "WHOLE" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  _himaya_check_private_use(${name} ${ARG_DEPS})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock_main)
  _himaya_common_options(${name})
  set(env "HIMAYA_BIN_DIR=${PROJECT_BINARY_DIR}/bin")
  if(ARG_WHOLE)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
      LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${env}")
  else()
    gtest_discover_tests(${name}
      DISCOVERY_MODE PRE_TEST
      PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${env}")
  endif()
endfunction()

function(himaya_proto_library name)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS;DEPS" ${ARGN})
  add_library(himaya_${name} ${ARG_PROTOS})
  add_library(himaya::${name} ALIAS himaya_${name})
  target_include_directories(himaya_${name} PUBLIC "${HIMAYA_PROTO_OUT}")
  target_link_libraries(himaya_${name} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  protobuf_generate(TARGET himaya_${name} LANGUAGE cpp
    IMPORT_DIRS "${HIMAYA_PROTO_ROOT}" PROTOC_OUT_DIR "${HIMAYA_PROTO_OUT}")
  if(ARG_GRPC)
    target_link_libraries(himaya_${name} PUBLIC gRPC::grpc++)
    protobuf_generate(TARGET himaya_${name} LANGUAGE grpc
      GENERATE_EXTENSIONS .grpc.pb.h .grpc.pb.cc
      PLUGIN "protoc-gen-grpc=${HIMAYA_GRPC_CPP_PLUGIN}"
      IMPORT_DIRS "${HIMAYA_PROTO_ROOT}" PROTOC_OUT_DIR "${HIMAYA_PROTO_OUT}")
  endif()
endfunction()

# Embeds the versioned SQL migrations of one component (a service, or a shared library that
# owns tables such as the outbox) into TARGET as the function
#   himaya::storage::MigrationSet <COMPONENT>Migrations(himaya::storage::Dialect)
# declared by the generated header "<component>_migrations.h". Files are named
# NNNN_description.sql under DIR/sqlite and DIR/postgres, or under DIR/common when the SQL is
# the same in both dialects (a dialect's file of the same number replaces the common one).
# Writes CONTENT to PATH only when it differs, so that reconfiguring does not force a rebuild.
include("${CMAKE_CURRENT_LIST_DIR}/HimayaMigrationVersions.cmake")

function(_himaya_write_if_changed path content)
  file(WRITE "${path}.tmp" "${content}")
  configure_file("${path}.tmp" "${path}" COPYONLY)
endfunction()

function(himaya_sql_migrations target)
  cmake_parse_arguments(ARG "" "COMPONENT;DIR;FUNCTION" "" ${ARGN})
  set(out_dir "${PROJECT_BINARY_DIR}/migrations/${ARG_COMPONENT}")
  set(body "")
  file(GLOB common CONFIGURE_DEPENDS "${ARG_DIR}/common/*.sql")
  himaya_check_migration_versions("${ARG_DIR}")
  foreach(dialect sqlite postgres)
    # A dialect's own file replaces the common file of the same version (both dialects', above).
    file(GLOB own CONFIGURE_DEPENDS "${ARG_DIR}/${dialect}/*.sql")
    set(files ${own})
    foreach(c ${common})
      get_filename_component(cname "${c}" NAME)
      string(REGEX MATCH "^[0-9]+" cversion "${cname}")
      set(overridden FALSE)
      foreach(o ${own})
        get_filename_component(oname "${o}" NAME)
        string(REGEX MATCH "^[0-9]+" oversion "${oname}")
        if(oversion STREQUAL cversion)
          set(overridden TRUE)
        endif()
      endforeach()
      if(NOT overridden)
        list(APPEND files "${c}")
      endif()
    endforeach()
    list(SORT files COMPARE FILE_BASENAME)
    set(entries "")
    foreach(f ${files})
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
      get_filename_component(base "${f}" NAME_WE)
      string(REGEX MATCH "^([0-9]+)_(.+)$" _ "${base}")
      if(NOT CMAKE_MATCH_1)
        message(FATAL_ERROR "migration ${f}: name must be NNNN_description.sql")
      endif()
      math(EXPR version "${CMAKE_MATCH_1}")
      file(READ "${f}" sql)
      string(APPEND entries "      {${version}, \"${CMAKE_MATCH_2}\", R\"himaya_sql(${sql})himaya_sql\"},\n")
    endforeach()
    string(APPEND body "  if (dialect == Dialect::k${dialect}) {\n    return MigrationSet{\"${ARG_COMPONENT}\", {\n${entries}    }};\n  }\n")
  endforeach()
  string(REPLACE "Dialect::ksqlite" "Dialect::kSqlite" body "${body}")
  string(REPLACE "Dialect::kpostgres" "Dialect::kPostgres" body "${body}")
  _himaya_write_if_changed("${out_dir}/${ARG_COMPONENT}_migrations.h"
"// Generated by himaya_sql_migrations from ${ARG_DIR}; do not edit.
#pragma once
#include \"storage/migrations.h\"
namespace himaya::storage {
MigrationSet ${ARG_FUNCTION}(Dialect dialect);
}  // namespace himaya::storage
")
  _himaya_write_if_changed("${out_dir}/${ARG_COMPONENT}_migrations.cc"
"// Generated by himaya_sql_migrations from ${ARG_DIR}; do not edit.
#include \"${ARG_COMPONENT}_migrations.h\"
namespace himaya::storage {
MigrationSet ${ARG_FUNCTION}(Dialect dialect) {
${body}  return MigrationSet{\"${ARG_COMPONENT}\", {}};
}
}  // namespace himaya::storage
")
  target_sources(${target} PRIVATE "${out_dir}/${ARG_COMPONENT}_migrations.cc")
  _himaya_generated_includes(${target} "${out_dir}")
endfunction()

# Embeds the text of FILE into TARGET as `const char* <SYMBOL>()` in namespace himaya, declared
# by the generated header "<SYMBOL>.h" (reference data shipped with a service).
function(himaya_embed_text target)
  cmake_parse_arguments(ARG "" "SYMBOL;FILE" "" ${ARGN})
  set(out_dir "${PROJECT_BINARY_DIR}/embedded/${target}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ARG_FILE}")
  file(READ "${ARG_FILE}" text)
  _himaya_write_if_changed("${out_dir}/${ARG_SYMBOL}.h"
"// Generated by himaya_embed_text from ${ARG_FILE}; do not edit.
#pragma once
namespace himaya {
const char* ${ARG_SYMBOL}();
}  // namespace himaya
")
  _himaya_write_if_changed("${out_dir}/${ARG_SYMBOL}.cc"
"// Generated by himaya_embed_text from ${ARG_FILE}; do not edit.
#include \"${ARG_SYMBOL}.h\"
namespace himaya {
const char* ${ARG_SYMBOL}() {
  return R\"himaya_text(${text})himaya_text\";
}
}  // namespace himaya
")
  target_sources(${target} PRIVATE "${out_dir}/${ARG_SYMBOL}.cc")
  _himaya_generated_includes(${target} "${out_dir}")
endfunction()

# Embeds every file under DIR into TARGET, bytes as they are (the portal's pages, scripts, styles
# and images), as `const std::vector<EmbeddedFile>& <SYMBOL>()` in namespace himaya, declared by
# the generated header "<SYMBOL>.h": each file's path relative to DIR ('/'-separated), bytes and
# SHA-256 (hex), sorted by path. A file added, removed or changed reconfigures the build.
function(himaya_embed_files target)
  cmake_parse_arguments(ARG "" "SYMBOL;DIR" "" ${ARGN})
  set(out_dir "${PROJECT_BINARY_DIR}/embedded/${target}")
  file(GLOB_RECURSE files LIST_DIRECTORIES false CONFIGURE_DEPENDS "${ARG_DIR}/*")
  list(SORT files)
  set(arrays "")
  set(entries "")
  set(n 0)
  foreach(f ${files})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${f}")
    file(RELATIVE_PATH path "${ARG_DIR}" "${f}")
    file(SIZE "${f}" size)
    file(SHA256 "${f}" sha256)
    file(READ "${f}" hex HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    # 0 closes every array, so that an empty file is an array too.
    string(APPEND arrays "const unsigned char kFile${n}[] = {${bytes}0};\n")
    string(APPEND entries "      {\"${path}\", kFile${n}, ${size}, \"${sha256}\"},\n")
    math(EXPR n "${n} + 1")
  endforeach()
  _himaya_write_if_changed("${out_dir}/${ARG_SYMBOL}.h"
"// Generated by himaya_embed_files from ${ARG_DIR}; do not edit.
#pragma once
#include <cstddef>
#include <vector>
namespace himaya {
#ifndef HIMAYA_EMBEDDED_FILE
#define HIMAYA_EMBEDDED_FILE
// A file embedded by himaya_embed_files.
struct EmbeddedFile {
  const char* path;
  const unsigned char* data;
  std::size_t size;
  const char* sha256;
};
#endif
const std::vector<EmbeddedFile>& ${ARG_SYMBOL}();
}  // namespace himaya
")
  _himaya_write_if_changed("${out_dir}/${ARG_SYMBOL}.cc"
"// Generated by himaya_embed_files from ${ARG_DIR}; do not edit.
#include \"${ARG_SYMBOL}.h\"
namespace himaya {
namespace {
${arrays}}  // namespace
const std::vector<EmbeddedFile>& ${ARG_SYMBOL}() {
  static const std::vector<EmbeddedFile> files = {
${entries}  };
  return files;
}
}  // namespace himaya
")
  target_sources(${target} PRIVATE "${out_dir}/${ARG_SYMBOL}.cc")
  _himaya_generated_includes(${target} "${out_dir}")
endfunction()

# A fuzz target: SRCS define LLVMFuzzerTestOneInput; CORPUS is its checked-in corpus directory.
# With HIMAYA_FUZZ (the `fuzz` preset: clang, ASan and UBSan) it is a libFuzzer binary, built by
# the `fuzz` target, and its CTest test (label fuzz) fuzzes for HIMAYA_FUZZ_SECONDS, starting
# from CORPUS (new inputs go to a directory of the build tree, crashing ones beside it); any
# crash, sanitizer report, timeout or out-of-memory fails the test. Otherwise (gcc) it is linked
# with a driver that runs every file of CORPUS once, as a unit test, so that the corpus (the
# crashes found so far among it) is replayed by every build.
set(HIMAYA_FUZZ_SECONDS 15 CACHE STRING "How long each fuzz test fuzzes (fuzz preset)")
# HEADERS_OF: the himaya libraries whose headers (and generated headers) SRCS include without
# linking the library (the sources are compiled into the target instead).
function(himaya_fuzz_target name)
  cmake_parse_arguments(ARG "" "CORPUS" "SRCS;DEPS;HEADERS_OF" ${ARGN})
  _himaya_check_private_use(${name} ${ARG_DEPS} ${ARG_HEADERS_OF})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  foreach(library ${ARG_HEADERS_OF})
    get_target_property(root ${library} HIMAYA_INCLUDE_ROOT)
    target_include_directories(${name} PRIVATE "${root}")
    get_target_property(private_interface ${library} HIMAYA_PRIVATE_INTERFACE)
    if(private_interface)
      target_include_directories(${name} PRIVATE
        $<TARGET_PROPERTY:${private_interface},INTERFACE_INCLUDE_DIRECTORIES>)
    else()
      target_include_directories(${name} PRIVATE $<TARGET_PROPERTY:${library},INTERFACE_INCLUDE_DIRECTORIES>)
    endif()
  endforeach()
  _himaya_common_options(${name})
  if(HIMAYA_FUZZ)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    if(NOT TARGET fuzz)
      add_custom_target(fuzz)
    endif()
    add_dependencies(fuzz ${name})
    set(work "${CMAKE_CURRENT_BINARY_DIR}/fuzz/${name}")
    file(MAKE_DIRECTORY "${work}/corpus")
    add_test(NAME ${name} COMMAND ${name} -max_total_time=${HIMAYA_FUZZ_SECONDS} -timeout=10
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=${work}/
      "${work}/corpus" "${ARG_CORPUS}")
    set_tests_properties(${name} PROPERTIES LABELS fuzz
      TIMEOUT ${HIMAYA_FUZZ_SECONDS}0 ENVIRONMENT "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
  else()
    target_sources(${name} PRIVATE "${PROJECT_SOURCE_DIR}/cmake/fuzz_replay_main.cc")
    add_test(NAME ${name} COMMAND ${name} "${ARG_CORPUS}")
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120)
  endif()
endfunction()

# A check of the layering rule, run by CTest (label unit): a probe that includes HEADER
# ("events/outbox.h") from a target linking DEPS is compiled by `cmake --build` of this build
# tree. EXPECT missing: the test passes only when the compiler says the header is not found
# (any other outcome, a successful build or another error, fails it); EXPECT found: the probe
# must compile. HEADER must exist under libs/, services/ or tools/, so that "not found" means
# "not visible". The probe is built only by its test.
function(himaya_include_probe name)
  cmake_parse_arguments(ARG "" "HEADER;EXPECT" "DEPS" ${ARGN})
  if(NOT EXISTS "${PROJECT_SOURCE_DIR}/libs/${ARG_HEADER}" AND
     NOT EXISTS "${PROJECT_SOURCE_DIR}/services/${ARG_HEADER}" AND
     NOT EXISTS "${PROJECT_SOURCE_DIR}/tools/${ARG_HEADER}")
    message(FATAL_ERROR "${name}: ${ARG_HEADER} is no header of libs/, services/ or tools/")
  endif()
  set(source "${CMAKE_CURRENT_BINARY_DIR}/${name}.cc")
  _himaya_write_if_changed("${source}" "// Generated by himaya_include_probe; do not edit.\n#include \"${ARG_HEADER}\"\n")
  add_library(${name} OBJECT EXCLUDE_FROM_ALL "${source}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _himaya_common_options(${name})
  add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" --build "${PROJECT_BINARY_DIR}" --target ${name})
  # Two builds of one tree must not run at once.
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 300 RESOURCE_LOCK himaya_build_tree)
  if(ARG_EXPECT STREQUAL "missing")
    string(REPLACE "." "\\." header_re "${ARG_HEADER}")
    # gcc: "fatal error: h: No such file or directory"; clang: "fatal error: 'h' file not found"
    set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION
      "fatal error: ${header_re}: No such file or directory;fatal error: '${header_re}' file not found")
  elseif(NOT ARG_EXPECT STREQUAL "found")
    message(FATAL_ERROR "${name}: EXPECT found or missing")
  endif()
endfunction()
