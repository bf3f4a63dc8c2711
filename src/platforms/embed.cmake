# Embeds every lib/platforms/*.exo into exo_platforms, so the C++ API loads the
# hardware libraries without locating files at run time. Editing or adding a
# .exo file re-runs the configure step.
file(GLOB _exo_platform_libs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/lib/platforms/*.exo)
set(EXO_PLATFORM_LIBRARY_ENTRIES "")
foreach(_lib ${_exo_platform_libs})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_lib})
  get_filename_component(_name ${_lib} NAME_WE)
  file(READ ${_lib} _text)
  string(APPEND EXO_PLATFORM_LIBRARY_ENTRIES
         "      {\"${_name}\", R\"exo_library(${_text})exo_library\"},\n")
endforeach()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/src/platforms/library_sources.cpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/library_sources.cpp @ONLY)
target_sources(exo_platforms PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated/library_sources.cpp)
