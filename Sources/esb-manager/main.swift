// Entry point of esb-manager: flags (--check-config, --version, --help) are BoxCore's, shared with the gateway;
// the daemon is ManagerService's.
import BoxCore
import Dispatch
import Foundation
import ManagerService

let environment = ProcessInfo.processInfo.environment
switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .manager, environment: environment) {
case .run:
    // Synchronous on purpose (as esb-gateway's): the signals must be blocked on the main thread before any other
    // thread exists. An async top-level main runs its code on a Dispatch thread and leaves the main thread with
    // SIGTERM unblocked, so SIGTERM killed the process instead of reaching the signalfd and draining.
    ManagerDaemon.prepareProcess()
    let finished = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var status: Int32 = 0
    Task.detached {
        status = await ManagerDaemon.run(environment: environment)
        finished.signal()
    }
    finished.wait()
    exit(status)
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
