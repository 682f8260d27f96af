import Testing
import TLS
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct GatewayEnvironmentTests {
    @Test func defaultsFollowTheProductTable() throws {
        let e = try GatewayEnvironment.parse([:], hostName: "box-1")
        #expect(e.listen == "0.0.0.0:443")
        #expect(e.tlsCertPath == "/app/config/ssl/server.crt")
        #expect(e.tlsKeyPath == "/app/config/ssl/server.key")
        #expect(e.authEndpointPath == "/user/auth/ver1.0")
        #expect(e.jwtExpiresDelta == 3000)
        #expect(e.managerURL == "http://esb-manager:8081")
        #expect(e.containerCacheTTL == .seconds(30))
        #expect(e.poolAcquireTimeout == .seconds(10))
        #expect(e.maxBodyBytes == 6_291_456)
        #expect(e.shutdownTimeout == .seconds(30))
        #expect(e.containerName == "box-1")
        #expect(e.metricsListen == nil)
        #expect(!e.isProduction)
        // The rest of docs/contract.md §3.1's table.
        #expect(e.functionsConfigPath == "/app/config/functions.yml")
        #expect(e.routingConfigPath == "/app/config/routing.yml")
        #expect(e.gatewayInternalURL == "https://esb-gateway:443")
        #expect(e.logLevel == "INFO")
        #expect(e.victoriaLogsURL == nil)
        #expect(e.trustedProxies.isEmpty && e.binaryMediaTypes.isEmpty)
        #expect(e.jwtSecretKey == nil && e.apiKey == nil && e.authUser == nil && e.authPass == nil)
        #expect(e.managerToken == nil && e.invokeAccessKeyID == nil && e.invokeSecretAccessKey == nil)
        // An empty value is the same as unset.
        let blank = try GatewayEnvironment.parse(["GATEWAY_LISTEN": "", "CONTAINER_CACHE_TTL": " ", "LOG_LEVEL": ""])
        #expect(blank.listen == "0.0.0.0:443" && blank.containerCacheTTL == .seconds(30) && blank.logLevel == "INFO")
    }

    @Test func loopsAndWorkerConnectTimeout() throws {
        let defaults = try GatewayEnvironment.parse([:])
        #expect(defaults.loops == nil)  // one per core, decided at start (GatewayRuntime.loopCount)
        #expect(GatewayRuntime.loopCount(defaults) >= 1)
        #expect(defaults.workerConnectTimeout == .milliseconds(100))
        let set = try GatewayEnvironment.parse(["GATEWAY_LOOPS": "3", "WORKER_CONNECT_TIMEOUT": "0.25"])
        #expect(set.loops == 3 && GatewayRuntime.loopCount(set) == 3)
        #expect(set.workerConnectTimeout == .milliseconds(250))
    }

    @Test func selfSignedCertificateNamesFromTLSSubjectAltNames() throws {
        let e = try GatewayEnvironment.parse([
            "TLS_SUBJECT_ALT_NAMES": "esb-gateway, box.example, 10.0.0.5, ::1, localhost"
        ])
        #expect(e.tlsSubjectAltNames == ["esb-gateway", "box.example", "10.0.0.5", "::1", "localhost"])
        #expect(
            SelfSignedCertificate.defaultDNSNames(plus: e.tlsSubjectAltNames) == [
                "localhost", "esb-gateway", "box.example",
            ])
        #expect(
            SelfSignedCertificate.defaultIPAddresses(plus: e.tlsSubjectAltNames) == ["127.0.0.1", "10.0.0.5", "::1"])
        #expect(try GatewayEnvironment.parse([:]).tlsSubjectAltNames.isEmpty)
    }

    @Test func decimalDurationsAndLists() throws {
        let e = try GatewayEnvironment.parse([
            "POOL_ACQUIRE_TIMEOUT": "0.25", "SHUTDOWN_TIMEOUT": "2",
            "BINARY_MEDIA_TYPES": "image/*, Application/Octet-Stream",
            "TRUSTED_PROXIES": "10.0.0.0/8, ::1", "ESB_ENV": "production", "CONTAINER_NAME": "gw", "LOG_LEVEL": "debug",
        ])
        #expect(e.poolAcquireTimeout == .milliseconds(250))
        #expect(e.shutdownTimeout == .seconds(2))
        #expect(e.binaryMediaTypes == ["image/*", "application/octet-stream"])
        #expect(e.trustedProxies.count == 2)
        #expect(e.isProduction)
        #expect(e.containerName == "gw")
        #expect(e.logLevel == "DEBUG")
    }

    /// docs/contract.md §9: durations accept decimals; a token lifetime is whole seconds, rounded up (never 0).
    @Test(arguments: [("60", 60), ("2.5", 3), ("0.001", 1), ("7.0", 7)])
    func tokenLifetimeAcceptsDecimalsRoundedUp(value: String, seconds: Int) throws {
        #expect(try GatewayEnvironment.parse(["JWT_EXPIRES_DELTA": value]).jwtExpiresDelta == seconds)
    }

    @Test(arguments: [
        ("POOL_ACQUIRE_TIMEOUT", "soon"), ("MAX_BODY_BYTES", "-1"), ("JWT_EXPIRES_DELTA", "0"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"), ("ESB_ENV", "staging"), ("AUTH_ENDPOINT_PATH", "user/auth"),
        // Out of range (docs/configuration.md): these trapped (a Duration from 1e300, `iat + lifetime` overflowing).
        ("HTTP_BODY_TIMEOUT", "1e300"), ("SHUTDOWN_TIMEOUT", "31536001"), ("JWT_EXPIRES_DELTA", "9223372036854775000"),
        ("JWT_EXPIRES_DELTA", "31536001"), ("JWT_EXPIRES_DELTA", "0.0"), ("JWT_EXPIRES_DELTA", "-1"),
        ("GATEWAY_LOOPS", "0"), ("GATEWAY_LOOPS", "257"), ("GATEWAY_LOOPS", "two"), ("WORKER_CONNECT_TIMEOUT", "0"),
        ("WORKER_CONNECT_TIMEOUT", "fast"),
    ])
    func badValuesNameTheVariable(name: String, value: String) {
        #expect(throws: GatewayEnvironmentError.self) { try GatewayEnvironment.parse([name: value]) }
        do {
            _ = try GatewayEnvironment.parse([name: value])
        } catch {
            #expect(error.variable == name)
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct IPAddressRangeTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.1.2.3", true), ("10.0.0.0/8", "11.0.0.1", false), ("127.0.0.1", "127.0.0.1:5555", true),
        ("127.0.0.1", "127.0.0.2", false), ("::1", "[::1]:8443", true), ("::1", "::1", true),
        ("fd00::/8", "fd12:3456::1", true), ("fd00::/8", "fe80::1", false), ("0.0.0.0/0", "203.0.113.9", true),
        ("192.168.1.0/24", "::ffff:192.168.1.7", true), ("172.16.0.0/12", "172.32.0.1", false),
    ])
    func membership(range: String, address: String, expected: Bool) throws {
        let r = try #require(IPAddressRange(range))
        #expect(r.contains(address) == expected)
    }

    @Test func aListHoldsAnAddressWhenOneOfItsRangesDoes() throws {
        let ranges = try ["10.0.0.0/8", "::1", "192.168.0.0/16"].map { try #require(IPAddressRange($0)) }
        #expect(ranges.containsAddress("192.168.4.4:80"))
        #expect(ranges.containsAddress("[::1]:8443"))
        #expect(!ranges.containsAddress("172.16.0.1:80"))
        #expect(!ranges.containsAddress("not-an-address"))
        #expect(![IPAddressRange]().containsAddress("10.0.0.1"))
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::1::2", "1:2:3:4:5:6:7:8:9", "10.0.0.0/x", "gg::1"])
    func malformed(text: String) {
        #expect(IPAddressRange(text) == nil)
    }
}
