import Foundation
import Testing
import YAML

@testable import ESBCommands
@testable import SAMGenerator

@Suite("Names, paths and text")
struct NameAndTextTests {
    @Test(arguments: [
        ("HelloWorldFunction", "hello-world-function"),
        ("S3TestFunction", "s3-test-function"),
        ("APIHandler", "api-handler"),
        ("MyS3Bucket", "my-s3-bucket"),
        ("Lambda2Go", "lambda2-go"),
        ("orders", "orders"),
        ("HTTPApiV2Function", "http-api-v2-function"),
        ("A", "a"),
    ])
    func kebabCase(_ id: String, _ expected: String) {
        #expect(NameRules.kebabCase(id) == expected)
    }

    @Test(arguments: [
        // AWS's rule, [A-Za-z0-9_-]{1,64}, case kept (issue 14, defect 1: WeatherFunction was refused).
        ("lambda-hello", true), ("a", true), ("9lives", true), ("WeatherFunction", true), ("a_b-c", true), ("-x", true),
        ("_x", true), (String(repeating: "x", count: 64), true), (String(repeating: "x", count: 65), false),
        ("a.b", false),
        ("..", false), ("", false), ("a b", false), ("a/b", false), ("a\nb", false), ("é", false),
    ])
    func functionNames(_ name: String, _ valid: Bool) {
        #expect(NameRules.isValidFunctionName(name) == valid)
    }

    @Test func nameProblemsSayWhatIsWrong() {
        #expect(NameRules.functionNameProblem(String(repeating: "x", count: 65)) == "is too long (65 > 64 characters)")
        #expect(NameRules.functionNameProblem("a\nb")?.hasPrefix("contains U+000A") == true)
        #expect(NameRules.functionNameProblem("a.b")?.hasPrefix("contains '.'") == true)
    }

    @Test(arguments: [
        ("/a/b/.esb", "/a/b/src/x", "../src/x"),
        ("/a/b/.esb", "/a/b/.esb/functions/x", "functions/x"),
        ("/a/b", "/a/b", "."),
        ("/out", "/a/b", "../a/b"),
        ("/a/b/c", "/a", "../.."),
    ])
    func relativePaths(_ base: String, _ target: String, _ expected: String) {
        #expect(PathTools.relative(from: base, to: target) == expected)
    }

    @Test(arguments: [("/a/./b//c/../d/", "/a/b/d"), ("src/", "src"), ("./", "."), ("../x/./y", "../x/y")])
    func normalizedPaths(_ path: String, _ expected: String) {
        #expect(PathTools.normalize(path) == expected)
    }

    /// Whatever a string holds, the quoted form reads back as the same string.
    @Test(arguments: [
        "plain", "yes", "no", "null", "1.0", "0x1F", "#comment", "a: b", "- item", "say \"hi\"", "back\\slash",
        "line\nbreak", "tab\there", "\u{1}ctl", "ünïcødé ✓", "${X} $$", "", " padded ", "\u{85}\u{2028}",
    ])
    func quotedStringsReadBack(_ text: String) throws {
        let node = try YAMLDocument.parse("k: " + YAMLText.string(text) + "\n", path: "q.yaml")
        #expect(node["k"]?.scalar == text)
        #expect(node["k"]?.scalarStyle == .doubleQuoted)
    }

    @Test(arguments: [
        ("PLAIN_NAME", "PLAIN_NAME"), ("true", "\"true\""), ("1", "\"1\""), ("a b", "\"a b\""), ("null", "\"null\""),
        ("lambda-hello", "lambda-hello"), ("-x", "\"-x\""),
    ])
    func keys(_ key: String, _ expected: String) {
        #expect(YAMLText.key(key) == expected)
    }

    @Test func baseImageOverrides() throws {
        let images = try BaseImageOverrides(arguments: [
            "local/any:1", "python3.12=local/py:3.12", "nodejs20.x=local/node:20",
        ])
        #expect(images.image(for: "python3.12") == "local/py:3.12")
        #expect(images.image(for: "nodejs20.x") == "local/node:20")
        #expect(images.image(for: "python3.11") == "local/any:1")
        #expect(throws: BaseImageError.self) { try BaseImageOverrides(arguments: ["java21=x"]) }
        #expect(throws: BaseImageError.self) { try BaseImageOverrides(arguments: ["python3.12="]) }
        #expect(BaseImageOverrides().image(for: "python3.12") == nil)
    }

    @Test func buildManifestReadsWhatItWrites() throws {
        let manifest = BuildManifest(functions: [
            "a": .init(
                kind: "zip", runtime: "python3.11", architecture: "x86_64", dockerfile: "functions/a/Dockerfile",
                context: "functions/a",
                code: "../src", requirements: true, packageJSON: false,
                layers: [.init(name: "l", source: "../layers/l", pythonBuild: true, requirements: false)]),
            "b": .init(
                kind: "dockerfile", runtime: nil, architecture: "arm64", dockerfile: "../d/Dockerfile",
                context: "../d", code: nil,
                requirements: false, packageJSON: false, layers: []),
            "c": .init(
                kind: "prebuilt", runtime: nil, architecture: "x86_64", dockerfile: nil, context: nil, code: nil,
                requirements: false, packageJSON: false, layers: []),
        ])
        #expect(try BuildManifest.parse(manifest.render(templatePath: "t.yaml"), path: "build.yml") == manifest)
    }
}
