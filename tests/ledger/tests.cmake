# Ledger command-level tests. The independent verifier (Go x/mod, ../shared/tools/tlog-verify)
# is built once by a fixture; the tests that need it run with TG_TLOG_VERIFY pointing at it
# (in the plain test_ledger run they report themselves skipped).
add_test(NAME ledger_tlog_verify_build
         COMMAND ${TG_SHARED_DIR}/tools/tlog-verify/build.sh ${CMAKE_BINARY_DIR}/tlog-verify)
set_tests_properties(ledger_tlog_verify_build PROPERTIES FIXTURES_SETUP tlog_verify LABELS ledger)

add_test(NAME ledger_tlog_verify COMMAND test_ledger --gtest_filter=LedgerTlogVerify.*:LedgerCrash.*)
set_tests_properties(ledger_tlog_verify PROPERTIES FIXTURES_REQUIRED tlog_verify LABELS ledger TIMEOUT 900
                     ENVIRONMENT TG_TLOG_VERIFY=${CMAKE_BINARY_DIR}/tlog-verify)

add_test(NAME ledger_cli_vectors COMMAND trustgate log vectors ${TG_SHARED_DIR}/conformance/merkle)
set_tests_properties(ledger_cli_vectors PROPERTIES LABELS ledger PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed")

add_test(NAME ledger_cli_end_to_end
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/ledger/cli_end_to_end.sh $<TARGET_FILE:trustgate> ${CMAKE_BINARY_DIR}/tlog-verify)
set_tests_properties(ledger_cli_end_to_end PROPERTIES FIXTURES_REQUIRED tlog_verify LABELS ledger)
