/// The gateway's fixed settings for its lifetime: the parsed environment and the secrets policy's decision.
public struct GatewaySettings: Sendable {
    /// The environment (§3.1).
    public var environment: GatewayEnvironment
    /// The HS256 key (from `JWT_SECRET_KEY`, or random for this run).
    public var jwtKey: [UInt8]
}
