include(${CMAKE_CURRENT_LIST_DIR}/conformance.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/oracle.cmake OPTIONAL)
