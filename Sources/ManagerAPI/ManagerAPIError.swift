/// A body that is not the JSON docs/manager-api.md documents. The message is safe to show the caller.
public struct ManagerAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the body.
    public let message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
