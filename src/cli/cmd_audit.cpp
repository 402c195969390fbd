#include "cli/commands.h"

namespace tg::cli {

void AddAuditCommands(CLI::App& app) {
  (void)app;  // placeholder: this area has no commands yet
}

}  // namespace tg::cli
