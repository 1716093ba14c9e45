# Migration versions under DIR/{common,sqlite,postgres}: each version is common, or both dialects'
# own, or one dialect's alone. A version of one dialect alone (postgres/0004) would otherwise
# silently replace, on that dialect only, a common file given the same number later. Stops the
# configure step naming the file.
function(himaya_check_migration_versions dir)
  file(GLOB common "${dir}/common/*.sql")
  foreach(c ${common})
    get_filename_component(cname "${c}" NAME)
    string(REGEX MATCH "^[0-9]+" cversion "${cname}")
    file(GLOB in_sqlite "${dir}/sqlite/${cversion}_*.sql")
    file(GLOB in_postgres "${dir}/postgres/${cversion}_*.sql")
    if((in_sqlite AND NOT in_postgres) OR (in_postgres AND NOT in_sqlite))
      message(FATAL_ERROR "migration ${c}: version ${cversion} is also one dialect's own; number it anew")
    endif()
  endforeach()
endfunction()
