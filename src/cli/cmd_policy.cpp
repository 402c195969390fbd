#include "cli/commands.h"

namespace tg::cli {

void AddPolicyCommands(CLI::App& app) {
  (void)app;  // placeholder until the Cedar engine lands
  // AddPolicyValidateCommands is called on the `policy` subcommand once it exists.
}

}  // namespace tg::cli
