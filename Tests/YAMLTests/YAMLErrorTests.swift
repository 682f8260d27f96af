import Testing
import YAML

/// Syntax errors: every one carries the path as given and a 1-based position.
struct YAMLErrorTests {
    static let cases: [(yaml: String, line: Int, column: Int, message: String)] = [
        // A value where a key is expected, in a block mapping.
        ("a: 1\n b: 2\n", 2, 3, "mapping values are not allowed in this context"),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, 2, "did not find expected ',' or ']'"),
        ("a: \"unterminated\n", 2, 1, "found unexpected end of stream"),
        ("a: *nothing\n", 1, 4, "unknown alias '*nothing'"),
        ("a:\n\t- x\n", 2, 1, "found character that cannot start any token"),
        ("a: 1\n- b\n", 2, 1, "did not find expected key"),
        ("key: value\n  bad indent: x\n", 2, 13, "mapping values are not allowed in this context"),
        ("a: \u{1}\n", 1, 4, "control characters are not allowed"),
        ("a: !<!bad\n", 1, 10, "did not find the expected '>'"),
        ("&a [*a]", 1, 5, "unknown alias '*a'"),
    ]

    @Test(arguments: cases)
    func syntaxErrorHasPositionAndMessage(yaml: String, line: Int, column: Int, message: String) {
        #expect {
            try YAMLDocument.parse(yaml, path: "conf/x.yml")
        } throws: { error in
            guard let e = error as? YAMLError else { return false }
            #expect(e.path == "conf/x.yml")
            #expect(e.line == line)
            #expect(e.column == column)
            #expect(e.message.hasPrefix(message), "\(e)")
            return true
        }
    }

    @Test func descriptionIsPathLineColumnMessage() {
        let e = YAMLError(path: "a/b.yml", line: 7, column: 3, message: "what is wrong")
        #expect(e.description == "a/b.yml:7:3: what is wrong")
        #expect(YAMLError(path: "p", mark: YAMLMark(line: 2, column: 9), message: "m").description == "p:2:9: m")
    }

    @Test func contextIsAppended() {
        do {
            _ = try YAMLDocument.parse("a:\n  - x\n  y: 1\n", path: "f.yml")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.description.hasPrefix(
                    "f.yml:3:3: did not find expected '-' indicator (while parsing a block collection at 2:3)"),
                "\(error)")
        }
    }
}
