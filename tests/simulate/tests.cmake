# Scores the oversight detectors: `trustgate generate` + `trustgate simulate` (simulated staff
# with injected violations, through a real gateway over HTTP), then `trustgate audit report
# --format json` as an inspector would run it, against DIR/simulation/truth.json; and the
# simulation plan on its own (simulation_plan_test.cpp).
add_executable(test_simulate ${CMAKE_CURRENT_LIST_DIR}/simulate_score_test.cpp
                             ${CMAKE_CURRENT_LIST_DIR}/simulation_plan_test.cpp)
target_link_libraries(test_simulate PRIVATE tg_gateway tg_oversight nlohmann_json::nlohmann_json GTest::gtest GTest::gtest_main)
target_compile_definitions(test_simulate PRIVATE TG_TRUSTGATE_BIN="$<TARGET_FILE:trustgate>")
add_dependencies(test_simulate trustgate)
# One process for the suite: the county and the simulation are made once, in SetUpTestSuite.
add_test(NAME simulate_score COMMAND test_simulate)
set_tests_properties(simulate_score PROPERTIES LABELS simulate TIMEOUT 300)
