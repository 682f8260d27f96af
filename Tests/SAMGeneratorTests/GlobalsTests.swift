import BoxCore
import Foundation
import Testing

@testable import ESBCommands
@testable import SAMGenerator

/// `Globals.Function` as SAM merges it into each function (docs/contract.md §5, docs/sam-support.md "Globals"),
/// through `esb generate` on real files; functions.yml is read back with BoxCore's loader, the daemons'.
@Suite("Globals.Function")
struct GlobalsTests {
    static let template = """
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Memory: {Type: Number, Default: 512}
        Globals:
          Function:
            Runtime: python3.12
            Handler: app.handler
            CodeUri: src/
            Timeout: 15
            MemorySize: !Ref Memory
            Architectures: [x86_64]
            Layers: [!Ref SharedLayer]
            Environment:
              Variables:
                STAGE: dev
                RETRIES: 5
                VERBOSE: true
        Resources:
          SharedLayer:
            Type: AWS::Serverless::LayerVersion
            Properties: {LayerName: shared, ContentUri: layers/shared/}
          ToolsLayer:
            Type: AWS::Serverless::LayerVersion
            Properties: {LayerName: tools, ContentUri: layers/tools/}
          PlainFunction:
            Type: AWS::Serverless::Function
          OwnFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: other.main
              Timeout: 30
              MemorySize: 1024
              Layers: [!Ref ToolsLayer]
              Environment:
                Variables:
                  STAGE: prod
                  OWN: "yes"

        """

    @Test func aFunctionInheritsGlobalsAndItsOwnValuesWin() throws {
        let run = try APIDefinitionTests.generate([
            "template.yaml": Self.template, "src/other.py": "def main(event, context):\n    return {}\n",
            "layers/shared/python/shared.py": "", "layers/tools/python/tools.py": "",
        ])
        defer { try? FileManager.default.removeItem(atPath: run.folder) }
        #expect(run.status == 0, "\(run.lines)")
        #expect(run.diagnostics == [], "nothing here is unsupported")
        let text = try Fixtures.read(run.folder + "/out/functions.yml")
        let functions = try FunctionsConfig.parse(text, path: "functions.yml", environment: ["LOG_LEVEL": "INFO"])

        let plain = try #require(functions["plain-function"])
        #expect(plain.handler == "app.handler" && plain.runtime == "python3.12")
        #expect(plain.timeout == 15 && plain.memorySize == 512, "Globals, MemorySize through a Number parameter")
        // CloudFormation passes every environment value as a string: 5 and true arrive as "5" and "true".
        #expect(plain.environment == ["STAGE": "dev", "RETRIES": "5", "VERBOSE": "true", "LOG_LEVEL": "INFO"])

        let own = try #require(functions["own-function"])
        #expect(own.handler == "other.main" && own.runtime == "python3.12")
        #expect(own.timeout == 30 && own.memorySize == 1024)
        // Environment.Variables merge per variable, the function's value winning (SAM's rule for maps).
        #expect(
            own.environment == ["STAGE": "prod", "RETRIES": "5", "VERBOSE": "true", "OWN": "yes", "LOG_LEVEL": "INFO"])

        // Layers add up, Globals' first (SAM's rule for lists): copied to /opt in that order, the later one wins
        // a file both contain, as Lambda extracts layers in order.
        let layers = { (name: String) throws -> [String] in
            try Fixtures.read(run.folder + "/out/functions/\(name)/Dockerfile").split(separator: "\n")
                .filter { $0.hasPrefix("COPY build/layers/") }.map(String.init)
        }
        #expect(try layers("plain-function") == ["COPY build/layers/shared/ /opt/"])
        #expect(try layers("own-function") == ["COPY build/layers/shared/ /opt/", "COPY build/layers/tools/ /opt/"])
        #expect(
            try Fixtures.read(run.folder + "/out/functions/own-function/Dockerfile").hasSuffix("CMD [\"other.main\"]\n")
        )
    }
}
