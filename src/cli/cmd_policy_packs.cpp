#include "cli/commands.h"

namespace tg::cli {

void AddPolicyPackCommands(CLI::App& policy) {
  (void)policy;  // placeholder: `policy test` and `policy explain` arrive with the policy packs
}

}  // namespace tg::cli
