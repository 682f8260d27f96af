// Entry point of esb-manager: flags (--check-config, --version, --help) are BoxCore's, shared with the gateway;
// the daemon is ManagerService's.
import BoxCore
import ManagerService
import Posix

// No Foundation in this process: its environment, output and exit come from Posix (docs/performance.md, "Memory").
let environment = Posix.processEnvironment()
switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .manager, environment: environment) {
case .run:
    // Signals blocked first, on the main thread (runDaemon says why).
    exitProcess(runDaemon(prepare: ManagerDaemon.prepareProcess) { await ManagerDaemon.run(environment: environment) })
case .exit(let status, let standardOutput, let standardError):
    try? FileIO.writeAll(1, Array(standardOutput.utf8))
    try? FileIO.writeAll(2, Array(standardError.utf8))
    exitProcess(status)
}
