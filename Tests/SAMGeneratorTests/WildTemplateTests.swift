import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// Templates of the shapes found in public SAM templates (issue 14): one test per defect, each on a template of
/// that shape under `Templates/wild/`, with its code folders. What is generated is also loaded with BoxCore's
/// loaders, the ones the daemons use.
@Suite("SAM templates from the wild")
struct WildTemplateTests {
    static func options(_ template: String, file: String = "template.yaml") -> GeneratorOptions {
        Fixtures.options(template: "wild/" + template, file: file)
    }

    static func generate(_ options: GeneratorOptions) throws(GenerationFailure) -> GeneratedProject {
        let text = (try? Fixtures.read(options.templateDirectory + "/" + options.templatePath)) ?? ""
        return try ProjectGenerator.generate(templateText: text, options: options, fileSystem: LocalFileSystem())
    }

    static func failure(_ options: GeneratorOptions) -> GenerationFailure? {
        do {
            _ = try generate(options)
            return nil
        } catch {
            return error
        }
    }

    static func file(_ project: GeneratedProject, _ path: String) -> String {
        project.files.first { $0.path == path }?.contents ?? ""
    }

    /// What the daemons would load from the generated files.
    static func load(_ project: GeneratedProject, environment: [String: String] = [:]) throws -> (
        FunctionsConfig, RoutingConfig
    ) {
        let functions = try FunctionsConfig.parse(
            file(project, "functions.yml"), path: "functions.yml", environment: environment)
        let routing = try RoutingConfig.parse(file(project, "routing.yml"), path: "routing.yml")
        #expect(routing.undefinedFunctions(in: functions).isEmpty)
        return (functions, routing)
    }

    // Defect 1: a FunctionName with capitals was refused.
    @Test func functionNamesKeepTheirCase() throws {
        let project = try Self.generate(Self.options("capital-names"))
        let (functions, routing) = try Self.load(project)
        #expect(functions.names.sorted() == ["Stations_ap-northeast-1", "WeatherFunction"])
        #expect(functions["WeatherFunction"]?.image == "weatherfunction:latest", "Docker image names are lower case")
        #expect(functions["Stations_ap-northeast-1"]?.environment["WEATHER_FUNCTION"] == "WeatherFunction")
        #expect(routing.routes.map(\.function) == ["WeatherFunction"])
        #expect(project.files.contains { $0.path == "functions/WeatherFunction/Dockerfile" })
    }

    // Defect 2: `Path: /plantest/` gave a routing.yml the gateway refused.
    @Test func eventPathsAreNormalisedAsAPIGatewayDoes() throws {
        let project = try Self.generate(Self.options("trailing-slash"))
        let (_, routing) = try Self.load(project)
        #expect(routing.routes.map(\.routeKey).sorted() == ["GET /", "GET /plantest", "POST /plans/{id}"])
    }

    /// The rule behind defect 2: a generated file the daemons refuse is an error of the run, not a file on disk.
    @Test func aFileTheDaemonsRefuseIsNeverWritten() {
        let files = [
            GeneratedFile(path: "functions.yml", contents: "functions:\n  a: {}\n"),
            GeneratedFile(path: "routing.yml", contents: "routes:\n  - path: /x/\n    method: GET\n    function: a\n"),
        ]
        let problems = GeneratedConfigCheck.problems(in: files, outputDirectory: "/out")
        #expect(
            problems.map(\.description) == [
                "error: the generated routing.yml would be refused by the box (routing.yml:2:11: path \"/x/\": path must not end with '/'); nothing was written"
            ])
        let unknown = [
            files[0],
            GeneratedFile(path: "routing.yml", contents: "routes:\n  - path: /x\n    method: GET\n    function: b\n"),
        ]
        #expect(GeneratedConfigCheck.problems(in: unknown, outputDirectory: "/out").count == 1)
    }

    // Defect 3: ImageConfig was ignored, so two functions sharing a Dockerfile ran the same handler.
    @Test func imageConfigGivesEachFunctionItsOwnCommand() throws {
        let project = try Self.generate(Self.options("image-config"))
        var files = Dictionary(uniqueKeysWithValues: project.files.map { ($0.path, $0.contents) })
        files["diagnostics.txt"] = project.warnings.map(\.description).joined(separator: "\n") + "\n"
        try Fixtures.checkGolden("wild/image-config", files: files)
        #expect(Self.file(project, "functions/start-function/Dockerfile").contains("CMD [\"app.start\"]"))
        #expect(Self.file(project, "functions/status-function/Dockerfile").contains("CMD [\"app.status\"]"))
        let (functions, _) = try Self.load(project)
        #expect(functions["start-function"]?.image != functions["status-function"]?.image)
        #expect(functions["vendor-function"]?.image == "vendor-function:latest", "built FROM the ImageUri")
    }

    // Defect 4: references SAM generates were hard errors.
    @Test func referencesSAMGeneratesResolve() throws {
        let project = try Self.generate(Self.options("sam-refs"))
        let (functions, _) = try Self.load(project)
        let environment = try #require(functions["caller-function"]?.environment)
        #expect(environment["TARGET_ALIAS"] == "orders-function")
        #expect(environment["TARGET_VERSION"] == "orders-function")
        #expect(environment["TARGET_ALIAS_ID"] == "orders-function")
        #expect(environment["TARGET_SUB"] == "orders-function")
        #expect(environment["ROLE_ARN"] == "arn:aws:iam::000000000000:role/orders-function-role")
        #expect(environment["ROLE_NAME"] == "orders-function-role")
        #expect(
            environment["REST_URL"]
                == "https://serverless-rest-api.execute-api.ap-northeast-1.amazonaws.com/Prod/orders")
        #expect(environment["HTTP_API"] == "serverless-http-api")
    }

    // Defect 5: only the first error per function was reported, and a missing parameter hid everything else.
    @Test func everyErrorOfTheRunIsReported() throws {
        let failure = try #require(Self.failure(Self.options("many-errors")))
        let lines = failure.errors.map { $0.description.replacingOccurrences(of: "template.yaml:", with: "") }
        #expect(
            lines == [
                "6:3: error: parameter Owner has no Default; pass --param Owner=VALUE",
                "14:16: error: Handler must be MODULE.FUNCTION, found \"nohandler\"",
                "16:16: error: Timeout must be between 1 and 900, found 901",
                "17:19: error: MemorySize must be between 128 and 10240, found 64",
                "25:19: error: path parameter must be a whole segment like {id}: \"{id}x\"",
                "27:9: error: Api event NoMethod needs both Path and Method",
                "37:23: error: Architectures must be x86_64 or arm64, found \"sparc\"",
            ])
    }

    // Defect 6: messages that left a SAM user guessing.
    @Test func messagesSayWhatIsWrong() throws {
        let failure = try #require(Self.failure(Self.options("messages")))
        let lines = failure.errors.map(\.description)
        #expect(
            lines.contains {
                $0.contains("is too long (90 > 64 characters)")
                    && $0.contains("made from the logical id ThisFunctionHasAVeryLong")
            }, "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "template.yaml:18:3: error: Fn::ForEach::Topics: Fn::ForEach (the AWS::LanguageExtensions transform) is not supported"
                )
            })
        #expect(lines.contains { $0.hasPrefix("template.yaml:23:3: error: Fn::Transform (AWS::Include or a macro)") })
        #expect(lines.count == 3, "\(lines)")
        let warnings = failure.warnings.map(\.description)
        // AWS::LanguageExtensions no longer warns: esb applies what it adds where it needs it (Fn::FindInMap's
        // DefaultValue, Fn::Length) and refuses Fn::ForEach by name, above (LanguageExtensionsTests).
        #expect(!warnings.contains { $0.contains("AWS::LanguageExtensions") }, "\(warnings)")
        // It points at the line of what it names (it pointed at the Metadata block before).
        #expect(
            warnings.contains {
                $0.hasPrefix("template.yaml:17:20: warning: Metadata.BuildMethod makefile is not supported")
            })

        let bucket = try #require(Self.failure(Self.options("My_Project")))
        #expect(
            bucket.errors.map(\.description) == [
                "template.yaml:9:19: error: bucket name \"My_Project-uploads\" (18 characters) is not valid: 3 to 63 of [a-z0-9.-], starting and ending with a letter or digit; it contains AWS::StackName, which is the template's folder name \"My_Project\" unless --stack-name is given"
            ])
        var named = Self.options("My_Project")
        named.stackName = "my-project"
        #expect(try Self.generate(named).summary.buckets == 1)

        var unknownParameter = Self.options("capital-names")
        unknownParameter.parameters = ["Stage": "dev"]
        let project = try Self.generate(unknownParameter)
        #expect(
            project.warnings.map(\.description) == [
                "warning: --param Stage matches no parameter of template.yaml (the template has no Parameters); ignored"
            ])
    }

    // Defect 7: reserved variables were warned about and then kept.
    @Test func reservedVariablesAreDropped() throws {
        let project = try Self.generate(Self.options("reserved"))
        let (functions, _) = try Self.load(project, environment: ["LOG_LEVEL": "INFO"])
        let environment = try #require(functions["orders-function"]?.environment)
        #expect(
            environment == ["TABLE": "orders", "LOG_LEVEL": "DEBUG"],
            "the function's own LOG_LEVEL wins over the defaults")
        #expect(project.warnings.filter { $0.message.contains("reserved by Lambda") }.count == 3)
    }

    // Defect 8: duplicate keys were a hard error; samconfig.toml and --parameter-overrides unknown.
    @Test func duplicateKeysTakeTheLastValueWithALocatedWarning() throws {
        var options = Self.options("template-yml", file: "template.yml")
        options.parameters = ["Stage": "dev"]
        let project = try Self.generate(options)
        #expect(
            project.warnings.map(\.description).contains(
                "template.yml:22:7: warning: duplicate key \"Timeout\" (first at line 21); the last one is used, as CloudFormation does"
            ))
        let (functions, _) = try Self.load(project)
        #expect(functions["hello-dev-nobody"]?.timeout == 7)
    }

    @Test func samconfigTomlGivesParametersRegionAndStackName() throws {
        var request = GenerateRequest()
        request.template = Fixtures.templates + "/wild/template-yml/template.yml"
        let (options, _) = try GenerateCommandRunner.options(for: request)
        #expect(options.parameters == ["Stage": "dev", "Owner": "team-a"], "build's table, not deploy's")
        #expect(options.region == "eu-west-1")
        #expect(options.stackName == "hello-stack")
        request.parameterOverrides = ["Owner=ops ParameterKey=Stage,ParameterValue=prod"]
        request.region = "us-east-1"
        let (overridden, _) = try GenerateCommandRunner.options(for: request)
        #expect(overridden.parameters == ["Stage": "prod", "Owner": "ops"])
        #expect(overridden.region == "us-east-1")
    }

    @Test(arguments: [
        ("A=1 B=2", [("A", "1"), ("B", "2")]),
        ("Name=\"two words\" Empty=", [("Name", "two words"), ("Empty", "")]),
        ("K='single quoted' X=a=b", [("K", "single quoted"), ("X", "a=b")]),
        ("ParameterKey=Stage,ParameterValue=prod", [("Stage", "prod")]),
    ])
    func parameterOverrides(_ text: String, _ expected: [(String, String)]) throws {
        let pairs = try ParameterOverrides.parse(text)
        #expect(pairs.map(\.0) == expected.map(\.0))
        #expect(pairs.map(\.1) == expected.map(\.1))
    }

    // Defect 9: warning noise; --skip-unsupported.
    @Test func noEffectWarningsAreGroupedAndUnsupportedRuntimesCanBeLeftOut() throws {
        #expect(
            Self.failure(Self.options("noisy"))?.errors.first?.message.contains(
                "runtime \"provided.al2023\" is not supported") == true)
        var options = Self.options("noisy")
        options.skipUnsupported = true
        let project = try Self.generate(options)
        let loud = project.warnings.filter { $0.noEffectGroup == nil }.map(\.message)
        #expect(
            loud.contains {
                $0.hasPrefix(
                    "layer arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:40 is an ARN")
            })
        #expect(loud.contains { $0.hasPrefix("handler module worker of WorkerFunction is not in its CodeUri") })
        #expect(loud.contains { $0.hasPrefix("function GoWorkerFunction is left out (--skip-unsupported)") })
        let quiet = Set(project.warnings.compactMap(\.noEffectGroup))
        #expect(
            quiet == [
                "Tracing", "Role", "LoggingConfig", "RequestParameters", "Policies", "AWS::IAM::Role",
                "AWS::Logs::LogGroup",
                "AWS::Lambda::Permission", "AWS::CloudWatch::Alarm",
            ])
        #expect(project.summary.skippedFunctions == 1)
        let (_, routing) = try Self.load(project)
        #expect(
            !routing.routes.contains { $0.method.rawValue == "PUT" }, "the left-out function's route is not written")

        let recorder = GenerateCommandTests.Recorder()
        GenerateCommandRunner.printDiagnostics(project.warnings, verbose: false, console: recorder.console)
        #expect(
            recorder.all.filter { $0.hasPrefix("err: note:") } == [
                "err: note: 10 setting(s) with no effect in the box ignored: Tracing, Role, LoggingConfig, RequestParameters, Policies, AWS::IAM::Role, AWS::Logs::LogGroup ×2, AWS::Lambda::Permission, AWS::CloudWatch::Alarm (--verbose lists them)"
            ])
        #expect(
            GenerateCommandRunner.summaryLine(project)
                == "2 functions, 2 routes, 1 table, 1 function left out, \(project.warnings.count) warnings")
    }

    // Issue 13, item 11: the box's LOG_LEVEL reaches every function through the generated defaults.
    @Test func logLevelReachesTheFunctions() throws {
        let project = try Self.generate(Self.options("capital-names"))
        #expect(
            Self.file(project, "functions.yml").contains("defaults:\n  environment:\n    LOG_LEVEL: \"${LOG_LEVEL}\"\n")
        )
        let (functions, _) = try Self.load(project, environment: ["LOG_LEVEL": "DEBUG"])
        #expect(functions.functions.allSatisfy { $0.environment["LOG_LEVEL"] == "DEBUG" })
    }
}
