import Foundation
import Posix

/// Where a command prints: lines to stdout (results) and stderr (warnings, errors, progress). Tests pass a
/// recorder; the CLI passes `.standard`.
public struct ConsoleOutput: Sendable {
    /// Prints one line of results.
    public var out: @Sendable (String) -> Void
    /// Prints one line of diagnostics.
    public var err: @Sendable (String) -> Void

    /// An output with the given line printers.
    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// stdout and stderr, flushed per line so progress shows while long steps run.
    public static let standard = ConsoleOutput(
        out: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
        err: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
}

/// The build machine's architecture in Lambda's words.
func hostArchitecture() -> String {
    let machine = Posix.machineHardwareName()
    return machine == "aarch64" || machine == "arm64" ? "arm64" : "x86_64"
}
