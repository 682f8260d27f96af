import BoxCore
import HTTP1

/// CORS for routes with a `cors:` block (docs/configuration.md "CORS"), the way API Gateway does it for an API
/// with CORS configured:
/// - A preflight — `OPTIONS` with `Origin` and `Access-Control-Request-Method` — on such a route's path is answered
///   `204` by the Gateway itself, without a token (browsers send none on a preflight) and without a worker. A
///   route written for `OPTIONS` itself still receives it.
/// - Every other answer on such a route (the function's, and the Gateway's own errors) gets
///   `Access-Control-Allow-Origin` when the request's `Origin` is allowed. On a payload 2.0 route (an HTTP API) the
///   function's own `Access-Control-*` headers are dropped first, as an HTTP API with CORS ignores them; on a 1.0
///   route (a REST API, whose functions set them as AWS documents) a function's `Access-Control-Allow-Origin` wins.
enum CORSResponder {
    /// The Gateway's answer to a preflight on `path`, or nil when the request is not a preflight for a route
    /// with CORS settings (then it is routed as usual).
    static func preflight(_ request: HTTPRequest, routes: RoutingTable) -> (HTTPResponse, Route)? {
        guard let origin = request.headers["Origin"],
            let requested = request.headers["Access-Control-Request-Method"]
        else { return nil }
        let path = request.path
        if case .matched(let route, _) = routes.match(method: "OPTIONS", path: path), route.method == .options {
            return nil
        }
        guard let route = routeWithCORS(for: requested.trimmingASCIIWhitespace(), path: path, routes: routes),
            let policy = route.cors
        else { return nil }
        var response = HTTPResponse(status: 204)
        guard let allowedOrigin = policy.allowedOrigin(for: origin) else {
            // Not an allowed origin: an answer without CORS headers, which the browser treats as a refusal.
            return (response, route)
        }
        addOrigin(allowedOrigin, policy: policy, to: &response.headers)
        let methods = policy.allowMethods.isEmpty ? routes.methods(at: path) + ["OPTIONS"] : policy.allowMethods
        let allowMethods = methods.contains("*") ? requested : orderedUnique(methods).joined(separator: ",")
        response.headers.add(name: "Access-Control-Allow-Methods", value: allowMethods)
        if !policy.allowHeaders.isEmpty {
            let asked = request.headers["Access-Control-Request-Headers"]
            let allowHeaders =
                policy.allowHeaders.contains("*") ? (asked ?? "*") : policy.allowHeaders.joined(separator: ",")
            response.headers.add(name: "Access-Control-Allow-Headers", value: allowHeaders)
        }
        if let maxAge = policy.maxAge { response.headers.add(name: "Access-Control-Max-Age", value: String(maxAge)) }
        return (response, route)
    }

    /// Adds `Access-Control-Allow-Origin` (and its companions) to an answer on a route with CORS settings when the
    /// request's `Origin` is allowed; `replacing`: the function's own `Access-Control-*` headers are dropped first
    /// (payload 2.0), else a function's `Access-Control-Allow-Origin` is kept as it is (1.0).
    static func decorate(_ response: inout HTTPResponse, policy: CORSPolicy, replacing: Bool, request: HTTPRequest) {
        if replacing {
            for name in corsResponseHeaders { response.headers.remove(name: name) }
        }
        guard let origin = request.headers["Origin"], let allowedOrigin = policy.allowedOrigin(for: origin),
            !response.headers.contains(name: "Access-Control-Allow-Origin")
        else { return }
        addOrigin(allowedOrigin, policy: policy, to: &response.headers)
        if !policy.exposeHeaders.isEmpty {
            response.headers.add(
                name: "Access-Control-Expose-Headers", value: policy.exposeHeaders.joined(separator: ","))
        }
    }

    /// The route whose settings answer a preflight for `method`: the route that method would reach, else the first
    /// route at the path that has CORS settings (a preflight for a method the path lacks is still answered, and
    /// the browser sees the methods it may use).
    static func routeWithCORS(for method: String, path: Substring, routes: RoutingTable) -> Route? {
        if case .matched(let route, _) = routes.match(method: method, path: path), route.cors != nil { return route }
        for other in routes.methods(at: path) {
            if case .matched(let route, _) = routes.match(method: other, path: path), route.cors != nil {
                return route
            }
        }
        return nil
    }

    static let corsResponseHeaders = [
        "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers",
        "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age",
    ]

    private static func addOrigin(_ allowedOrigin: String, policy: CORSPolicy, to headers: inout HTTPHeaders) {
        headers.add(name: "Access-Control-Allow-Origin", value: allowedOrigin)
        if allowedOrigin != "*" { headers.add(name: "Vary", value: "Origin") }
        if policy.allowCredentials { headers.add(name: "Access-Control-Allow-Credentials", value: "true") }
    }

    private static func orderedUnique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}
