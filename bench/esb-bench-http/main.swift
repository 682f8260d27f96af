// Hello-world server for bench/http-bench.sh: the network runtime alone, no gateway logic.
// Usage: esb-bench-http --port N [--loops N] [--cert PEM --key PEM | --self-signed DIR] [--plain]
import Glibc
import HTTP1
import Reactor
import TLS

var port = 8443, loops = 1, cert: String?, key: String?, plain = false, hop = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--port": port = Int(arguments.next() ?? "") ?? port
    case "--loops": loops = Int(arguments.next() ?? "") ?? loops
    case "--cert": cert = arguments.next()
    case "--key": key = arguments.next()
    case "--self-signed":
        let dir = arguments.next() ?? "/tmp"
        cert = dir + "/bench.crt"
        key = dir + "/bench.key"
        try SelfSignedCertificate.write(certificatePath: cert!, keyPath: key!)
    case "--plain": plain = true
    // The handler calls a plain `async` method (runs on the global pool): measures the cost of leaving the loop.
    case "--hop": hop = true
    default:
        print("usage: esb-bench-http --port N [--loops N] [--cert PEM --key PEM | --self-signed DIR] [--plain] [--hop]")
        exit(2)
    }
}

SignalWatcher.blockInProcess([SIGTERM, SIGINT])
var configuration = HTTPServerConfiguration(listen: .tcp(host: "127.0.0.1", port: port))
if !plain {
    guard let cert, let key else {
        print("TLS needs --cert and --key (or --self-signed DIR), or pass --plain")
        exit(2)
    }
    configuration.tls = try TLSServerContext(certificatePath: cert, keyPath: key)
}
configuration.loops = loops
/// Stands in for a service object whose `handle` is a plain async method (not loop-isolated).
final class OffLoopService: Sendable {
    let body = Array("Hello, world!\n".utf8)
    func handle() async -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: body)
    }
}
let service = OffLoopService()
let useHop = hop
let body = Array("Hello, world!\n".utf8)
let server = HTTPServer(configuration: configuration) { _, _ in
    if useHop { return await service.handle() }
    return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: body)
}
let bound = try server.start()
print("esb-bench-http listening on 127.0.0.1:\(bound) (\(plain ? "plain" : "TLS"), \(loops) loop(s))")
fflush(nil)  // flush all streams: the bench script reads the port from the log
for await _ in SignalWatcher.signals([SIGTERM, SIGINT]) { break }
await server.shutdown(gracePeriod: .seconds(2))
