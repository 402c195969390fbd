# Command-level tests for the policy packs: `trustgate policy test DIR` on every jurisdiction
# pack (strict validation against the domain schema, then its scenarios), and strict
# validation alone, so a schema change that breaks a pack names the pack.
file(GLOB TG_POLICY_PACK_MANIFESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/policies/*/pack.json)
foreach(manifest ${TG_POLICY_PACK_MANIFESTS})
  get_filename_component(pack_dir ${manifest} DIRECTORY)
  get_filename_component(pack ${pack_dir} NAME)
  add_test(NAME policy_validate_${pack}
           COMMAND trustgate policy test ${pack_dir} --validate-only)
  add_test(NAME policy_test_${pack}
           COMMAND trustgate policy test ${pack_dir}
                   --offense-codes ${TG_SHARED_DIR}/data/ca-offense-codes.csv)
  set_tests_properties(policy_validate_${pack} policy_test_${pack} PROPERTIES LABELS policy)
endforeach()
add_test(NAME policy_explain_los_angeles_county
         COMMAND trustgate policy explain los-angeles-county --root ${CMAKE_SOURCE_DIR}/policies)
set_tests_properties(policy_explain_los_angeles_county PROPERTIES LABELS policy
  PASS_REGULAR_EXPRESSION "FORBIDS  lac-no-outside-agency-desk")
