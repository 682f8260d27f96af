// Entry point of esb-manager: flags (--check-config, --version, --help) are BoxCore's, shared with the gateway;
// the daemon is ManagerService's.
import BoxCore
import Foundation
import ManagerService

let environment = ProcessInfo.processInfo.environment
switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .manager, environment: environment) {
case .run:
    // Before the first `await`, on the main thread: no other thread exists yet, so all inherit the blocked mask.
    ManagerDaemon.prepareProcess()
    exit(await ManagerDaemon.run(environment: environment))
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
