# The Cedar conformance corpus (../shared/conformance/cedar), unpacked into the build folder by
# a fixture test, then run through `trustgate policy conformance` exactly as the reference
# harness judges it: the generated corpus and the handwritten tests must pass completely.
set(TG_CEDAR_CORPUS_ARCHIVE ${TG_SHARED_DIR}/conformance/cedar/cedar-corpus-dev.tar.gz)
set(TG_CEDAR_CORPUS_DIR ${CMAKE_BINARY_DIR}/cedar-corpus)

if(EXISTS ${TG_CEDAR_CORPUS_ARCHIVE})
  add_test(NAME cedar_corpus_unpack
           COMMAND ${CMAKE_COMMAND} -DARCHIVE=${TG_CEDAR_CORPUS_ARCHIVE} -DDEST=${TG_CEDAR_CORPUS_DIR}
                   -P ${CMAKE_CURRENT_LIST_DIR}/conformance_unpack.cmake)
  set_tests_properties(cedar_corpus_unpack PROPERTIES FIXTURES_SETUP cedar_corpus LABELS cedar)

  add_test(NAME cedar_conformance_generated
           COMMAND trustgate policy conformance ${TG_CEDAR_CORPUS_DIR} corpus-tests
                   --skip-list ${TG_SHARED_DIR}/conformance/cedar/multi-argument-extension-tests.txt)
  add_test(NAME cedar_conformance_handwritten
           COMMAND trustgate policy conformance ${TG_CEDAR_CORPUS_DIR} tests)
  set_tests_properties(cedar_conformance_generated cedar_conformance_handwritten PROPERTIES
                       FIXTURES_REQUIRED cedar_corpus LABELS cedar TIMEOUT 600
                       PASS_REGULAR_EXPRESSION " passed, 0 failed"
                       FAIL_REGULAR_EXPRESSION "FAIL ")

  # The corpus read through the engine's API (not the command), after the fixture unpacked it;
  # excluded from test_cedar's discovery (TG_CEDAR_EXCLUDE) so it never races the unpacking.
  add_test(NAME cedar_corpus_api COMMAND test_cedar --gtest_filter=CedarCorpus.*
           WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  set_tests_properties(cedar_corpus_api PROPERTIES FIXTURES_REQUIRED cedar_corpus LABELS cedar
                       FAIL_REGULAR_EXPRESSION "SKIPPED")

  # `policy validate` names file:line:col and exits non-zero on an invalid policy.
  add_test(NAME cedar_validate_reports_location
           COMMAND trustgate policy validate
                   --schema ${CMAKE_CURRENT_LIST_DIR}/conformance_data/photos.cedarschema
                   ${CMAKE_CURRENT_LIST_DIR}/conformance_data/invalid.cedar)
  set_tests_properties(cedar_validate_reports_location PROPERTIES LABELS cedar WILL_FAIL TRUE)
  add_test(NAME cedar_validate_message
           COMMAND trustgate policy validate
                   --schema ${CMAKE_CURRENT_LIST_DIR}/conformance_data/photos.cedarschema
                   ${CMAKE_CURRENT_LIST_DIR}/conformance_data/invalid.cedar)
  set_tests_properties(cedar_validate_message PROPERTIES LABELS cedar
                       PASS_REGULAR_EXPRESSION "invalid\\.cedar:4:[0-9]+: policy policy0: attribute \"size\" not found")
  add_test(NAME cedar_validate_ok
           COMMAND trustgate policy validate
                   --schema ${CMAKE_CURRENT_LIST_DIR}/conformance_data/photos.cedarschema
                   ${CMAKE_CURRENT_LIST_DIR}/conformance_data/valid.cedar)
  set_tests_properties(cedar_validate_ok PROPERTIES LABELS cedar)
endif()
