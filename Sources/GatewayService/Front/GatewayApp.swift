import Posix

/// The `esb-gateway` process (docs/contract.md §3, §9): environment and secrets policy, configuration, the self-signed
/// certificate on first start, the HTTPS server, the metrics listener, SIGHUP reload and SIGTERM drain.
public enum GatewayApp {
    // Linux signal numbers (x86_64 and arm64 agree); spelled out so this module needs no C import.
    static let sigHUP: Int32 = 1
    static let sigINT: Int32 = 2
    static let sigTERM: Int32 = 15

    /// Blocks the signals the gateway handles so they arrive on signalfds. Call first thing in `main`, before
    /// any thread exists, so every thread inherits the mask.
    public static func prepareProcess() {
        Signals.block([sigHUP, sigINT, sigTERM])
        Signals.raiseFileLimit()
    }

    /// Runs the gateway from its environment until SIGTERM/SIGINT and the drain; returns the exit status.
    /// (`--check-config`, `--version` and `--help` are handled before, by `DaemonCommandLine`.)
    public static func run(environment: [String: String]) async -> Int32 {
        await GatewayRuntime.run(environment: environment)
    }
}
