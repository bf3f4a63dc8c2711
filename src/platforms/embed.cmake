# Embeds lib/platforms/x86.exo into exo_platforms, so the C++ API loads the
# instruction library without locating files at run time. Editing the .exo
# file re-runs the configure step.
set(_x86_exo ${CMAKE_CURRENT_SOURCE_DIR}/lib/platforms/x86.exo)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_x86_exo})
file(READ ${_x86_exo} EXO_X86_LIBRARY_TEXT)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/src/platforms/x86_source.cpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/generated/x86_source.cpp @ONLY)
target_sources(exo_platforms PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated/x86_source.cpp)
