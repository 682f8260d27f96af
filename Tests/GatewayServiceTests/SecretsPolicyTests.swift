import Foundation
import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct SecretsPolicyTests {
    static let strong = [
        "JWT_SECRET_KEY": String(repeating: "k", count: 40), "X_API_KEY": "key-1", "AUTH_USER": "alice",
        "AUTH_PASS": "pw-1", "MANAGER_TOKEN": "tok-1", "INVOKE_ACCESS_KEY_ID": "AK", "INVOKE_SECRET_ACCESS_KEY": "SK",
    ]

    @Test func strongSecretsPassQuietly() throws {
        let env = try GatewayEnvironment.parse(Self.strong)
        let d = try SecretsPolicy.evaluate(env) { [] }
        #expect(d.warnings.isEmpty)
        #expect(!d.jwtKeyGenerated)
        #expect(d.jwtKey == Array(String(repeating: "k", count: 40).utf8))
    }

    @Test func missingJWTKeyIsRandomForThisRunWithAWarning() throws {
        var vars = Self.strong
        vars["JWT_SECRET_KEY"] = nil
        let d = try SecretsPolicy.evaluate(try GatewayEnvironment.parse(vars)) { [UInt8](repeating: 7, count: 32) }
        #expect(d.jwtKeyGenerated)
        #expect(d.jwtKey == [UInt8](repeating: 7, count: 32))
        #expect(d.warnings.contains { $0.contains("JWT_SECRET_KEY") })
    }

    @Test(arguments: ["development", "production"])
    func shortJWTKeyIsAlwaysRefused(mode: String) throws {
        var vars = Self.strong
        vars["JWT_SECRET_KEY"] = String(repeating: "s", count: 31)
        vars["ESB_ENV"] = mode
        let env = try GatewayEnvironment.parse(vars)
        #expect(throws: GatewayEnvironmentError.self) { try SecretsPolicy.evaluate(env) { [] } }
    }

    @Test(arguments: ["JWT_SECRET_KEY", "X_API_KEY", "AUTH_PASS", "MANAGER_TOKEN"])
    func developmentValueWarnsOrIsRefusedInProduction(name: String) throws {
        var vars = Self.strong
        vars[name] = SecretsPolicy.developmentValues[name]
        let d = try SecretsPolicy.evaluate(try GatewayEnvironment.parse(vars)) { [] }
        #expect(d.warnings.contains { $0.contains(name) && $0.contains("INSECURE") })
        vars["ESB_ENV"] = "production"
        let prod = try GatewayEnvironment.parse(vars)
        #expect(throws: GatewayEnvironmentError.self) { try SecretsPolicy.evaluate(prod) { [] } }
        vars[name] = nil
        let missing = try GatewayEnvironment.parse(vars)
        #expect(throws: GatewayEnvironmentError.self) { try SecretsPolicy.evaluate(missing) { [] } }
    }

    /// The development values in code are the ones documented in the repository's `.env.example`.
    @Test func envExampleHoldsTheDevelopmentValues() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent(".env.example"), encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let kv = line.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { values[String(kv[0])] = String(kv[1]) }
        }
        for (name, value) in SecretsPolicy.developmentValues {
            #expect(values[name] == value, "\(name) in .env.example")
        }
        #expect(values["INVOKE_ACCESS_KEY_ID"] == values["WORKER_ACCESS_KEY_ID"])
        #expect(values["INVOKE_SECRET_ACCESS_KEY"] == values["WORKER_SECRET_ACCESS_KEY"])
        #expect(try GatewayEnvironment.parse(values).jwtSecretKey.map { $0.utf8.count >= 32 } == true)
    }
}
