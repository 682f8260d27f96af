import BoxCore
import BoxCrypto
import Testing

/// Hot-path figures (printed, never asserted as times): event building, result mapping, JSON parsing, JWT and
/// SigV4 verification. Each loop also checks that every iteration produced the same, correct output, so the test
/// fails if the code under measurement breaks. Release figures:
/// `swift test -c release -Xswiftc -enable-testing --filter hotPathFigures`.
@Test func hotPathFigures() throws {
    let iterations = 500
    /// Runs `body` `iterations` times; every run must return `expected` (a size or a value of the output).
    func measure(_ label: String, expect expected: Int, _ body: () throws -> Int) rethrows {
        let clock = ContinuousClock()
        var mismatches = 0
        let elapsed = try clock.measure {
            for _ in 0..<iterations where try body() != expected { mismatches += 1 }
        }
        #expect(mismatches == 0, "\(label)")
        let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        print("bench \(label): \(Int(ns / Double(iterations))) ns/op")
    }

    var request = sampleLikeInput()
    request.claims = ProxyClaims(subject: "alice")
    request.headers += [
        ("Authorization", "Bearer " + String(repeating: "x", count: 180)), ("Accept-Encoding", "gzip"),
        ("X-Request-Id", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"), ("Cookie", "a=1; b=2"),
    ]
    let restSize = APIGatewayEvent.restPayload(request).count
    let httpSize = APIGatewayEvent.httpPayload(request).count
    #expect(restSize > 1500 && httpSize > 1000)
    measure("rest event (\(restSize) B)", expect: restSize) { APIGatewayEvent.restPayload(request).count }
    measure("http event (\(httpSize) B)", expect: httpSize) { APIGatewayEvent.httpPayload(request).count }

    let result = Array(
        #"""
        {"statusCode":200,"headers":{"Content-Type":"application/json","X-Custom":"v"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"{\"message\":\"hello\",\"items\":[1,2,3],\"user\":{\"id\":\"42\",\"name\":\"Alice\"}}","isBase64Encoded":false}
        """#.utf8)
    try measure("result 1.0 (\(result.count) B)", expect: 4) {
        try ProxyResult.response(
            rieStatus: 200, rieHeaders: [], payload: result, parsed: try? JSONValue(parsing: result), format: .v1
        ).headers.count
    }
    try measure("result 2.0 (\(result.count) B)", expect: 2) {  // multiValueHeaders ignored in 2.0
        try ProxyResult.response(
            rieStatus: 200, rieHeaders: [], payload: result, parsed: try? JSONValue(parsing: result), format: .v2
        ).headers.count
    }
    let event = APIGatewayEvent.restPayload(request)
    let eventKeys = try JSONValue(parsing: event).objectValue?.count ?? 0
    #expect(eventKeys == 12)
    try measure("json parse (\(event.count) B event)", expect: eventKeys) {
        try JSONValue(parsing: event).objectValue?.count ?? 0
    }

    let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    let token = JWT.issue(subject: "alice", now: 1_800_000_000, lifetimeSeconds: 3000, secret: secret)
    try measure("jwt verify", expect: 1_800_003_000) {
        try JWT.verify(token, secret: secret, now: 1_800_000_100).expiresAt
    }

    let signer = SigV4Signer(
        accessKeyID: "AKID", secretAccessKey: "secret", region: "ap-northeast-1", service: "lambda")
    let signed = signer.signed(
        SigV4Request(
            method: "POST",
            path:
                "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aap-northeast-1%3A000000000000%3Afunction%3Afn/invocations",
            headers: [("Host", "localhost:8443")], body: Array(#"{"a":1}"#.utf8)), epochSeconds: 1_800_000_000)
    let verifier = SigV4Verifier(credentials: ["AKID": "secret"])
    try measure("sigv4 verify", expect: 1_800_000_000) {
        Int(try verifier.verify(signed, now: 1_800_000_010).signedAtEpochSeconds)
    }
    let line = LogLine(
        epochMilliseconds: 1_800_000_000_123, level: .info, logger: "gateway.access", message: "request",
        containerName: "esb-gateway", requestID: "r-1", traceID: "Root=1-x",
        fields: ["method": "GET", "path": "/api/x", "status": 200, "latency_ms": 1.25])
    let lineSize = line.jsonLine().count
    measure("log line (\(lineSize) B)", expect: lineSize) { line.jsonLine().count }
}
