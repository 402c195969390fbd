# Gateway: builds the independent log verifier (../shared/tools/tlog-verify) into the build
# directory before the gateway's tests, which check every response's audit proof with it.
add_test(NAME gateway_build_tlog_verify
         COMMAND ${TG_SHARED_DIR}/tools/tlog-verify/build.sh ${CMAKE_BINARY_DIR}/tlog-verify)
set_tests_properties(gateway_build_tlog_verify PROPERTIES FIXTURES_SETUP tlog_verify LABELS gateway)
