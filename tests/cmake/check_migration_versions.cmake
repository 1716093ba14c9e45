# cmake -DDIR=<migrations> -P check_migration_versions.cmake: himaya_check_migration_versions on DIR.
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/HimayaMigrationVersions.cmake")
himaya_check_migration_versions("${DIR}")
message(STATUS "migration versions of ${DIR}: each common, both dialects' own, or one dialect's alone")
