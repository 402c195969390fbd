// trustgate: the records gateway's one command. Subcommands live in cmd_*.cpp.
#include <iostream>

#include "cli/commands.h"

namespace tg::cli {
void Fail(const std::string& message, int code) {
  std::cerr << "trustgate: " << message << "\n";
  throw CLI::RuntimeError(code);
}
}  // namespace tg::cli

int main(int argc, char** argv) {
  CLI::App app{
      "TrustGate: a records gateway that enforces a jurisdiction's data-sharing policy (Cedar),\n"
      "explains every refusal with its citation, and logs every access in a verifiable\n"
      "Merkle log. Run `trustgate demo` to start a synthetic county; `trustgate COMMAND --help`\n"
      "for each command."};
  app.name("trustgate");
  app.require_subcommand(1);
  app.fallthrough(false);
  tg::cli::AddRecordsCommands(app);
  tg::cli::AddServeCommands(app);
  tg::cli::AddPolicyCommands(app);
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == "policy") tg::cli::AddPolicyPackCommands(*sub);
  }
  tg::cli::AddLogCommands(app);
  tg::cli::AddAuditCommands(app);
  tg::cli::AddSimulateCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    // Every known bad input has its own message; this is a bug, but it ends with one line
    // and an exit code (EX_SOFTWARE) rather than an abort and a core dump.
    std::cerr << "trustgate: unexpected error (a bug: please report it with the command line): " << e.what() << "\n";
    return 70;
  }
  return 0;
}
