import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// Function shapes seen in public SAM examples that esb cannot build: what the user is told, and what
/// `--skip-unsupported` does with them (docs/sam-support.md). Through `esb generate` on real files.
@Suite("Functions esb cannot build")
struct PublicShapesTests {
    static let template = """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          LocalFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.handler
              Runtime: python3.12
              Events:
                Get: {Type: Api, Properties: {Path: /local, Method: get}}
          ZipInS3Function:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: s3://sam-demo-bucket/hello.zip
              Handler: hello.handler
              Runtime: python3.12
              Events:
                Get: {Type: Api, Properties: {Path: /s3, Method: get}}
          ObjectInS3Function:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri:
                Bucket: sam-demo-bucket
                Key: hello.zip
                Version: 3Tcgv52_0GaDvhDva4YciYeqRyPnpIcO
              Handler: hello.handler
              Runtime: nodejs20.x

        """

    static func run(_ skipUnsupported: Bool) throws -> APIDefinitionTests.Run {
        let folder = try APIDefinitionTests.generate(["template.yaml": template]).folder
        var request = GenerateRequest()
        request.template = folder + "/template.yaml"
        request.output = folder + "/out"
        request.skipUnsupported = skipUnsupported
        let recorder = GenerateCommandTests.Recorder()
        let status = GenerateCommandRunner.run(request, console: recorder.console)
        return APIDefinitionTests.Run(status: status, folder: folder, lines: recorder.all)
    }

    // Was: the S3 location object was "CodeUri must be a local folder path", and --skip-unsupported did not help.
    @Test func codeInS3IsALocatedErrorThatSkipUnsupportedTurnsIntoAWarning() throws {
        let refused = try Self.run(false)
        defer { try? FileManager.default.removeItem(atPath: refused.folder) }
        #expect(refused.status == 1)
        let hint =
            "CodeUri is an S3 location; esb builds from local folders only (--skip-unsupported leaves such functions out)"
        #expect(
            refused.diagnostics == ["template.yaml:14:16: error: \(hint)", "template.yaml:23:9: error: \(hint)"],
            "\(refused.lines)")

        let skipped = try Self.run(true)
        defer { try? FileManager.default.removeItem(atPath: skipped.folder) }
        #expect(skipped.status == 0, "\(skipped.lines)")
        #expect(try skipped.routes() == ["GET /local local-function 1.0"])
        #expect(
            skipped.diagnostics == [
                "template.yaml:14:16: warning: function ZipInS3Function is left out (--skip-unsupported): its code is in S3 (CodeUri), which esb cannot build from; its events are ignored",
                "template.yaml:23:9: warning: function ObjectInS3Function is left out (--skip-unsupported): its code is in S3 (CodeUri), which esb cannot build from; its events are ignored",
            ], "\(skipped.lines)")
    }

    // Was: "CodeUri "src/function.py" is a file; esb needs the folder of the code".
    @Test func aSingleSourceFileIsTheWholeCode() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              SubmitFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/app.py
                  Handler: app.handler
                  Runtime: python3.12

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let manifest = try BuildManifest.parse(
            try Fixtures.read(run.folder + "/out/build.yml"), path: "build.yml")
        let function = try #require(manifest.functions["submit-function"])
        #expect(function.code.map { PathTools.join(run.folder + "/out", $0) } == run.folder + "/src/app.py")
        // esb build stages the one file as the code folder.
        let stager = FunctionStager(
            outputDirectory: run.folder + "/out", name: "submit-function", function: function,
            runner: ProcessRunner(verbose: false), refresh: false)
        _ = try stager.stage()
        let staged = run.folder + "/out/functions/submit-function/build/code"
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged) == ["app.py"])
    }

    // Was: "is a file; esb needs the folder of the code". Public SAM examples ship a deployment package.
    @Test func aZipDeploymentPackageIsUnpackedByEsbBuild() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              PackagedFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/index.zip
                  Handler: index.handler
                  Runtime: python3.12

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 1, "the package does not exist yet")
        // A real archive, made by Python's zipfile (the tool esb build unpacks it with).
        let zip = Process()
        zip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zip.arguments = [
            "python3", "-c",
            "import zipfile; z = zipfile.ZipFile('src/index.zip', 'w'); z.writestr('index.py', 'def handler(e, c): return 1\\n'); z.writestr('lib/util.py', ''); z.close()",
        ]
        zip.currentDirectoryURL = URL(fileURLWithPath: run.folder)
        try zip.run()
        zip.waitUntilExit()
        #expect(zip.terminationStatus == 0)

        var request = GenerateRequest()
        request.template = run.folder + "/template.yaml"
        request.output = run.folder + "/out"
        let recorder = GenerateCommandTests.Recorder()
        #expect(GenerateCommandRunner.run(request, console: recorder.console) == 0, "\(recorder.all)")
        let manifest = try BuildManifest.parse(try Fixtures.read(run.folder + "/out/build.yml"), path: "build.yml")
        let function = try #require(manifest.functions["packaged-function"])
        let stager = FunctionStager(
            outputDirectory: run.folder + "/out", name: "packaged-function", function: function,
            runner: ProcessRunner(verbose: false), refresh: false)
        _ = try stager.stage()
        let staged = run.folder + "/out/functions/packaged-function/build/code"
        #expect(try FileManager.default.contentsOfDirectory(atPath: staged).sorted() == ["index.py", "lib"])
        #expect(FileManager.default.fileExists(atPath: staged + "/lib/util.py"))

        // Any other file is still an error that says what esb takes.
        let jar = try APIDefinitionTests.generate([
            "template.yaml": template.replacingOccurrences(of: "src/index.zip", with: "src/app.jar"),
            "src/app.jar": "PK",
        ])
        defer { try? FileManager.default.removeItem(atPath: jar.folder) }
        #expect(jar.status == 1)
        #expect(
            jar.diagnostics == [
                "template.yaml:6:16: error: CodeUri \"src/app.jar\" is a file; esb needs the folder of the code, a .zip deployment package or one .py file"
            ], "\(jar.lines)")
    }

    @Test func aFunctionURLSaysHowToRouteToTheFunction() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              StreamFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  FunctionUrlConfig:
                    AuthType: AWS_IAM
                    InvokeMode: RESPONSE_STREAM

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0)
        #expect(
            run.diagnostics == [
                "template.yaml:9:7: warning: function property FunctionUrlConfig is not supported by esb; ignored: the box has no function URLs; an HttpApi event without Path and Method routes every path and method to the function with the same event (payload 2.0)"
            ], "\(run.lines)")
    }

    // Was: "Path must start with /, found "$default"" and "Method is not an HTTP method". SAM itself writes an
    // HttpApi event without Path and Method as `$default` and `x-amazon-apigateway-any-method`.
    @Test func sAMsOwnSpellingsOfTheDefaultRouteAndAnyMethod() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              CatchAllFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  Events:
                    Everything:
                      Type: HttpApi
                      Properties: {Path: $default, Method: x-amazon-apigateway-any-method}
                    Legacy:
                      Type: Api
                      Properties: {Path: /legacy, Method: x-amazon-apigateway-any-method}

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(
            try run.routes() == [
                "ANY / catch-all-function 2.0", "ANY /legacy catch-all-function 1.0",
                "ANY /{proxy+} catch-all-function 2.0",
            ])
    }

    @Test(arguments: [
        (
            "arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7",
            "; add aws-lambda-powertools to the function's requirements.txt instead"
        ),
        (
            "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:20",
            "; add the @aws-lambda-powertools packages to the function's package.json instead"
        ),
        ("arn:aws:lambda:ap-northeast-1:123456789012:layer:vendor-tools:3", ""),
    ])
    func wellKnownLayerARNsSayWhatToInstall(_ arn: String, _ hint: String) {
        #expect(FunctionReader.layerHint(arn) == hint)
    }

    // Was dropped as "reserved by Lambda": every AWS_LAMBDA_* was. Lambda lets a function set its exec wrapper
    // (public response-streaming examples use it with the Lambda Web Adapter).
    @Test func theExecWrapperIsTheFunctionsToSet() throws {
        let template = """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              StreamingFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: src/
                  Handler: app.handler
                  Runtime: python3.12
                  Environment:
                    Variables:
                      AWS_LAMBDA_EXEC_WRAPPER: /opt/bootstrap
                      AWS_LAMBDA_FUNCTION_NAME: other

            """
        let run = try APIDefinitionTests.generate(["template.yaml": template])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        let functions = try FunctionsConfig.parse(
            try Fixtures.read(run.folder + "/out/functions.yml"), path: "functions.yml", environment: [:])
        #expect(functions["streaming-function"]?.environment["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap")
        #expect(functions["streaming-function"]?.environment["AWS_LAMBDA_FUNCTION_NAME"] == nil)
        #expect(
            run.diagnostics == [
                "template.yaml:12:11: warning: environment variable AWS_LAMBDA_FUNCTION_NAME is reserved by Lambda and set by the box itself; dropped"
            ], "\(run.lines)")
    }
}
