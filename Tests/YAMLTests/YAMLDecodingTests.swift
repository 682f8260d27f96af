import Testing
import YAML

/// Scalar schema and typed decoding helpers, with the position of every error.
struct YAMLDecodingTests {
    /// What a plain scalar means under the core schema, in the order the generator's key check asks.
    static func meaning(_ text: String) -> String {
        if YAMLScalarSchema.isNull(text) { return "null" }
        if let b = YAMLScalarSchema.bool(text) { return "bool \(b)" }
        if let i = YAMLScalarSchema.int(text) { return "int \(i)" }
        if let d = YAMLScalarSchema.double(text) { return "double \(d)" }
        return "string"
    }

    static let schemaCases: [(text: String, meaning: String)] = [
        ("~", "null"), ("null", "null"), ("NULL", "null"), ("", "null"), ("true", "bool true"),
        ("False", "bool false"), ("yes", "string"), ("on", "string"),
        ("10", "int 10"), ("-7", "int -7"), ("+3", "int 3"), ("0x1F", "int 31"), ("0o17", "int 15"),
        ("0755", "int 755"),
        ("1.5", "double 1.5"), (".5", "double 0.5"), ("1e3", "double 1000.0"), ("-2.5E-1", "double -0.25"),
        (".inf", "double inf"), ("-.Inf", "double -inf"),
        ("1.0.0", "string"), ("1_000", "string"), ("0x", "string"), ("inf", "string"),
        ("99999999999999999999", "double 1e+20"),
    ]

    @Test(arguments: schemaCases)
    func readsLikeTheCoreSchema(text: String, meaning: String) {
        #expect(Self.meaning(text) == meaning)
    }

    @Test func nanReadsAsNaN() {
        #expect(YAMLScalarSchema.double(".nan")?.isNaN == true)
    }

    @Test func nullIsPlainOrTagged() throws {
        let root = try YAMLDocument.parse("a: ~\nb: '~'\nc: !!null x", path: "t")
        #expect(root["a"]?.isNull == true && root["b"]?.isNull == false && root["c"]?.isNull == true)
    }

    static let typedCases: [(yaml: String, read: String, result: String)] = [
        ("v: abc", "string", "abc"), ("v: 10", "string", "10"), ("v: '10'", "int", "10"), ("v: 10", "int", "10"),
        ("v: 2.5", "double", "2.5"), ("v: '3'", "double", "3.0"), ("v: true", "bool", "true"),
        ("v: 'FALSE'", "bool", "false"),
        ("v:", "string", "1:3: expected a string, found null"),
        ("v: [a]", "string", "1:4: expected a string, found a sequence"),
        ("v: {a: 1}", "int", "1:4: expected an integer, found a mapping"),
        ("v: 1.5", "int", "1:4: expected an integer, found \"1.5\""),
        ("v: ten", "double", "1:4: expected a number, found \"ten\""),
        ("v: yes", "bool", "1:4: expected true or false, found \"yes\""),
        ("v: ~", "bool", "1:4: expected a boolean, found null"),
        ("v: \"a\\nb\"", "int", "1:4: expected an integer, found \"a\\nb\""),
    ]

    @Test(arguments: typedCases)
    func typedReads(yaml: String, read: String, result: String) throws {
        let node = try #require(try YAMLDocument.parse(yaml, path: "t")["v"])
        let got: String
        do {
            switch read {
            case "string": got = try node.string()
            case "int": got = String(try node.int())
            case "double": got = String(try node.double())
            default: got = String(try node.bool())
            }
        } catch {
            #expect(error.kind == .wrongType)
            got = error.description
        }
        #expect(got == result)
    }

    @Test func optionalStringIsNilForNull() throws {
        let root = try YAMLDocument.parse("a:\nb: x", path: "t")
        #expect(try root["a"]?.optionalString() == nil)
        #expect(try root["b"]?.optionalString() == "x")
    }

    @Test func itemsAcceptsNullOnlyWhenAsked() throws {
        let root = try YAMLDocument.parse("a:\nb: [1, 2]\nc: x", path: "t")
        #expect(try root["a"]?.items(nullIsEmpty: true).isEmpty == true)
        #expect(try root["b"]?.items().count == 2)
        #expect(
            throws: YAMLDecodingError(.wrongType, at: YAMLMark(line: 1, column: 3), "expected a sequence, found null")
        ) {
            try root["a"]?.items()
        }
        #expect(
            throws: YAMLDecodingError(.wrongType, at: YAMLMark(line: 3, column: 4), "expected a sequence, found \"x\"")
        ) {
            try root["c"]?.items()
        }
    }

    static let readerErrors: [(yaml: String, kind: YAMLDecodingError.Kind, where_: String)] = [
        ("a: 1\nb: 2\na: 3\n", .duplicateKey, "3:1: duplicate key \"a\" (first at line 1)"),
        ("a: 1\nzz: 2\n", .unknownKey, "2:1: unknown key \"zz\" (expected one of: a, b)"),
        ("b: 1\n", .missingKey, "1:1: missing key \"a\""),
        ("? [x]\n: 1\n", .wrongType, "1:3: expected a string key, found a sequence"),
        ("~: 1\n", .wrongType, "1:1: expected a string key, found null"),
        ("- a\n", .wrongType, "1:1: expected a mapping, found a sequence"),
        ("plain", .wrongType, "1:1: expected a mapping, found \"plain\""),
    ]

    @Test(arguments: readerErrors)
    func mappingReaderErrors(yaml: String, kind: YAMLDecodingError.Kind, where_: String) throws {
        let root = try YAMLDocument.parse(yaml, path: "t")
        do {
            let m = try root.mappingReader()
            try m.rejectUnknownKeys(allowed: ["a", "b"])
            _ = try m.required("a")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == kind)
            #expect(error.description == where_)
            #expect(error.located(in: "f.yml").description == "f.yml:" + where_)
        }
    }

    @Test func mappingReaderLooksUpValues() throws {
        let root = try YAMLDocument.parse("a: 1\nb:\nc: [x]\n", path: "t")
        let m = try root.mappingReader()
        #expect(m.entries.map(\.key) == ["a", "b", "c"])
        #expect(try m.required("a").int() == 1)
        #expect(m.contains("b"))
        #expect(m["b"]?.isNull == true)
        #expect(m.optional("b") == nil)
        #expect(m.optional("c")?.sequence?.count == 1)
        #expect(m["zz"] == nil)
        #expect(m.entries[2].keyNode.mark == YAMLMark(line: 3, column: 1))
    }

    @Test func nullOpensAsAnEmptyMappingWhenAsked() throws {
        let root = try YAMLDocument.parse("a:\n", path: "t")
        let node = try #require(root["a"])
        #expect(try node.mappingReader(nullIsEmpty: true).entries.isEmpty)
        #expect(throws: YAMLDecodingError.self) { try node.mappingReader() }
    }
}
