import Foundation
@testable import GatewayService
import HTTP1
import Reactor
import Testing

/// Benchmark of the invoker (bench/invoker-bench.sh runs it in release with more iterations): the latency
/// `FunctionInvoker.invoke` adds over calling the same REAL RIE (a worker of the real esb-manager) directly with the same keep-alive client, one
/// client, calls interleaved; and requests/s with four workers, side by side, in the same run. Calls start on the
/// global executor, as the front's dispatcher does today (its `handle` is a plain async method), so both paths pay
/// the same hop to the primary loop inside `HTTPClient`. Prints figures; asserts only that every call succeeded.
/// A benchmark, not a test: it runs only with `ESB_BENCH=1` (about 23 s of load would disturb the timing of suites
/// running beside it).
@Suite(.serialized, .timeLimit(.minutes(5)), .enabled(if: ProcessInfo.processInfo.environment["ESB_BENCH"] == "1"))
struct InvokerBenchmarkTests {
    static let environment = ProcessInfo.processInfo.environment
    static let iterations = Int(environment["ESB_BENCH_ITERATIONS"] ?? "") ?? 200
    static let seconds = Double(environment["ESB_BENCH_SECONDS"] ?? "") ?? 1

    @Test func addedLatencyAndThroughputOverTheRealRIE() async throws {
        try #require(
            await InvokerManagerHarness.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let box = try await InvokerManagerHarness(maxConcurrency: 4)
        try await box.run { try await Self.measure(box) }
    }

    static func measure(_ box: InvokerManagerHarness) async throws {
        let invoker = box.invoker()
        let spec = box.spec

        // Four warm workers.
        let warm = await Self.throughput(clients: 4, seconds: 0.3) { await Self.viaInvoker(invoker, spec) }
        #expect(warm.failures == 0)
        // Workers still starting are listed without an address: wait until all four are ready.
        var listed = try await box.listed()
        for _ in 0..<200 where listed.filter({ $0.leased == true && $0.endpoint != nil }).count < 4 {
            try await Task.sleep(for: .milliseconds(100))
            listed = try await box.listed()
        }
        let addresses = listed.filter { $0.leased == true && $0.endpoint != nil }.compactMap(\.host)
        try #require(addresses.count == 4, "leased workers with an address: \(listed)")
        let client = HTTPClient()

        let (direct, via) = await Self.interleavedLatency(
            iterations: Self.iterations, invoker, spec, client, addresses[0])
        let d = Percentiles(direct), v = Percentiles(via)
        print(
            """
            invoker latency, one client, \(Self.iterations) calls each, interleaved, real RIE (esb-test/echo, payload {}):
              direct RIE        p50 \(d.p50.ms) ms  p99 \(d.p99.ms) ms
              FunctionInvoker   p50 \(v.p50.ms) ms  p99 \(v.p99.ms) ms
              added             p50 \((v.p50 - d.p50).us) µs  p99 \((v.p99 - d.p99).us) µs
            """)

        // Direct and invoker windows alternate (twice each) so that drift of this shared machine shows up.
        var directRates: [Int] = [], viaRates: [Int] = [], failures = 0
        for _ in 0..<2 {
            let directRate = await Self.throughput(clients: 4, seconds: Self.seconds) { index in
                await Self.direct(client, addresses[index % 4])
            }
            let viaRate = await Self.throughput(clients: 4, seconds: Self.seconds) { _ in
                await Self.viaInvoker(invoker, spec)
            }
            directRates.append(directRate.rate)
            viaRates.append(viaRate.rate)
            failures += directRate.failures + viaRate.failures
        }
        let queued = await Self.throughput(clients: 8, seconds: Self.seconds) { _ in
            await Self.viaInvoker(invoker, spec)
        }
        print(
            """
            throughput, 4 workers, \(Self.seconds) s windows, alternating:
              direct RIE, 4 clients (one per worker)   \(directRates.map(String.init).joined(separator: ", ")) req/s
              FunctionInvoker, 4 clients               \(viaRates.map(String.init).joined(separator: ", ")) req/s
              FunctionInvoker, 8 clients (queueing)    \(queued.rate) req/s
            """)
        #expect(failures == 0, "direct or invoker calls failed")
        #expect(queued.failures == 0, "queued invoker calls failed")
        await invoker.shutdown()
    }

    static let payload = Array("{}".utf8)

    static func viaInvoker(_ invoker: FunctionInvoker, _ spec: PoolFunctionSpec) async -> Bool {
        do {
            let outcome = try await invoker.invoke(spec, payload: payload, requestID: "bench", traceID: "")
            if outcome.status != 200 { print("invoker call: status \(outcome.status)") }
            return outcome.status == 200
        } catch {
            print("invoker call failed: \(error)")
            return false
        }
    }

    static func direct(_ client: HTTPClient, _ ip: String) async -> Bool {
        let request = HTTPRequest(
            method: "POST", target: "/2015-03-31/functions/function/invocations",
            headers: ["Content-Type": "application/json", "X-Amzn-RequestId": "bench"], body: payload)
        do {
            let response = try await client.execute(
                request, to: HTTPEndpoint(host: ip, port: 8080), timeout: .seconds(30))
            if response.status != 200 { print("direct call: status \(response.status)") }
            return response.status == 200
        } catch {
            print("direct call failed: \(error)")
            return false
        }
    }

    static func interleavedLatency(
        iterations: Int, _ invoker: FunctionInvoker, _ spec: PoolFunctionSpec, _ client: HTTPClient, _ ip: String
    ) async -> ([Duration], [Duration]) {
        let clock = ContinuousClock()
        var direct: [Duration] = [], via: [Duration] = []
        for _ in 0..<20 { _ = await Self.direct(client, ip); _ = await viaInvoker(invoker, spec) }
        for _ in 0..<iterations {
            var t = clock.now
            _ = await Self.direct(client, ip)
            direct.append(clock.now - t)
            t = clock.now
            _ = await viaInvoker(invoker, spec)
            via.append(clock.now - t)
        }
        return (direct, via)
    }

    static func throughput(
        clients: Int, seconds: Double, _ call: @escaping @Sendable (Int) async -> Bool
    ) async -> (rate: Int, failures: Int) {
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int64(seconds * 1000))
        let counts = await withTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<clients {
                group.addTask {
                    var ok = 0, failed = 0
                    while ContinuousClock.now < end { if await call(index) { ok += 1 } else { failed += 1 } }
                    return (ok, failed)
                }
            }
            return await group.reduce(into: (0, 0)) {
                $0.0 += $1.0; $0.1 += $1.1
            }
        }
        let elapsed = ContinuousClock.now - start
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Int(Double(counts.0) / secs), counts.1)
    }

    static func throughput(clients: Int, seconds: Double, _ call: @escaping @Sendable () async -> Bool) async -> (
        rate: Int, failures: Int
    ) {
        await throughput(clients: clients, seconds: seconds) { _ in await call() }
    }
}

struct Percentiles {
    let p50: Duration, p99: Duration
    init(_ samples: [Duration]) {
        let sorted = samples.sorted()
        p50 = sorted[sorted.count / 2]
        p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
    }
}

extension Duration {
    var ms: String { String(format: "%.3f", Double(components.attoseconds) / 1e15 + Double(components.seconds) * 1000) }
    var us: String { String(format: "%.0f", Double(components.attoseconds) / 1e12 + Double(components.seconds) * 1e6) }
}
