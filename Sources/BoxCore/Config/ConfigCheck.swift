/// `--check-config` (docs/contract.md §9): loads what a daemon would load and says whether it would start.
///
/// - Manager: `functions.yml`. Gateway: `functions.yml` and `routing.yml`, plus the cross-check that every route
///   names a function of `functions.yml` (at run time such a request gets `502 Internal server error`; the check
///   makes it an error so it is caught before deployment).
/// - A missing file is not an error (the daemon starts without it) but gets a note.
public enum ConfigCheck {
    /// The outcome of a check.
    public struct Report: Sendable, Equatable {
        /// Problems that would stop the daemon, in file order (first file first).
        public var errors: [ConfigDiagnostic]
        /// Problems that would not (ignored legacy keys).
        public var warnings: [ConfigDiagnostic]
        /// Facts worth saying (a file that does not exist).
        public var notes: [String]

        public init(errors: [ConfigDiagnostic] = [], warnings: [ConfigDiagnostic] = [], notes: [String] = []) {
            self.errors = errors
            self.warnings = warnings
            self.notes = notes
        }

        /// True when the daemon would start.
        public var isOK: Bool { errors.isEmpty }
    }

    /// Checks the files named by `sources` for `daemon`: the gateway's are `functions.yml`, `routing.yml` and
    /// `schedules.yml`, the Manager's `functions.yml` only.
    public static func run(_ daemon: DaemonCommandLine.Daemon, sources: ConfigSources) -> Report {
        var report = Report()
        var functions: FunctionsConfig?
        do {
            functions = try sources.loadFunctions()
            if functions?.isMissingFile == true {
                report.notes.append("\(sources.functionsPath): not found, the daemon would start with no functions")
            }
        } catch {
            report.errors += error.diagnostics
        }
        guard daemon == .gateway else { return report }
        do {
            let routing = try sources.loadRouting()
            report.warnings += routing.warnings
            if routing.isMissingFile {
                report.notes.append("\(sources.routingPath): not found, the gateway would start with no routes")
            }
            if let functions { report.errors += routing.undefinedFunctions(in: functions) }
        } catch {
            report.errors += error.diagnostics
        }
        // schedules.yml is optional (no note when absent); a schedule naming no function would retry for hours.
        do {
            let schedules = try SchedulesConfig.load(path: sources.schedulesPath)
            if let functions { report.errors += schedules.undefinedFunctions(in: functions) }
        } catch {
            report.errors += error.diagnostics
        }
        return report
    }
}
