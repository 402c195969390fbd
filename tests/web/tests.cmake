# Browser tests of the web pages (docs/web.md): playwright-core (npm, locked in
# tests/web/package-lock.json) drives Debian's chromium headless against a real
# `trustgate demo` on a small synthetic county. Screenshots are kept in the build tree.
# Fails (does not skip) when node or chromium is missing.
add_test(NAME web_portal
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/web/run.sh $<TARGET_FILE:trustgate>
                 ${CMAKE_BINARY_DIR}/tests/web/screenshots)
set_tests_properties(web_portal PROPERTIES LABELS web TIMEOUT 180
                     PASS_REGULAR_EXPRESSION "[1-9][0-9]* passed, 0 failed"
                     FAIL_REGULAR_EXPRESSION "FAIL ")
