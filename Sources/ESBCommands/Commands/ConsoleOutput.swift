import BoxCore
import Foundation
import SAMGenerator
import YAML

/// Where a command prints: lines to stdout (results) and stderr (warnings, errors, progress). Tests pass a
/// recorder; the CLI passes `.standard`.
public struct ConsoleOutput: Sendable {
    /// Prints one line of results.
    public var out: @Sendable (String) -> Void
    /// Prints one line of diagnostics.
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// stdout and stderr, flushed per line so progress shows while long steps run.
    public static let standard = ConsoleOutput(
        out: { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) },
        err: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
}

extension ConsoleOutput {
    /// A command's exit code: the body's, or 1 after printing what it threw (a located error as it is,
    /// `PATH:LINE:COLUMN: ...`; anything else after `error: `).
    func exitCode(_ body: () throws -> Int32) -> Int32 {
        do { return try body() } catch { return failed(error) }
    }

    func exitCode(_ body: () async throws -> Int32) async -> Int32 {
        do { return try await body() } catch { return failed(error) }
    }

    private func failed(_ error: any Error) -> Int32 {
        err(error is Diagnostic || error is YAMLError || error is ConfigError ? "\(error)" : "error: \(error)")
        return 1
    }
}
