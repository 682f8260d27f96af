// Entry point of esb-gateway (docs/contract.md §3, §9). Flag handling (--check-config, --version, --help) lives in
// BoxCore so both daemons share it; the gateway itself lives in GatewayService.
import BoxCore
import Dispatch
import Foundation
import GatewayService
import Posix
import Synchronization

switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .gateway, environment: ProcessInfo.processInfo.environment) {
case .run:
    // Two malloc arenas instead of glibc's default of eight per core: a smaller heap after load, idle unchanged
    // (docs/performance.md, "Memory"). Set before any other thread exists.
    Posix.limitMallocArenas(to: 2)
    // Synchronous on purpose: the signal mask must be set on the main thread before any other thread exists
    // (an async top-level main would run this on a pool thread and leave the main thread open to SIGTERM).
    GatewayApp.prepareProcess()
    let environment = ProcessInfo.processInfo.environment
    let finished = DispatchSemaphore(value: 0)
    let status = Atomic<Int32>(0)
    Task.detached {
        status.store(await GatewayApp.run(environment: environment), ordering: .releasing)
        finished.signal()
    }
    finished.wait()
    exit(status.load(ordering: .acquiring))
case .exit(let status, let standardOutput, let standardError):
    FileHandle.standardOutput.write(Data(standardOutput.utf8))
    FileHandle.standardError.write(Data(standardError.utf8))
    exit(status)
}
