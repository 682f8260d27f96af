// Entry point of esb-manager: flags (--check-config, --version, --help) are BoxCore's, shared with the gateway;
// the daemon is ManagerService's.
import BoxCore
import Foundation
import ManagerService

let environment = ProcessInfo.processInfo.environment
switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .manager, environment: environment) {
case .run:
    // Signals blocked first, on the main thread (runDaemon says why).
    exit(runDaemon(prepare: ManagerDaemon.prepareProcess) { await ManagerDaemon.run(environment: environment) })
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
