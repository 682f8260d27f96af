import Testing
import YAML

/// Parsing into the node tree: content, styles, tags, marks, aliases, limits.
struct YAMLDocumentTests {
    static let scalarCases: [(yaml: String, text: String, style: YAMLScalarStyle, tag: String?)] = [
        ("v: plain", "plain", .plain, nil),
        ("v: 'single ''q'''", "single 'q'", .singleQuoted, nil),
        ("v: \"double\\tq\"", "double\tq", .doubleQuoted, nil),
        ("v: |\n  line1\n  line2\n", "line1\nline2\n", .literal, nil),
        ("v: >\n  folded\n  text\n", "folded text\n", .folded, nil),
        ("v: yes", "yes", .plain, nil),
        ("v: 'null'", "null", .singleQuoted, nil),
        ("v: !Ref MyParam", "MyParam", .plain, "!Ref"),
        ("v: !Sub 'arn:${AWS::Region}'", "arn:${AWS::Region}", .singleQuoted, "!Sub"),
        ("v: !!str 10", "10", .plain, "tag:yaml.org,2002:str"),
        ("v: ! 10", "10", .plain, "!"),
        ("v: \"nul\\0byte\"", "nul\u{0}byte", .doubleQuoted, nil),
        ("v: 日本語", "日本語", .plain, nil),
        ("v:", "", .plain, nil),
    ]

    @Test(arguments: scalarCases)
    func scalarKeepsTextStyleAndTag(yaml: String, text: String, style: YAMLScalarStyle, tag: String?) throws {
        let root = try YAMLDocument.parse(yaml, path: "t.yml")
        let v = try #require(root["v"])
        #expect(v.scalar == text)
        #expect(v.scalarStyle == style)
        #expect(v.tag == tag)
    }

    @Test func tagsOnCollectionsArePreserved() throws {
        let root = try YAMLDocument.parse(
            "a: !GetAtt [Fn, Arn]\nb: !If\n  - Cond\n  - x\n  - y\nc: !Thing {k: v}", path: "t")
        #expect(root["a"]?.tag == "!GetAtt")
        #expect(root["a"]?.sequence?.map(\.scalar) == ["Fn", "Arn"])
        #expect(root["b"]?.tag == "!If")
        #expect(root["b"]?.sequence?.count == 3)
        #expect(root["c"]?.tag == "!Thing")
        #expect(root["c"]?["k"]?.scalar == "v")
    }

    @Test func marksCountFromOne() throws {
        let yaml = """
            top:
              list:
                - first
                - "second"
              map: {k: v}
            other: 2
            """
        let root = try YAMLDocument.parse(yaml, path: "t")
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        let pairs = try #require(root.mapping)
        #expect(pairs[0].key.mark == YAMLMark(line: 1, column: 1))
        #expect(pairs[1].key.mark == YAMLMark(line: 6, column: 1))
        #expect(pairs[1].value.mark == YAMLMark(line: 6, column: 8))
        let list = try #require(root["top"]?["list"]?.sequence)
        #expect(root["top"]?["list"]?.mark == YAMLMark(line: 3, column: 5))
        #expect(list[0].mark == YAMLMark(line: 3, column: 7))
        #expect(list[1].mark == YAMLMark(line: 4, column: 7))
        #expect(root["top"]?["map"]?.mark == YAMLMark(line: 5, column: 8))
        #expect(root["top"]?["map"]?["k"]?.mark == YAMLMark(line: 5, column: 12))
    }

    @Test func mappingKeepsOrderAndDuplicates() throws {
        let root = try YAMLDocument.parse("b: 1\na: 2\nb: 3\n", path: "t")
        let pairs = try #require(root.mapping)
        #expect(pairs.map { $0.key.scalar } == ["b", "a", "b"])
        #expect(pairs.map { $0.value.scalar } == ["1", "2", "3"])
        #expect(root["b"]?.scalar == "1")
    }

    @Test func aliasesResolveToTheAnchoredNode() throws {
        let root = try YAMLDocument.parse(
            "base: &b {x: 1, y: [a, b]}\ncopy: *b\nname: &n hello\nagain: *n\n", path: "t")
        #expect(root["copy"]?.mapping == root["base"]?.mapping)
        #expect(root["copy"]?["y"]?.sequence?.map(\.scalar) == ["a", "b"])
        #expect(root["again"]?.scalar == "hello")
        // The copy keeps the anchored node's position.
        #expect(root["again"]?.mark == YAMLMark(line: 3, column: 7))
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
    func emptyDocumentIsNull(_ yaml: String) throws {
        #expect(try YAMLDocument.parse(yaml, path: "t").isNull)
    }

    static let secondDocuments: [(yaml: String, line: Int, message: String)] = [
        ("---\na: 1\n---\nb: 2\n", 3, "a second YAML document starts here; only one is allowed"),
        ("a: 1\n--- \nb: 2\n", 2, "a second YAML document starts here; only one is allowed"),
        ("a: 1\n---\n", 2, "a second YAML document starts here; only one is allowed"),
        ("a: 1\n...\n---\nb: 2\n", 3, "a second YAML document starts here; only one is allowed"),
        // libyaml's own words when the second document lacks its `---`.
        ("a: 1\n...\nb: 2\n", 3, "did not find expected <document start>"),
    ]

    @Test(arguments: secondDocuments)
    func aSecondDocumentIsAnError(yaml: String, line: Int, message: String) {
        #expect(throws: YAMLError(path: "t", line: line, column: 1, message: message)) {
            try YAMLDocument.parse(yaml, path: "t")
        }
    }

    @Test(arguments: ["---\na: 1\n", "a: 1\n...\n", "%YAML 1.1\n---\na: 1\n", "# c\n---\na: 1\n...\n"])
    func oneExplicitDocumentIsFine(_ yaml: String) throws {
        #expect(try YAMLDocument.parse(yaml, path: "t")["a"]?.scalar == "1")
    }

    @Test func mergeKeyIsAnOrdinaryKey() throws {
        let root = try YAMLDocument.parse("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", path: "t")
        #expect(root["d"]?.mapping?.map { $0.key.scalar } == ["<<", "y"])
    }

    @Test func billionLaughsIsRefused() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...7 {
            let refs = Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(i): &a\(i) [\(refs)]\n"
        }
        #expect {
            try YAMLDocument.parse(yaml, path: "lol.yml")
        } throws: { error in
            guard let e = error as? YAMLError else { return false }
            return e.path == "lol.yml" && e.line == 6 && e.message.hasPrefix("document too large")
        }
    }

    @Test func deepNestingIsRefused() {
        let yaml = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect {
            try YAMLDocument.parse(yaml, path: "deep.yml")
        } throws: { error in
            guard let e = error as? YAMLError else { return false }
            return e.line == 1 && e.column == 257 && e.message.hasPrefix("nesting deeper than 256")
        }
    }

    @Test func nestingAtTheLimitIsAccepted() throws {
        let yaml = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try YAMLDocument.parse(yaml, path: "t").sequence?.count == 1)
    }
}

/// Line endings, byte-order marks and truncated input.
struct YAMLInputTests {
    @Test(arguments: ["a: 1\r\nb:\r\n  - x\r\n", "\u{FEFF}a: 1\nb:\n  - x\n", "a: 1\rb:\r  - x\r"])
    func lineEndingsAndBOMKeepMarks(_ yaml: String) throws {
        let root = try YAMLDocument.parse(yaml, path: "t")
        #expect(root["a"]?.scalar == "1")
        #expect(root["a"]?.mark == YAMLMark(line: 1, column: 4))
        #expect(root["b"]?.sequence?.first?.scalar == "x")
        #expect(root["b"]?.sequence?.first?.mark == YAMLMark(line: 3, column: 5))
    }

    /// Every prefix of a realistic document either parses or throws a located error; none crashes.
    @Test func everyPrefixParsesOrFailsCleanly() {
        let text = """
            defaults:
              environment: { LOG_LEVEL: "${LOG_LEVEL}", REGION: 'ap-northeast-1' }
              timeout: 30
            functions:
              a: &base
                image: "a:1"
                environment:
                  K: |
                    multi
                    line
              b: *base
              c: !Tagged [1, 2.5, "three", {k: v}]
            """
        let scalars = Array(text.unicodeScalars)
        var failures = 0
        for n in 0...scalars.count {
            var prefix = ""
            prefix.unicodeScalars.append(contentsOf: scalars[0..<n])
            do {
                _ = try YAMLDocument.parse(prefix, path: "p.yml")
            } catch {
                failures += 1
                #expect(error.path == "p.yml" && error.line >= 1 && error.column >= 1)
            }
        }
        #expect(failures > 0)
        #expect(failures < scalars.count)
    }
}
