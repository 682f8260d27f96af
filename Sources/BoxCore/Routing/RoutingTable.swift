/// The routes of `routing.yml` compiled into a segment trie for matching (docs/contract.md §2.2).
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
    /// A literal child: the decoded segment's bytes and their hash, compared hash first.
    private struct Literal: Sendable {
        var hash: UInt64
        var bytes: [UInt8]
        var child: Int
    }

    private struct Node: Sendable {
        var literals: [Literal] = []
        var parameter: Int?
        /// Routes whose template ends here.
        var routes: [Int] = []
        /// Routes whose template ends with a `{name+}` segment hanging off this node.
        var greedyRoutes: [Int] = []
    }

    /// The state of one walk: looking for the route of a method, or collecting the methods of every route that
    /// matches the path (for a 405).
    private struct Search {
        var method: RouteMethod?
        var collecting = false
        var chosen: Int?
        var pathMatched = false
        var mask: UInt8 = 0
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
                    let bytes = Array(text.utf8)
                    if let child = nodes[node].literals.first(where: { $0.bytes == bytes })?.child {
                        node = child
                    } else {
                        nodes.append(Node())
                        nodes[node].literals.append(
                            Literal(hash: Self.hash(bytes.span), bytes: bytes, child: nodes.count - 1))
                        node = nodes.count - 1
                    }
                case .parameter:
                    if nodes[node].parameter == nil {
                        nodes.append(Node())
                        nodes[node].parameter = nodes.count - 1
                    }
                    node = nodes[node].parameter!
                case .greedy:
                    nodes[node].greedyRoutes.append(index)
                }
            }
            if case .greedy = route.path.segments.last {} else { nodes[node].routes.append(index) }
        }
    }

    public init(_ config: RoutingConfig) {
        self.init(routes: config.routes)
    }

    /// The route for `method` on `path` (the raw, still percent-encoded path without the query string).
    public func match(method: String, path: String) -> RouteMatch {
        match(method: method, path: Substring(path))
    }

    /// The route for `method` on `path` (the raw, still percent-encoded path without the query string).
    public func match(method: String, path: Substring) -> RouteMatch {
        let bytes = path.utf8.span
        guard bytes.count > 0, bytes[0] == UInt8(ascii: "/") else { return .notFound }
        // One trailing slash is ignored, as API Gateway does; the root keeps its only slash.
        let end = bytes.count > 1 && bytes[bytes.count - 1] == UInt8(ascii: "/") ? bytes.count - 1 : bytes.count
        // nil: no segment at all (the root).
        let first: Int? = end > 1 ? 1 : nil

        var search = Search(method: RouteMethod(rawValue: method))
        walk(node: 0, from: first, end: end, bytes, &search)
        if let chosen = search.chosen {
            let route = routes[chosen]
            return .matched(route, pathParameters: parameters(of: route, from: first, end: end, in: path))
        }
        guard search.pathMatched else { return .notFound }
        search.collecting = true
        walk(node: 0, from: first, end: end, bytes, &search)
        return .methodNotAllowed(allowed: RouteMethod.concrete.filter { search.mask & $0.bit != 0 }.map(\.rawValue))
    }

    /// Every method routed at a path matching `path`, in `RouteMethod.concrete` order; an `ANY` route counts as
    /// all seven (a CORS preflight's `Access-Control-Allow-Methods`, docs/configuration.md "CORS").
    public func methods(at path: Substring) -> [String] {
        // No route is for the empty method, so only an ANY route can match it.
        switch match(method: "", path: path) {
        case .matched: RouteMethod.concrete.map(\.rawValue)
        case .methodNotAllowed(let allowed): allowed
        case .notFound: []
        }
    }

    /// Visits, most specific first, every non-empty route list whose template matches the bytes from `start`
    /// (nil: no segment left; `end`: an empty last segment, as in `/a//`); returns true to stop.
    @discardableResult
    private func walk(node: Int, from start: Int?, end: Int, _ bytes: Span<UInt8>, _ search: inout Search) -> Bool {
        guard let start else { return visit(nodes[node].routes, &search) }
        var segmentEnd = start
        while segmentEnd < end, bytes[segmentEnd] != UInt8(ascii: "/") { segmentEnd += 1 }
        let next: Int? = segmentEnd == end ? nil : segmentEnd + 1
        if segmentEnd > start {
            if !nodes[node].literals.isEmpty, let child = literalChild(node, bytes, start, segmentEnd),
                walk(node: child, from: next, end: end, bytes, &search)
            {
                return true
            }
            if let child = nodes[node].parameter, walk(node: child, from: next, end: end, bytes, &search) {
                return true
            }
        }
        if start < end, visit(nodes[node].greedyRoutes, &search) { return true }
        return false
    }

    /// Offers the routes of one matching template to the search; true when the search is over.
    private func visit(_ candidates: [Int], _ search: inout Search) -> Bool {
        guard !candidates.isEmpty else { return false }
        if search.collecting {
            for index in candidates { search.mask |= routes[index].method.bit }
            return false
        }
        search.pathMatched = true
        // The request's own method first, else ANY; file order within each.
        var any: Int?
        for index in candidates {
            let m = routes[index].method
            if m == .any {
                if any == nil { any = index }
            } else if m == search.method {
                search.chosen = index
                return true
            }
        }
        search.chosen = any
        return any != nil
    }

    private func literalChild(_ node: Int, _ bytes: Span<UInt8>, _ start: Int, _ end: Int) -> Int? {
        if (start..<end).contains(where: { bytes[$0] == UInt8(ascii: "%") }) {
            // Rare: decode (allocates) and compare the decoded bytes.
            let decoded = Array(PercentDecoding.decode((start..<end).map { bytes[$0] }).utf8)
            let h = Self.hash(decoded.span)
            return nodes[node].literals.first { $0.hash == h && $0.bytes == decoded }?.child
        }
        let h = Self.hash(bytes.extracting(start..<end))
        let count = end - start
        for literal in nodes[node].literals where literal.hash == h && literal.bytes.count == count {
            if (0..<count).allSatisfy({ literal.bytes[$0] == bytes[start + $0] }) { return literal.child }
        }
        return nil
    }

    /// FNV-1a: cheap, and good enough to skip almost every non-equal literal with one comparison.
    private static func hash(_ bytes: Span<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
        }
        return h
    }

    /// The decoded values of `route`'s parameters in the path (which the route is known to match).
    private func parameters(of route: Route, from start: Int?, end: Int, in path: Substring) -> [String: String] {
        var result: [String: String] = [:]
        guard var position = start else { return result }
        let utf8 = path.utf8
        func index(_ offset: Int) -> Substring.UTF8View.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        let endIndex = index(end)
        for segment in route.path.segments {
            let from = index(position)
            let to = utf8[from..<endIndex].firstIndex(of: UInt8(ascii: "/")) ?? endIndex
            switch segment {
            case .literal:
                break
            case .parameter(let name):
                result[name] = PercentDecoding.decode(utf8[from..<to])
            case .greedy(let name):
                result[name] = PercentDecoding.decode(utf8[from..<endIndex])
                return result
            }
            position += utf8.distance(from: from, to: to) + 1
        }
        return result
    }
}
