// Entry point of esb-gateway (docs/contract.md §3, §9). Flag handling (--check-config, --version, --help) lives in
// BoxCore so both daemons share it; the gateway itself lives in GatewayService.
import BoxCore
import Foundation
import GatewayService
import Posix

switch DaemonCommandLine.interpret(
    CommandLine.arguments, daemon: .gateway, environment: ProcessInfo.processInfo.environment)
{
case .run:
    // Two malloc arenas instead of glibc's default of eight per core: a smaller heap after load, idle unchanged
    // (docs/performance.md, "Memory"). Set before any other thread exists.
    Posix.limitMallocArenas(to: 2)
    // Signals blocked first, on the main thread (runDaemon says why).
    let environment = ProcessInfo.processInfo.environment
    exit(runDaemon(prepare: GatewayApp.prepareProcess) { await GatewayApp.run(environment: environment) })
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
