/// docs/contract.md §3.1 secrets policy: missing or development secrets warn loudly (refused with `ESB_ENV=production`),
/// a missing `JWT_SECRET_KEY` becomes a random key for this run, a key under 32 bytes is always refused.
public struct SecretsPolicy: Sendable {
    /// The development values of the repository's `.env.example` (a test checks that the file agrees).
    public static let developmentValues: [String: String] = [
        "JWT_SECRET_KEY": "dev-jwt-secret-change-me-in-production-0123456789",
        "X_API_KEY": "dev-api-key-change-in-production",
        "AUTH_PASS": "dev-password-change-in-production",
        "MANAGER_TOKEN": "dev-manager-token-change-in-production",
        "INVOKE_SECRET_ACCESS_KEY": "esbadmin-secret",
    ]

    /// The smallest HS256 key the gateway accepts, in bytes.
    public static let minimumJWTKeyBytes = 32

    /// What the policy decided.
    public struct Decision: Sendable {
        /// The HS256 key to use.
        public var jwtKey: [UInt8]
        /// True when `jwtKey` was generated for this run (tokens die with the process).
        public var jwtKeyGenerated: Bool
        /// Loud warnings to log at start-up, one line each.
        public var warnings: [String]
    }

    /// Applies the policy; throws the reason the gateway refuses to start.
    /// - Parameter randomKey: source of a fresh key when `JWT_SECRET_KEY` is missing.
    public static func evaluate(
        _ env: GatewayEnvironment, randomKey: () -> [UInt8]
    ) throws(GatewayEnvironmentError) -> Decision {
        var warnings: [String] = []
        var problems: [String] = []
        let given: [(String, String?)] = [
            ("JWT_SECRET_KEY", env.jwtSecretKey), ("X_API_KEY", env.apiKey),
            ("AUTH_PASS", env.authPass), ("MANAGER_TOKEN", env.managerToken),
        ]
        // The Invoke API key pair is optional (Bearer tokens still work), but its development value is not.
        if let secret = env.invokeSecretAccessKey, secret == developmentValues["INVOKE_SECRET_ACCESS_KEY"] {
            problems.append("INVOKE_SECRET_ACCESS_KEY is the development value from .env.example")
        }
        for (name, value) in given {
            guard let value else {
                problems.append("\(name) is not set")
                continue
            }
            if let dev = developmentValues[name], value == dev {
                problems.append("\(name) is the development value from .env.example")
            }
        }
        if let key = env.jwtSecretKey, key.utf8.count < minimumJWTKeyBytes {
            throw GatewayEnvironmentError(
                variable: "JWT_SECRET_KEY",
                reason: "must be at least \(minimumJWTKeyBytes) bytes (got \(key.utf8.count))")
        }
        if env.isProduction, !problems.isEmpty {
            throw GatewayEnvironmentError(
                variable: "ESB_ENV",
                reason: "production refuses development or missing secrets: " + problems.joined(separator: "; "))
        }
        for p in problems {
            warnings.append("INSECURE CONFIGURATION: \(p); set a real secret before exposing this gateway")
        }
        if env.authUser == nil { warnings.append("AUTH_USER is not set: every login is refused") }
        if env.invokeAccessKeyID == nil || env.invokeSecretAccessKey == nil {
            warnings.append(
                "INVOKE_ACCESS_KEY_ID/INVOKE_SECRET_ACCESS_KEY not set: the Invoke API accepts only Bearer tokens")
        }
        if let key = env.jwtSecretKey {
            return Decision(jwtKey: Array(key.utf8), jwtKeyGenerated: false, warnings: warnings)
        }
        warnings.append("JWT_SECRET_KEY is missing: using a random key for this run; tokens die with the process")
        var key = randomKey()
        if key.count < minimumJWTKeyBytes {
            // A short random source is a bug in the caller; pad from the system generator rather than fail.
            var rng = SystemRandomNumberGenerator()
            while key.count < minimumJWTKeyBytes { key.append(UInt8.random(in: 0...255, using: &rng)) }
        }
        return Decision(jwtKey: key, jwtKeyGenerated: true, warnings: warnings)
    }
}
