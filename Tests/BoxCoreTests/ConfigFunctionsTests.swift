import BoxCore
import Testing

/// `functions.yml` loading (docs/contract.md §2.1): defaults, merging, substitution and every error with its position.
struct ConfigFunctionsTests {
    static let sample = """
        defaults:
          environment: { LOG_LEVEL: "${LOG_LEVEL}", AWS_DEFAULT_REGION: "ap-northeast-1" }
          timeout: 30
          memory_size: 128
          max_concurrency: 4
          min_warm: 0
        functions:
          lambda-hello:
            image: "lambda-hello:latest"
            environment: { GREETING: "hi", AWS_DEFAULT_REGION: "us-east-1" }
            timeout: 10
          lambda-ping:
          lambda-fast:
            timeout: 0.5
            memory_size: 256
            max_concurrency: 8
            min_warm: 2
            rie_concurrency: 4
            runtime: python3.12
            handler: app.handler
        """

    @Test func sampleLoadsWithDefaultsMerged() throws {
        let config = try FunctionsConfig.parse(Self.sample, path: "functions.yml", environment: ["LOG_LEVEL": "DEBUG"])
        #expect(config.names == ["lambda-hello", "lambda-ping", "lambda-fast"])
        #expect(!config.isMissingFile)
        #expect(
            config["lambda-hello"]
                == FunctionConfig(
                    name: "lambda-hello", image: "lambda-hello:latest",
                    environment: ["LOG_LEVEL": "DEBUG", "AWS_DEFAULT_REGION": "us-east-1", "GREETING": "hi"],
                    timeout: 10, memorySize: 128, maxConcurrency: 4, minWarm: 0, rieConcurrency: 1))
        #expect(
            config["lambda-ping"]
                == FunctionConfig(
                    name: "lambda-ping", image: "lambda-ping:latest",
                    environment: ["LOG_LEVEL": "DEBUG", "AWS_DEFAULT_REGION": "ap-northeast-1"], timeout: 30))
        let fast = try #require(config["lambda-fast"])
        #expect(fast.timeout == 0.5)
        #expect(fast.memorySize == 256)
        #expect(fast.maxConcurrency == 8)
        #expect(fast.minWarm == 2)
        #expect(fast.rieConcurrency == 4)
        #expect(fast.runtime == "python3.12")
        #expect(fast.handler == "app.handler")
        #expect(config["nope"] == nil)
        #expect(
            config["lambda-hello"]?.environmentList == [
                "AWS_DEFAULT_REGION=us-east-1", "GREETING=hi", "LOG_LEVEL=DEBUG",
            ])
    }

    @Test func fallbacksApplyWithoutDefaults() throws {
        let config = try FunctionsConfig.parse("functions:\n  a:\n", path: "f.yml", environment: [:])
        #expect(config["a"] == FunctionConfig(name: "a"))
        let a = try #require(config["a"])
        #expect(a.image == "a:latest")
        #expect(a.timeout == 30 && a.memorySize == 128 && a.maxConcurrency == 4 && a.minWarm == 0)
        #expect(a.rieConcurrency == 1 && a.runtime == nil && a.handler == nil && a.environment.isEmpty)
    }

    @Test(arguments: ["", "# nothing\n", "functions:\n", "defaults:\n", "functions: {}\n", "defaults: {timeout: 3}\n"])
    func emptyConfigurations(_ text: String) throws {
        let config = try FunctionsConfig.parse(text, path: "f.yml", environment: [:])
        #expect(config.functions.isEmpty)
        #expect(!config.isMissingFile)
    }

    @Test func defaultsImageAppliesToEveryFunction() throws {
        let config = try FunctionsConfig.parse(
            "defaults: {image: shared:1}\nfunctions: {a: , b: {image: own:2}}", path: "f", environment: [:])
        #expect(config["a"]?.image == "shared:1")
        #expect(config["b"]?.image == "own:2")
    }

    @Test func numbersAndBooleansInEnvironmentKeepTheirText() throws {
        let config = try FunctionsConfig.parse(
            "functions:\n  a:\n    environment: {PORT: 8080, DEBUG: true, RATIO: 0.50, EMPTY: ''}", path: "f",
            environment: [:])
        #expect(config["a"]?.environment == ["PORT": "8080", "DEBUG": "true", "RATIO": "0.50", "EMPTY": ""])
    }

    @Test func asynchronousInvocationKeysDefaultToAWSAndInheritFromDefaults() throws {
        let config = try FunctionsConfig.parse(
            "defaults:\n  event_retry_attempts: 1\nfunctions:\n  a:\n  b:\n    event_max_age: 60\n    event_retry_attempts: 0\n    on_failure: a\n",
            path: "f", environment: [:])
        #expect(config["a"]?.eventMaxAge == 21_600)
        #expect(config["a"]?.eventRetryAttempts == 1)
        #expect(config["a"]?.onFailure == nil)
        #expect(config["b"]?.eventMaxAge == 60)
        #expect(config["b"]?.eventRetryAttempts == 0)
        #expect(config["b"]?.onFailure == "a")
    }

    static let errorCases: [(text: String, line: String)] = [
        ("functions:\n  a:\n    timeout: abc\n", "f.yml:3:14: timeout: expected a number, found \"abc\""),
        ("functions:\n  a:\n    timeout: 0\n", "f.yml:3:14: timeout must be a number of seconds greater than 0"),
        ("functions:\n  a:\n    timeout: -1.5\n", "f.yml:3:14: timeout must be a number of seconds greater than 0"),
        ("functions:\n  a:\n    timeout: .inf\n", "f.yml:3:14: timeout must be a number of seconds greater than 0"),
        ("functions:\n  a:\n    memory_size: 64\n", "f.yml:3:18: memory_size must be at least 128 (MB), found 64"),
        ("functions:\n  a:\n    memory_size: 1.5\n", "f.yml:3:18: memory_size: expected an integer, found \"1.5\""),
        // Out of Lambda's ranges (docs/configuration.md): located errors, where these used to trap the daemons.
        ("functions:\n  a:\n    timeout: 1e300\n", "f.yml:3:14: timeout must be at most 900 seconds, found 1e300"),
        ("defaults:\n  timeout: 900.5\n", "f.yml:2:12: timeout must be at most 900 seconds, found 900.5"),
        (
            "functions:\n  a:\n    memory_size: 1000000000\n",
            "f.yml:3:18: memory_size must be at most 10240 (MB), found 1000000000"
        ),
        (
            "functions:\n  a:\n    memory_size: 10241\n",
            "f.yml:3:18: memory_size must be at most 10240 (MB), found 10241"
        ),
        ("functions:\n  a:\n    max_concurrency: 0\n", "f.yml:3:22: max_concurrency must be at least 1, found 0"),
        ("functions:\n  a:\n    min_warm: -1\n", "f.yml:3:15: min_warm must be at least 0, found -1"),
        ("functions:\n  a:\n    rie_concurrency: 0\n", "f.yml:3:22: rie_concurrency must be at least 1, found 0"),
        (
            "functions:\n  a:\n    min_warm: 5\n",
            "f.yml:3:15: function \"a\": min_warm (5) must not exceed max_concurrency (4)"
        ),
        (
            "defaults:\n  min_warm: 5\nfunctions:\n  a:\n",
            "f.yml:4:3: function \"a\": min_warm (5 from defaults) must not exceed max_concurrency (4)"
        ),
        ("functions:\n  a:\n    image: ''\n", "f.yml:3:12: image must be a non-empty image reference without spaces"),
        ("functions:\n  a:\n    image: [x]\n", "f.yml:3:12: image: expected a string, found a sequence"),
        (
            "functions:\n  a:\n    imag: x\n",
            "f.yml:3:5: unknown key \"imag\" (expected one of: environment, event_max_age, event_retry_attempts, handler, image, max_concurrency, memory_size, min_warm, on_failure, rie_concurrency, runtime, timeout)"
        ),
        (
            "functions:\n  a:\n    event_max_age: 59\n",
            "f.yml:3:20: event_max_age must be 60 to 21600 (seconds), found 59"
        ),
        (
            "functions:\n  a:\n    event_max_age: 21601\n",
            "f.yml:3:20: event_max_age must be 60 to 21600 (seconds), found 21601"
        ),
        ("functions:\n  a:\n    event_retry_attempts: 3\n", "f.yml:3:27: event_retry_attempts must be 0 to 2, found 3"),
        (
            "functions:\n  a:\n    on_failure: \"no way\"\n",
            "f.yml:3:17: on_failure must name a function, found \"no way\""
        ),
        ("function:\n  a:\n", "f.yml:1:1: unknown key \"function\" (expected one of: defaults, functions)"),
        (
            "functions:\n  Bad/Name:\n",
            "f.yml:2:3: invalid function name \"Bad/Name\": use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)"
        ),
        (
            "functions:\n  a*b:\n",
            "f.yml:2:3: invalid function name \"a*b\": use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)"
        ),
        (
            "functions:\n  \(String(repeating: "a", count: 65)):\n",
            "f.yml:2:3: invalid function name \"\(String(repeating: "a", count: 65))\": use 1 to 64 of A-Z a-z 0-9 _ - (AWS's rule; . is also accepted)"
        ),
        ("functions:\n  a:\n  b:\n  a:\n", "f.yml:4:3: duplicate key \"a\" (first at line 2)"),
        (
            "functions:\n  a:\n    timeout: 1\n    timeout: 2\n",
            "f.yml:4:5: duplicate key \"timeout\" (first at line 3)"
        ),
        ("functions:\n  - a\n  - b\n", "f.yml:2:3: functions: expected a mapping, found a sequence"),
        ("functions:\n  a: [1]\n", "f.yml:2:6: function \"a\": expected a mapping, found a sequence"),
        ("defaults: 3\n", "f.yml:1:11: defaults: expected a mapping, found \"3\""),
        ("- a\n", "f.yml:1:1: expected a mapping, found a sequence"),
        ("functions:\n  a:\n    environment: [A=1]\n", "f.yml:3:18: environment: expected a mapping, found a sequence"),
        (
            "functions:\n  a:\n    environment: {1A: x}\n",
            "f.yml:3:19: invalid environment variable name \"1A\": use letters, digits and '_', not starting with a digit"
        ),
        ("functions:\n  a:\n    environment: {A: {b: c}}\n", "f.yml:3:22: A: expected a string, found a mapping"),
        ("functions:\n  a:\n    environment: {A: }\n", "f.yml:3:22: A: expected a string, found null"),
        ("functions:\n  a:\n    runtime: [x]\n", "f.yml:3:14: runtime: expected a string, found a sequence"),
        (
            "functions:\n  a:\n    timeout: 3\n   bad\n",
            "f.yml:4:4: did not find expected key (while parsing a block mapping at 2:3)"
        ),
        (
            "functions: {a: {timeout: 1}\n",
            "f.yml:2:1: did not find expected ',' or '}' (while parsing a flow mapping at 1:12)"
        ),
    ]

    @Test(arguments: errorCases)
    func errorsCarryFileLineColumn(text: String, line: String) {
        do {
            _ = try FunctionsConfig.parse(text, path: "f.yml", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == line)
        }
    }

    @Test func everyProblemIsReportedInFileOrder() {
        let text = "functions:\n  Bad!:\n  b:\n    timeout: x\n  c:\n    memory_size: 1\n"
        do {
            _ = try FunctionsConfig.parse(text, path: "conf/functions.yml", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.line) == [2, 4, 6])
            #expect(error.description.split(separator: "\n").allSatisfy { $0.hasPrefix("conf/functions.yml:") })
        }
    }
}
