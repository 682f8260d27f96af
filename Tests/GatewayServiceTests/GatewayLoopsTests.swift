import HTTP1
import Reactor
import Synchronization
import Testing
@testable import GatewayService

/// `GATEWAY_LOOPS=2`: both loops accept connections, and a request stays on the loop that accepted it through the
/// dispatcher, the invoker and the worker transport (docs/architecture.md, "Concurrency model"). Real sockets: a
/// two-loop `HTTPServer` in front of the real `GatewayDispatcher`, and the real `ReactorWorkerTransport` to a
/// plain HTTP server standing in for a worker's RIE (the invoker itself is the dispatcher harness's stand-in).
@Suite(.timeLimit(.minutes(5))) struct GatewayLoopsTests {
    /// Loop indices seen at each step of one request.
    final class Seen: Sendable {
        struct Step: Sendable { var accepted: Int?; var afterWorker: Int? }
        let steps = Mutex<[Step]>([])
        let invoked = Mutex<[Int?]>([])
    }

    @Test func twoLoopsBothServeAndEachRequestStaysOnItsLoop() async throws {
        let seen = Seen()
        let harness = try DispatcherHarness(
            invoker: StandInInvoker { _, _ in
                seen.invoked.withLock { $0.append(EventLoop.current?.index) }
                return .success(.rie(#"{"statusCode":200,"body":"hi"}"#))
            }, extraEnv: ["GATEWAY_LOOPS": "2"])
        #expect(GatewayRuntime.loopCount(try GatewayEnvironment.parse(["GATEWAY_LOOPS": "2"])) == 2)
        let (worker, workerPort) = try Self.start(loops: 1) { request, _ in
            HTTPResponse(status: 200, body: request.body)
        }
        let workerEndpoint = HTTPEndpoint(host: "127.0.0.1", port: workerPort)
        let workerClient = HTTPClient()
        let transport = ReactorWorkerTransport(client: workerClient)
        let dispatcher = harness.dispatcher
        let (front, port) = try Self.start(loops: 2) { request, info in
            let accepted = EventLoop.current?.index
            let response = await dispatcher.handle(request, peer: info.peerAddress)
            let echoed = try? await transport.execute(
                HTTPRequest(method: "POST", target: "/2015-03-31/functions/function/invocations", body: [1, 2, 3]),
                to: workerEndpoint, timeout: .seconds(10))
            seen.steps.withLock {
                $0.append(Seen.Step(accepted: accepted, afterWorker: echoed == nil ? -1 : EventLoop.current?.index))
            }
            return response
        }
        // Separate connections (a fresh client each): SO_REUSEPORT spreads them over both listeners.
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    // Ten requests on each keep-alive connection: the loop-isolated client path once crashed after
                    // a few dozen calls (docs/gateway.md, "Event loops").
                    let client = HTTPClient()
                    var worst = 200
                    for _ in 0..<10 {
                        let response = try? await client.execute(
                            HTTPRequest(method: "GET", target: "/public"),
                            to: HTTPEndpoint(host: "127.0.0.1", port: port),
                            timeout: .seconds(20))
                        if response?.status != 200 { worst = response?.status ?? 0 }
                    }
                    return worst
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 24))
        let steps = seen.steps.withLock { $0 }
        let invoked = seen.invoked.withLock { $0 }
        let perLoop = Dictionary(grouping: steps.compactMap(\.accepted), by: { $0 }).mapValues(\.count)
        print("accepted per loop: \(perLoop.sorted { $0.key < $1.key })")
        #expect(Set(perLoop.keys) == [0, 1], "both loops accept connections")
        #expect(
            steps.allSatisfy { $0.accepted != nil && $0.afterWorker == $0.accepted },
            "worker call answered on the accepting loop")
        #expect(
            invoked.count == 240 && invoked.allSatisfy { $0 != nil },
            "the invoker ran on a loop, not the global executor")
        #expect(Set(invoked.compactMap { $0 }) == [0, 1])
        // Each loop keeps its own keep-alive connections to the worker.
        #expect(
            Set(workerClient.idleConnectionsByLoop(to: HTTPEndpoint(host: "127.0.0.1", port: workerPort)).keys) == [
                0, 1,
            ])
        await front.shutdown(gracePeriod: .seconds(2))
        await worker.shutdown(gracePeriod: .seconds(2))
    }

    static func start(loops: Int, _ handler: @escaping HTTPHandler) throws -> (HTTPServer, Int) {
        var configuration = HTTPServerConfiguration(listen: .tcp(host: "127.0.0.1", port: 0))
        configuration.loops = loops
        let server = HTTPServer(configuration: configuration, handler: handler)
        return (server, try server.start())
    }
}
