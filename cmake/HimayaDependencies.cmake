# Finds every outside library the suite builds on. Each comes from a Debian package; when one
# is missing the error names the package to install (tools/install-deps installs them all).

function(_himaya_missing what debian_package)
  message(FATAL_ERROR
    "himaya: ${what} was not found. Install the Debian package '${debian_package}' "
    "(or run tools/install-deps as root).")
endfunction()

find_package(Threads REQUIRED)

find_package(absl CONFIG QUIET)
if(NOT absl_FOUND)
  _himaya_missing("Abseil" "libabsl-dev")
endif()

find_package(Protobuf QUIET)
if(NOT Protobuf_FOUND OR NOT Protobuf_PROTOC_EXECUTABLE)
  _himaya_missing("Protobuf (library and protoc)" "libprotobuf-dev protobuf-compiler")
endif()

find_package(gRPC CONFIG QUIET)
if(NOT gRPC_FOUND)
  _himaya_missing("gRPC C++" "libgrpc++-dev")
endif()
find_program(HIMAYA_GRPC_CPP_PLUGIN grpc_cpp_plugin)
if(NOT HIMAYA_GRPC_CPP_PLUGIN)
  _himaya_missing("grpc_cpp_plugin" "protobuf-compiler-grpc")
endif()

find_package(prometheus-cpp CONFIG QUIET)
if(NOT prometheus-cpp_FOUND)
  _himaya_missing("prometheus-cpp" "prometheus-cpp-dev")
endif()

find_package(GTest CONFIG QUIET)
if(NOT GTest_FOUND)
  _himaya_missing("GoogleTest and GoogleMock" "libgtest-dev libgmock-dev")
endif()

find_package(nlohmann_json CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  _himaya_missing("nlohmann-json" "nlohmann-json3-dev")
endif()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  _himaya_missing("pkg-config" "pkgconf")
endif()

pkg_check_modules(RDKAFKA QUIET IMPORTED_TARGET rdkafka++)
if(NOT RDKAFKA_FOUND)
  _himaya_missing("librdkafka (C and C++ API)" "librdkafka-dev")
endif()
if(NOT EXISTS "${RDKAFKA_INCLUDEDIR}/librdkafka/rdkafka_mock.h")
  _himaya_missing("librdkafka's mock cluster header rdkafka_mock.h" "librdkafka-dev")
endif()
pkg_check_modules(RDKAFKA_C QUIET IMPORTED_TARGET rdkafka)

pkg_check_modules(SQLITE3 QUIET IMPORTED_TARGET sqlite3)
if(NOT SQLITE3_FOUND)
  _himaya_missing("SQLite 3" "libsqlite3-dev")
endif()

pkg_check_modules(LIBPQ QUIET IMPORTED_TARGET libpq)
if(NOT LIBPQ_FOUND)
  _himaya_missing("PostgreSQL client library libpq" "libpq-dev")
endif()

find_path(LIBCSV_INCLUDE_DIR csv.h)
find_library(LIBCSV_LIBRARY csv)
if(NOT LIBCSV_INCLUDE_DIR OR NOT LIBCSV_LIBRARY)
  _himaya_missing("libcsv (RFC 4180 push parser)" "libcsv-dev")
endif()
add_library(himaya_libcsv INTERFACE)
target_include_directories(himaya_libcsv INTERFACE "${LIBCSV_INCLUDE_DIR}")
target_link_libraries(himaya_libcsv INTERFACE "${LIBCSV_LIBRARY}")
add_library(LibCsv::LibCsv ALIAS himaya_libcsv)

pkg_check_modules(SODIUM QUIET IMPORTED_TARGET libsodium)
if(NOT SODIUM_FOUND)
  _himaya_missing("libsodium" "libsodium-dev")
endif()

pkg_check_modules(LIBCBOR QUIET IMPORTED_TARGET libcbor)
if(NOT LIBCBOR_FOUND)
  _himaya_missing("libcbor (CBOR, the attestation seal)" "libcbor-dev")
endif()

find_package(ZLIB QUIET)
if(NOT ZLIB_FOUND)
  _himaya_missing("zlib" "zlib1g-dev")
endif()

pkg_check_modules(UTF8PROC QUIET IMPORTED_TARGET libutf8proc)
if(NOT UTF8PROC_FOUND)
  _himaya_missing("utf8proc (Unicode normalisation)" "libutf8proc-dev")
endif()

find_package(OpenSSL QUIET)
if(NOT OPENSSL_FOUND)
  _himaya_missing("OpenSSL (the local stack's certificate authority)" "libssl-dev")
endif()

pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
if(NOT HTTPLIB_FOUND)
  _himaya_missing("cpp-httplib" "libcpp-httplib-dev")
endif()

# promtool checks the Prometheus alert and recording rules in deploy/ (their unit tests).
find_program(HIMAYA_PROMTOOL promtool)
if(NOT HIMAYA_PROMTOOL)
  _himaya_missing("promtool (Prometheus alert rule tests)" "prometheus")
endif()

# python3 with PyYAML runs deploy/test (the alerts' runbook sections, the dashboards' checks).
find_program(HIMAYA_PYTHON3 python3)
if(HIMAYA_PYTHON3)
  execute_process(COMMAND "${HIMAYA_PYTHON3}" -c "import yaml" RESULT_VARIABLE _himaya_python_yaml
                  OUTPUT_QUIET ERROR_QUIET)
endif()
if(NOT HIMAYA_PYTHON3 OR NOT _himaya_python_yaml EQUAL 0)
  _himaya_missing("python3 with PyYAML (deploy/test)" "python3-yaml")
endif()

# A library found by pkg-config as the imported target PkgConfig::<PREFIX>, or the configure
# stops naming the Debian package to install.
function(_himaya_pkg_config prefix module what debian_package)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
  if(NOT ${prefix}_FOUND)
    _himaya_missing("${what}" "${debian_package}")
  endif()
endfunction()

# The registration certificate (libs/attestation): Pango on Cairo's PDF surface, fonts through
# fontconfig, QR codes drawn with libqrencode and read back with poppler and zbar.
_himaya_pkg_config(PANGOCAIRO pangocairo "Pango with Cairo (pangocairo)" "libpango1.0-dev")
_himaya_pkg_config(CAIRO_PDF cairo-pdf "Cairo's PDF surface" "libcairo2-dev")
_himaya_pkg_config(FONTCONFIG fontconfig "fontconfig" "libfontconfig-dev")
_himaya_pkg_config(QRENCODE libqrencode "libqrencode" "libqrencode-dev")
_himaya_pkg_config(POPPLER_CPP poppler-cpp "poppler's C++ API" "libpoppler-cpp-dev")
_himaya_pkg_config(ZBAR zbar "zbar (bar code reader)" "libzbar-dev")

# The gateway's HTTP server (services/gateway, docs/decisions/0009-gateway.md).
_himaya_pkg_config(MICROHTTPD libmicrohttpd "libmicrohttpd" "libmicrohttpd-dev")
