/// One function of `functions.yml` with `defaults` applied (docs/contract.md §2.1): what the Manager starts and what
/// the Gateway enforces. Values are final: substitution done, defaults merged, ranges checked.
public struct FunctionConfig: Sendable, Equatable {
    /// The function's name (AWS's rule `[A-Za-z0-9_-]{1,64}`, case kept; `.` also accepted for older configs): also
    /// its container name part and, lower-cased, its default image name.
    public var name: String
    /// Image reference; `<name in lower case>:latest` unless set (Docker image names are lower case).
    public var image: String
    /// The function's environment: `defaults.environment` overlaid by its own (function wins).
    public var environment: [String: String]
    /// Seconds an invocation may run (decimals allowed), > 0.
    public var timeout: Double
    /// Megabytes of memory (container limit), ≥ 128.
    public var memorySize: Int
    /// Most workers at once, ≥ 1.
    public var maxConcurrency: Int
    /// Workers kept warm, 0...maxConcurrency.
    public var minWarm: Int
    /// Invocations one worker may run at once (1 = the RIE's own limit), ≥ 1.
    public var rieConcurrency: Int
    /// Lambda runtime identifier (informational, written by the generator).
    public var runtime: String?
    /// Handler (informational, written by the generator).
    public var handler: String?
    /// `event_max_age`: seconds an asynchronous event may wait and be retried before it is dead (docs/async-invocations.md).
    public var eventMaxAge: Int = FunctionConfig.fallbackEventMaxAge
    /// `event_retry_attempts`: retries of an asynchronous event after a function error (0...2).
    public var eventRetryAttempts: Int = FunctionConfig.fallbackEventRetryAttempts
    /// `on_failure`: the function that receives the failure record of a dead asynchronous event.
    public var onFailure: String?

    /// A function with the box's fallbacks for everything not given.
    public init(
        name: String, image: String? = nil, environment: [String: String] = [:],
        timeout: Double = FunctionConfig.fallbackTimeout, memorySize: Int = FunctionConfig.fallbackMemorySize,
        maxConcurrency: Int = FunctionConfig.fallbackMaxConcurrency, minWarm: Int = FunctionConfig.fallbackMinWarm,
        rieConcurrency: Int = FunctionConfig.fallbackRIEConcurrency, runtime: String? = nil, handler: String? = nil
    ) {
        self.name = name
        self.image = image ?? "\(name.lowercased()):latest"
        self.environment = environment
        self.timeout = timeout
        self.memorySize = memorySize
        self.maxConcurrency = maxConcurrency
        self.minWarm = minWarm
        self.rieConcurrency = rieConcurrency
        self.runtime = runtime
        self.handler = handler
    }

    /// `timeout` when neither the function nor `defaults` sets it: 30 s (the §2.1 example's value, and what the
    /// reference used for every invocation). The generator writes SAM's own default (3 s) explicitly.
    public static let fallbackTimeout: Double = 30
    /// `memory_size` fallback: 128 MB, Lambda's default and minimum.
    public static let fallbackMemorySize = 128
    public static let fallbackMaxConcurrency = 4
    public static let fallbackMinWarm = 0
    /// `rie_concurrency` fallback: 1 (the RIE serves one invocation at a time).
    public static let fallbackRIEConcurrency = 1
    /// `event_max_age` fallback and range: 6 hours, 60...21600 seconds (AWS's).
    public static let fallbackEventMaxAge = 21_600
    public static let eventMaxAgeRange = 60...21_600
    /// `event_retry_attempts` fallback and range: 2, 0...2 (AWS's).
    public static let fallbackEventRetryAttempts = 2
    public static let eventRetryAttemptsRange = 0...2
    /// Smallest `memory_size` accepted (Lambda's minimum).
    public static let minimumMemorySize = 128
    /// Largest `memory_size` accepted (Lambda's maximum, 10 GB).
    public static let maximumMemorySize = 10_240
    /// Largest `timeout` accepted, seconds (Lambda's maximum, 15 minutes).
    public static let maximumTimeout: Double = 900

    /// The environment as `NAME=value` strings sorted by name: deterministic for Docker and for config hashes.
    public var environmentList: [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// What in this entry makes its workers differ from another entry's: the image, memory, timeout,
    /// `rie_concurrency` and environment, as one canonical text. The project's one definition (docs/configuration.md,
    /// "When workers are replaced"): the gateway's pools retire their workers when it changes, and the Manager's
    /// config hash is taken over it plus what only the Manager knows (image id, network, address mode, the box's
    /// environment).
    public var workerDefinition: String {
        var text = "image=\(image)\nmemory_size=\(memorySize)\ntimeout=\(timeout)\nrie_concurrency=\(rieConcurrency)\n"
        for entry in environmentList { text += "env=\(entry.utf8.count):\(entry)\n" }
        return text
    }

    /// True when `name` follows AWS's rule, `[A-Za-z0-9_-]{1,64}` (case-sensitive), or also holds `.` as older
    /// configurations did (but is not `.` or `..`).
    public static func isValidName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...64).contains(bytes.count), name != ".", name != ".." else { return false }
        return bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// The rule of `isValidName`, as error messages say it.
    public static let nameRule = "use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)"

    /// True when `name` is a usable environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
    public static func isValidEnvironmentName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
}
