# find_package(Exo): the Python front end's compiler, for CMake projects that
# generate C from Exo sources (the names and behaviour of exo-lang's package).
#
#   find_package(Exo REQUIRED)
#   add_exo_library(NAME kernels SOURCES kernels.py [PYTHONPATH dir...])
#   target_link_libraries(app PRIVATE kernels)      # or ${PROJECT_NAME}::kernels
#
# Exo::compiler is the `exocc` program (found on PATH, next to this package's
# prefix, or at Exo_EXECUTABLE). add_exo_library runs it on the sources into
# <build>/<NAME>.exo/<NAME>.{c,h}, reruns it when a source or anything it
# imported changes (exocc's depfile), and makes a library of the C with the
# header directory on its public include path.
cmake_minimum_required(VERSION 3.22)

get_filename_component(_exo_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
find_program(Exo_EXECUTABLE exocc HINTS "${_exo_prefix}/bin")
mark_as_advanced(Exo_EXECUTABLE)
if(NOT Exo_EXECUTABLE)
  set(Exo_FOUND FALSE)
  set(Exo_NOT_FOUND_MESSAGE "exocc was not found (install the Python front end or set Exo_EXECUTABLE)")
  return()
endif()

if(NOT TARGET Exo::compiler)
  add_executable(Exo::compiler IMPORTED)
  set_target_properties(Exo::compiler PROPERTIES IMPORTED_LOCATION "${Exo_EXECUTABLE}")
endif()

function(add_exo_library)
  cmake_parse_arguments(PARSE_ARGV 0 EXO "" "NAME" "SOURCES;PYTHONPATH")
  if(NOT EXO_NAME OR NOT EXO_SOURCES)
    message(FATAL_ERROR "add_exo_library: NAME and SOURCES are required")
  endif()
  set(sources "")
  foreach(src IN LISTS EXO_SOURCES)
    cmake_path(ABSOLUTE_PATH src BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND sources "${src}")
  endforeach()
  # Extra module directories for the sources' imports, appended to PYTHONPATH.
  set(env "")
  foreach(dir IN LISTS EXO_PYTHONPATH)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND env "--modify" "PYTHONPATH=path_list_append:${dir}")
  endforeach()
  set(outdir "${EXO_NAME}.exo")
  set(outputs "${outdir}/${EXO_NAME}.c" "${outdir}/${EXO_NAME}.h")
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E env ${env} -- $<TARGET_FILE:Exo::compiler>
            -o "${outdir}" --stem "${EXO_NAME}" ${sources}
    DEPENDS ${sources}
    DEPFILE "${outdir}/${EXO_NAME}.d"
    COMMENT "exocc: ${EXO_NAME}"
    VERBATIM)
  list(TRANSFORM outputs PREPEND "${CMAKE_CURRENT_BINARY_DIR}/")
  add_library(${EXO_NAME} ${outputs})
  add_library(${PROJECT_NAME}::${EXO_NAME} ALIAS ${EXO_NAME})
  target_include_directories(${EXO_NAME} PUBLIC "$<BUILD_INTERFACE:${CMAKE_CURRENT_BINARY_DIR}/${outdir}>")
  # par loops run on POSIX threads (docs/primitives.md).
  find_package(Threads REQUIRED)
  target_link_libraries(${EXO_NAME} PUBLIC Threads::Threads)
endfunction()

set(Exo_FOUND TRUE)
