/// The routes of `routing.yml` compiled into a segment trie for matching (PRODUCT.md §2.2).
///
/// - Literal matching, no regular expressions. The request path is split on `/` BEFORE percent-decoding (so
///   `%2F` never splits a segment); each segment is decoded before it is compared with a literal segment.
/// - Most specific wins, as in API Gateway: segment by segment from the left, literal > `{param}` > `{param+}`
///   (a depth-first walk in that order meets routes in exactly that order). Among routes of the same path, a route
///   for the request's method beats `ANY`; then file order.
/// - Trailing slash: one trailing `/` on a request is ignored (`/users/` matches `/users`); templates may not
///   end with `/`. Empty segments (`/a//b`) match no literal or `{param}` segment; a `{param+}` takes them as they
///   are.
/// - Request methods are compared case-sensitively (HTTP methods are); a method outside the seven only matches
///   `ANY`.
///
/// A match allocates only its result (the parameter dictionary, and the `Allow` list for a 405).
public struct RoutingTable: Sendable {
    private struct Node: Sendable {
        var literals: [(segment: String, child: Int)] = []
        var parameter: Int?
        /// Routes whose template ends here.
        var routes: [Int] = []
        /// Routes whose template ends with a `{name+}` segment hanging off this node.
        var greedyRoutes: [Int] = []
    }

    /// The routes, in file order.
    public let routes: [Route]
    private var nodes: [Node] = [Node()]

    /// A table of `routes` (file order matters for ties).
    public init(routes: [Route]) {
        self.routes = routes
        for (index, route) in routes.enumerated() {
            var node = 0
            for segment in route.path.segments {
                switch segment {
                case .literal(let text):
                    if let child = nodes[node].literals.first(where: { $0.segment == text })?.child {
                        node = child
                    } else {
                        nodes.append(Node())
                        nodes[node].literals.append((text, nodes.count - 1))
                        node = nodes.count - 1
                    }
                case .parameter:
                    if let child = nodes[node].parameter {
                        node = child
                    } else {
                        nodes.append(Node())
                        nodes[node].parameter = nodes.count - 1
                        node = nodes.count - 1
                    }
                case .greedy:
                    nodes[node].greedyRoutes.append(index)
                }
            }
            if case .greedy = route.path.segments.last {} else { nodes[node].routes.append(index) }
        }
    }

    /// A table of the configuration's routes.
    public init(_ config: RoutingConfig) {
        self.init(routes: config.routes)
    }

    /// The route for `method` on `path` (the raw, still percent-encoded path without the query string).
    public func match(method: String, path: String) -> RouteMatch {
        match(method: method, path: Substring(path))
    }

    /// The route for `method` on `path` (the raw, still percent-encoded path without the query string).
    public func match(method: String, path: Substring) -> RouteMatch {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return .notFound }
        var end = bytes.endIndex
        // One trailing slash is ignored, as API Gateway does; the root keeps its only slash.
        if bytes.count > 1, bytes.last == UInt8(ascii: "/") { end = bytes.index(before: end) }
        let view = bytes[bytes.startIndex..<end]
        let afterSlash = view.index(after: view.startIndex)
        let first = afterSlash == view.endIndex ? nil : afterSlash

        var chosen: Int?
        var pathMatched = false
        walk(node: 0, from: first, in: view) { candidates in
            pathMatched = true
            chosen = pick(candidates, method: method)
            return chosen != nil
        }
        if let chosen {
            let route = routes[chosen]
            return .matched(route, pathParameters: parameters(of: route, from: first, in: view))
        }
        guard pathMatched else { return .notFound }
        var mask: UInt8 = 0
        walk(node: 0, from: first, in: view) { candidates in
            for index in candidates { mask |= routes[index].method.bit }
            return false
        }
        return .methodNotAllowed(allowed: RouteMethod.concrete.filter { mask & $0.bit != 0 }.map(\.rawValue))
    }

    /// The route of `candidates` (file order) that takes `method`: an exact method first, else `ANY`.
    private func pick(_ candidates: [Int], method: String) -> Int? {
        var any: Int?
        for index in candidates {
            let m = routes[index].method
            if m == .any {
                if any == nil { any = index }
            } else if m.rawValue == method {
                return index
            }
        }
        return any
    }

    /// Visits, most specific first, every non-empty route list whose template matches the path from `start`;
    /// stops when `visit` returns true. Returns whether it stopped.
    @discardableResult
    private func walk(
        node: Int, from start: Substring.UTF8View.Index?, in view: Substring.UTF8View.SubSequence,
        _ visit: ([Int]) -> Bool
    ) -> Bool {
        let n = nodes[node]
        // nil: no segment left (the root `/` has none). An index at the end is an empty last segment (`/a//`).
        guard let start else { return !n.routes.isEmpty && visit(n.routes) }
        let segmentEnd = view[start...].firstIndex(of: UInt8(ascii: "/")) ?? view.endIndex
        let segment = view[start..<segmentEnd]
        let next = segmentEnd == view.endIndex ? nil : view.index(after: segmentEnd)
        if !segment.isEmpty {
            if !n.literals.isEmpty, let child = Self.literalChild(n, equalTo: segment),
                walk(node: child, from: next, in: view, visit)
            {
                return true
            }
            if let child = n.parameter, walk(node: child, from: next, in: view, visit) { return true }
        }
        if !n.greedyRoutes.isEmpty, !view[start...].isEmpty, visit(n.greedyRoutes) { return true }
        return false
    }

    private static func literalChild(_ node: Node, equalTo segment: Substring.UTF8View.SubSequence) -> Int? {
        if segment.contains(UInt8(ascii: "%")) {
            let decoded = PercentDecoding.decode(segment)
            return node.literals.first { $0.segment == decoded }?.child
        }
        return node.literals.first { $0.segment.utf8.elementsEqual(segment) }?.child
    }

    /// The decoded values of `route`'s parameters in the path (which the route is known to match).
    private func parameters(of route: Route, from start: Substring.UTF8View.Index?, in view: Substring.UTF8View.SubSequence)
        -> [String: String]
    {
        var result: [String: String] = [:]
        guard var position = start else { return result }
        for segment in route.path.segments {
            let segmentEnd = view[position...].firstIndex(of: UInt8(ascii: "/")) ?? view.endIndex
            switch segment {
            case .literal:
                break
            case .parameter(let name):
                result[name] = PercentDecoding.decode(view[position..<segmentEnd])
            case .greedy(let name):
                result[name] = PercentDecoding.decode(view[position...])
                return result
            }
            position = segmentEnd == view.endIndex ? view.endIndex : view.index(after: segmentEnd)
        }
        return result
    }
}
