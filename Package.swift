// swift-tools-version:6.2
// Edge Serverless Box: module graph of docs/architecture.md §1.
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode, C types never leak through public API.
let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

/// Pure modules (no C imports): also checked for unsafe constructs.
let pureSwift: [SwiftSetting] = strictSwift + [.strictMemorySafety()]

let testTargets: [Target] = [
    // Shared by the suites that drive the real Docker engine (docs/testing.md).
    .target(
        name: "ESBTestSupport", dependencies: ["DockerEngine"], path: "Tests/ESBTestSupport", swiftSettings: strictSwift
    ),
    .testTarget(name: "YAMLTests", dependencies: ["YAML"], swiftSettings: strictSwift),
    .testTarget(name: "BoxCryptoTests", dependencies: ["BoxCrypto"], swiftSettings: strictSwift),
    .testTarget(name: "PosixTests", dependencies: ["Posix"], swiftSettings: strictSwift),
    .testTarget(
        name: "BoxCoreTests",
        dependencies: [
            "BoxCore", "YAML", "BoxCrypto", "ESBTestSupport", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strictSwift),
    .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1", "ESBTestSupport"], swiftSettings: strictSwift),
    .testTarget(
        name: "ReactorTests", dependencies: ["Reactor", "TLS", "Posix", "HTTP1", "BoxCrypto"],
        swiftSettings: strictSwift),
    .testTarget(
        name: "TelemetryTests",
        dependencies: ["Telemetry", "BoxCore", "Reactor", "HTTP1", .product(name: "Logging", package: "swift-log")],
        swiftSettings: strictSwift),
    .testTarget(
        name: "DockerEngineTests", dependencies: ["DockerEngine", "ESBTestSupport"], swiftSettings: strictSwift),
    .testTarget(
        name: "ManagerServiceTests",
        dependencies: [
            "ManagerService", "ManagerAPI", "DockerEngine", "BoxCore", "Reactor", "HTTP1", "ESBTestSupport",
        ],
        swiftSettings: strictSwift
    ),
    .testTarget(
        name: "GatewayServiceTests",
        dependencies: [
            "GatewayService", "ManagerService", "BoxCore", "Posix", "Reactor", "HTTP1", "TLS", "BoxCrypto", "Telemetry",
            "ESBTestSupport",
        ],
        swiftSettings: strictSwift
    ),
    .testTarget(
        name: "SAMGeneratorTests", dependencies: ["SAMGenerator", "ESBCommands", "BoxCore", "YAML"],
        swiftSettings: strictSwift
    ),
]

let package = Package(
    name: "EdgeServerlessBox",
    products: [
        .executable(name: "esb-gateway", targets: ["esb-gateway"]),
        .executable(name: "esb-manager", targets: ["esb-manager"]),
        .executable(name: "esb", targets: ["esb"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Observability on the ecosystem's APIs (docs/observability.md); neither pulls SwiftNIO (swift-prometheus
        // brings swift-metrics' CoreMetrics and swift-atomics).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
    ],
    targets: [
        // C boundary
        .target(name: "CLinuxShims"),
        .target(
            name: "COpenSSLShims",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .systemLibrary(name: "CLibYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // The export lets GnuTLS (loaded with libcurl) find ccurl.c's `_gnutls_global_init_skip` (docs/performance.md).
        .target(
            name: "CCurl",
            linkerSettings: [
                .linkedLibrary("curl"),
                .unsafeFlags(["-Xlinker", "--export-dynamic-symbol=_gnutls_global_init_skip"]),
            ]
        ),

        // Swift over C: the only modules that touch Unsafe* and C types.
        .target(name: "Posix", dependencies: ["CLinuxShims"], swiftSettings: strictSwift),
        .target(name: "BoxCrypto", dependencies: ["COpenSSLShims"], swiftSettings: strictSwift),
        .target(name: "TLS", dependencies: ["COpenSSLShims", "BoxCrypto", "Posix"], swiftSettings: strictSwift),
        .target(name: "YAML", dependencies: ["CLibYAML"], swiftSettings: strictSwift),
        .target(name: "DockerEngine", dependencies: ["CCurl", "BoxCore", "Posix"], swiftSettings: strictSwift),

        // Pure Swift
        .target(name: "HTTP1", swiftSettings: pureSwift),
        .target(
            name: "Reactor",
            dependencies: ["CLinuxShims", "Posix", "TLS", "HTTP1"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "BoxCore",
            dependencies: ["YAML", "BoxCrypto", "HTTP1", "Posix", .product(name: "Logging", package: "swift-log")],
            swiftSettings: pureSwift
        ),
        // The Manager API's messages, read and written the same way by both daemons (docs/manager-api.md).
        .target(name: "ManagerAPI", dependencies: ["BoxCore"], swiftSettings: pureSwift),

        // Log lines to stdout and VictoriaLogs, Prometheus text: shared by both daemons.
        .target(
            name: "Telemetry",
            dependencies: [
                "BoxCore", "HTTP1", "Posix", .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: pureSwift
        ),

        // Services: all the logic, all testable.
        .target(
            name: "GatewayService",
            dependencies: [
                "BoxCore", "HTTP1", "Posix", "Reactor", "TLS", "BoxCrypto", "Telemetry", "ManagerAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: pureSwift
        ),
        .target(
            name: "ManagerService",
            dependencies: [
                "BoxCore", "HTTP1", "Posix", "Reactor", "DockerEngine", "BoxCrypto", "Telemetry", "ManagerAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: pureSwift
        ),
        // `esb generate`'s engine: template text in, files out; no I/O but through its ProjectFileSystem
        // (docs/sam-support.md). The commands that do I/O (build, provision, invoke, logs, deploy) are ESBCommands.
        // Resources/sitecustomize.py links to runtime/python/sitecustomize.py: the runtime patch compiled into the
        // binary as bytes (no resource bundle), so `esb` works anywhere with one copy of the file in the repository.
        .target(
            name: "SAMGenerator", dependencies: ["BoxCore", "YAML", "BoxCrypto"],
            resources: [.embedInCode("Resources/sitecustomize.py")], swiftSettings: pureSwift),
        .target(
            name: "ESBCommands",
            dependencies: [
                "SAMGenerator", "BoxCore", "YAML", "BoxCrypto", "HTTP1", "Posix", "Reactor", "TLS", "DockerEngine",
            ],
            swiftSettings: pureSwift
        ),

        // Executables: thin main.swift files.
        // Both daemons' release builds link the Swift runtime statically, as the image does (Dockerfile): about
        // 2 MB less idle resident memory each than the shared runtime libraries (docs/performance.md, "Memory"),
        // and the benchmarks measure what ships.
        .executableTarget(
            name: "esb-gateway", dependencies: ["GatewayService", "BoxCore", "Posix"], swiftSettings: pureSwift,
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]),
        .executableTarget(
            name: "esb-manager", dependencies: ["ManagerService", "BoxCore", "Posix"], swiftSettings: pureSwift,
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]),
        .executableTarget(
            name: "esb",
            dependencies: [
                "ESBCommands", "SAMGenerator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: pureSwift
        ),
    ] + testTargets
)

// Benchmark server for bench/http-bench.sh (issue 3): a TLS keep-alive hello-world on the Reactor.
package.targets.append(
    .executableTarget(
        name: "esb-bench-http", dependencies: ["Reactor", "TLS", "HTTP1"], path: "bench/esb-bench-http",
        swiftSettings: strictSwift
    )
)
