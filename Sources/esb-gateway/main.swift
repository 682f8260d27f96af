// Entry point of esb-gateway (docs/contract.md §3, §9). Flag handling (--check-config, --version, --help) lives in
// BoxCore so both daemons share it; the gateway itself lives in GatewayService.
import BoxCore
import GatewayService
import Posix

// No Foundation in this process: its environment, output and exit come from Posix (docs/performance.md, "Memory").
let environment = Posix.processEnvironment()
switch DaemonCommandLine.interpret(CommandLine.arguments, daemon: .gateway, environment: environment) {
case .run:
    // Two malloc arenas instead of glibc's default of eight per core: a smaller heap after load, idle unchanged
    // (docs/performance.md, "Memory"). Set before any other thread exists.
    Posix.limitMallocArenas(to: 2)
    // Signals blocked first, on the main thread (runDaemon says why).
    exitProcess(runDaemon(prepare: GatewayApp.prepareProcess) { await GatewayApp.run(environment: environment) })
case .exit(let status, let standardOutput, let standardError):
    try? FileIO.writeAll(1, Array(standardOutput.utf8))
    try? FileIO.writeAll(2, Array(standardError.utf8))
    exitProcess(status)
}
