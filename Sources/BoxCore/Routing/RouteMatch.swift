/// What the routing table says about a request.
public enum RouteMatch: Sendable, Equatable {
    /// The most specific route for this path and method, with its path parameters percent-decoded (a greedy
    /// `{name+}` keeps its `/`).
    case matched(Route, pathParameters: [String: String])
    /// Some route matches the path but none the method: answer 405 with `Allow` listing `allowed` (upper case,
    /// in `RouteMethod.concrete` order; an `ANY` route would have matched, so it never appears here).
    case methodNotAllowed(allowed: [String])
    /// No route matches the path.
    case notFound
}
