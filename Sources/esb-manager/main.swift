// Entry point of esb-manager. Flag handling (--check-config, --version, --help) lives in BoxCore so both daemons
// share it; the daemon itself is not wired here yet.
import BoxCore
import Foundation

switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .manager, environment: ProcessInfo.processInfo.environment) {
case .run:
    print("esb-manager: not built yet")
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
