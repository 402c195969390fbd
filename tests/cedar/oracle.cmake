# Differential test against the official Cedar engine (../shared/tools/cedar-oracle): installs
# the oracle's npm package when missing (allowed in CI), then runs the generated batches
# (test_cedar's CedarOracleDiff). Fails when node or the oracle's npm install is unavailable:
# scripts/install-deps provides node, and a differential test that silently skips proves nothing.
# A longer run: TG_CEDAR_DIFF_BATCHES=5000 ctest -R cedar_oracle_diff
set(TG_CEDAR_ORACLE_DIR ${TG_SHARED_DIR}/tools/cedar-oracle)
if(EXISTS ${TG_CEDAR_ORACLE_DIR}/oracle.mjs)
  add_test(NAME cedar_oracle_diff
           COMMAND sh -c "if ! command -v node >/dev/null 2>&1; then echo 'node is not installed (scripts/install-deps installs it)'; exit 1; fi; \
if [ ! -d '${TG_CEDAR_ORACLE_DIR}/node_modules/@cedar-policy/cedar-wasm' ]; then \
(cd '${TG_CEDAR_ORACLE_DIR}' && npm install --no-audit --no-fund) || { echo 'npm install of the Cedar oracle failed'; exit 1; }; fi; \
exec '$<TARGET_FILE:test_cedar>' --gtest_filter='CedarOracleDiff.*'")
  set_tests_properties(cedar_oracle_diff PROPERTIES LABELS cedar TIMEOUT 900 RUN_SERIAL TRUE)
endif()
