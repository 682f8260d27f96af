import Foundation
import SAMGenerator

/// `esb init [DIR]`: a small SAM application that `esb generate`, `esb build`, `esb deploy` and `esb invoke` take
/// as it is — one Python function behind one Api route, an event to invoke it with, a .gitignore.
public enum InitCommandRunner {
    /// The files of the application, path → text (deterministic; the runtime goes into the template).
    public static func files(runtime: String) -> [(path: String, text: String)] {
        [
            ("template.yaml", template(runtime: runtime)),
            ("src/hello/app.py", handler),
            ("events/hello.json", event),
            (".gitignore", ".esb/\n"),
        ]
    }

    /// Writes the application into `directory` (created if missing); refuses to overwrite any file. Exit code.
    public static func run(directory: String, runtime: String, console: ConsoleOutput = .standard) -> Int32 {
        console.exitCode {
            guard runtime.hasPrefix("python3."), RuntimeSpec(runtime) != nil else {
                throw CommandError("--runtime \(runtime): esb init writes a Python application (python3.x)")
            }
            let root = LocalFileSystem.absolute(directory)
            let fm = FileManager.default
            let existing = files(runtime: runtime).map(\.path).filter { fm.fileExists(atPath: root + "/" + $0) }
            guard existing.isEmpty else {
                throw CommandError(
                    "\(directory) already has \(existing.joined(separator: ", ")); esb init never overwrites a file")
            }
            do {
                for file in files(runtime: runtime) {
                    let path = root + "/" + file.path
                    try fm.createDirectory(atPath: PathTools.directory(path), withIntermediateDirectories: true)
                    try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
                    console.out("wrote \(PathTools.join(directory, file.path))")
                }
            } catch {
                throw CommandError("cannot write into \(directory): \(error.localizedDescription)")
            }
            console.out(
                "next: cd \(directory) && esb generate && esb build && esb deploy --to CONFIG_DIR && esb invoke HelloFunction --event events/hello.json"
            )
            return 0
        }
    }

    static func template(runtime: String) -> String {
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Description: A small application made by esb init.

        Globals:
          Function:
            Timeout: 10
            MemorySize: 128

        Resources:
          HelloFunction:
            Type: AWS::Serverless::Function
            Properties:
              FunctionName: HelloFunction
              CodeUri: src/hello/
              Handler: app.handler
              Runtime: \(runtime)
              Environment:
                Variables:
                  GREETING: Hello
              Events:
                Hello:
                  Type: Api
                  Properties:
                    Path: /hello
                    Method: GET

        """
    }

    static let handler = """
        import json
        import os


        def handler(event, context):
            \"\"\"Answers an API Gateway proxy event (GET /hello?name=...) or a direct invocation with {"name": ...}.\"\"\"
            query = event.get("queryStringParameters") or {}
            name = query.get("name") or event.get("name") or "world"
            print(json.dumps({"level": "INFO", "message": "hello called", "name": name}))
            greeting = os.environ.get("GREETING", "Hello")
            return {
                "statusCode": 200,
                "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"message": f"{greeting}, {name}!"}),
            }

        """

    static let event = """
        {"name": "esb"}

        """
}
