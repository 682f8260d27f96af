/// One kind of call the pools make to the Manager and how it ended: the labels of the
/// `esb_gateway_manager_calls_total` counter (docs/observability.md).
public struct ManagerCall: Hashable, Sendable {
    /// The Manager API call (docs/manager-api.md).
    public enum Kind: String, Sendable, CaseIterable {
        case acquire, heartbeat, delete, list
    }

    /// Whether the Manager answered as expected.
    public enum Outcome: String, Sendable, CaseIterable {
        case ok, failed
    }

    public var kind: Kind
    public var outcome: Outcome

    public init(_ kind: Kind, _ outcome: Outcome) {
        self.kind = kind
        self.outcome = outcome
    }
}
