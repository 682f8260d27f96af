import Testing
import YAML

/// Scalar schema and typed decoding helpers, with the position of every error.
struct YAMLDecodingTests {
    static let resolveCases: [(yaml: String, value: YAMLScalarSchema.Value)] = [
        ("v: ~", .null), ("v: null", .null), ("v: NULL", .null), ("v:", .null), ("v: 'null'", .string("null")),
        ("v: true", .bool(true)), ("v: False", .bool(false)), ("v: yes", .string("yes")), ("v: on", .string("on")),
        ("v: \"true\"", .string("true")),
        ("v: 10", .int(10)), ("v: -7", .int(-7)), ("v: +3", .int(3)), ("v: 0x1F", .int(31)), ("v: 0o17", .int(15)),
        ("v: '10'", .string("10")), ("v: 0755", .int(755)),
        ("v: 1.5", .double(1.5)), ("v: .5", .double(0.5)), ("v: 1e3", .double(1000)), ("v: -2.5E-1", .double(-0.25)),
        ("v: .inf", .double(.infinity)), ("v: -.Inf", .double(-.infinity)),
        ("v: 1.0.0", .string("1.0.0")), ("v: 1_000", .string("1_000")), ("v: 0x", .string("0x")),
        ("v: inf", .string("inf")), ("v: 99999999999999999999", .double(1e20)),
        ("v: !!str 10", .string("10")), ("v: !!int '42'", .int(42)), ("v: !Ref 10", .string("10")),
        ("v: !!null x", .null), ("v: !!float 2", .double(2)), ("v: !!bool 'true'", .bool(true)),
    ]

    @Test(arguments: resolveCases)
    func resolvesLikeTheCoreSchema(yaml: String, value: YAMLScalarSchema.Value) throws {
        let node = try #require(try YAMLDocument.parse(yaml, path: "t")["v"])
        #expect(node.resolvedScalar == value)
    }

    @Test func nanResolvesToNaN() throws {
        let node = try #require(try YAMLDocument.parse("v: .nan", path: "t")["v"])
        guard case .double(let d) = node.resolvedScalar else { Issue.record("not a double"); return }
        #expect(d.isNaN)
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
