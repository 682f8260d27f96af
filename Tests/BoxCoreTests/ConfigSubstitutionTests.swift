import BoxCore
import Testing

/// `${NAME}` / `$NAME` substitution in values (docs/contract.md §2.1).
struct ConfigSubstitutionTests {
    static let env = ["HOST": "db.local", "PORT": "5432", "EMPTY": "", "A_1": "x", "YAML": "a: b\n- c: {d"]

    static let cases: [(input: String, output: String)] = [
        ("plain", "plain"),
        ("${HOST}", "db.local"),
        ("$HOST", "db.local"),
        ("http://${HOST}:$PORT/x", "http://db.local:5432/x"),
        ("$$", "$"),
        ("$${HOST}", "${HOST}"),
        ("$$HOST", "$HOST"),
        ("$$$HOST", "$db.local"),
        ("${UNKNOWN}", "${UNKNOWN}"),
        ("$UNKNOWN/x", "$UNKNOWN/x"),
        ("${HOST", "${HOST"),
        ("${}", "${}"),
        ("${1A}", "${1A}"),
        ("$1", "$1"),
        ("$", "$"),
        ("a$", "a$"),
        ("$-x", "$-x"),
        ("${EMPTY}!", "!"),
        ("$A_1b", "$A_1b"),
        ("$A_1-b", "x-b"),
        ("${A_1}b", "xb"),
        ("€${HOST}€", "€db.local€"),
        ("${HOST}${PORT}", "db.local5432"),
    ]

    @Test(arguments: cases)
    func substitutes(input: String, output: String) {
        #expect(EnvironmentSubstitution.apply(input, environment: Self.env) == output)
    }

    @Test func valuesFromTheEnvironmentCannotInjectYAML() throws {
        let text = "functions:\n  a:\n    environment:\n      X: ${YAML}\n      Y: \"$YAML\"\n    image: $HOST\n"
        let config = try FunctionsConfig.parse(text, path: "f.yml", environment: Self.env)
        #expect(config["a"]?.environment == ["X": "a: b\n- c: {d", "Y": "a: b\n- c: {d"])
        #expect(config["a"]?.image == "db.local")
    }

    @Test func keysAreNeverSubstituted() {
        do {
            _ = try FunctionsConfig.parse("functions:\n  ${HOST}:\n", path: "f.yml", environment: Self.env)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("f.yml:2:3: invalid function name \"${HOST}\""))
        }
        let config = try? FunctionsConfig.parse(
            "functions:\n  a:\n    environment: {$HOST: 1}\n", path: "f", environment: Self.env)
        #expect(config == nil)
    }

    @Test func substitutedNumbersAreTyped() throws {
        let config = try FunctionsConfig.parse(
            "functions:\n  a:\n    timeout: ${T}\n    memory_size: $M\n", path: "f",
            environment: ["T": "2.5", "M": "512"])
        #expect(config["a"]?.timeout == 2.5)
        #expect(config["a"]?.memorySize == 512)
    }

    @Test func substitutedBadNumberIsReportedAtTheValue() {
        do {
            _ = try FunctionsConfig.parse(
                "functions:\n  a:\n    timeout: ${T}\n", path: "f", environment: ["T": "soon"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "f:3:14: timeout: expected a number, found \"soon\"")
        }
    }

    @Test func dollarDollarSurvivesForLiteralDollars() throws {
        let config = try FunctionsConfig.parse(
            "functions:\n  a:\n    environment: {P: \"/orders/$${orderId}\"}\n", path: "f",
            environment: ["orderId": "1"])
        #expect(config["a"]?.environment["P"] == "/orders/${orderId}")
    }
}
