/// The method of a route in `routing.yml` (docs/contract.md §2.2): one of the seven methods API Gateway routes, or
/// `ANY`. Written case-insensitively in the file, normalised to upper case.
public enum RouteMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case head = "HEAD"
    case options = "OPTIONS"
    /// Matches every request method (also ones outside the seven).
    case any = "ANY"

    /// The seven concrete methods, in the order `Allow` headers list them.
    public static let concrete: [RouteMethod] = [.get, .post, .put, .patch, .delete, .head, .options]

    /// The method spelled `text` in any case, or nil.
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }

    /// The upper-case name.
    public var description: String { rawValue }

    /// A bit for sets of methods, in `concrete` order (`ANY` sets all seven).
    var bit: UInt8 {
        self == .any ? 0x7F : 1 << Self.concrete.firstIndex(of: self)!
    }
}
