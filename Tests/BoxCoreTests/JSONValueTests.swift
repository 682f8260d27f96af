import BoxCore
import Testing

@Test func accessors() throws {
    let v = try JSONValue(
        parsing: #"{"s":"x","n":42,"d":1.5,"b":true,"z":null,"a":[1,"two"],"o":{"k":"v"},"s":"last"}"#)
    #expect(v["s"]?.stringValue == "last", "the last duplicate wins, as in JSON.parse")
    #expect(v["n"]?.intValue == 42)
    #expect(v["d"]?.doubleValue == 1.5)
    #expect(v["d"]?.intValue == nil)
    #expect(v["b"]?.boolValue == true)
    #expect(v["z"]?.isNull == true)
    #expect(v["a"]?[1]?.stringValue == "two")
    #expect(v["a"]?[2] == nil)
    #expect(v["o"]?["k"] == "v")
    #expect(v["missing"] == nil)
    #expect(v["a"]?["k"] == nil)
    #expect(v["s"]?.intValue == nil)
    #expect(v.objectValue?.keys == ["s", "n", "d", "b", "z", "a", "o", "s"])
}

/// The number a JSON text holds (nil when it is not a number).
private func number(_ text: String) -> JSONNumber? { (try? JSONValue(parsing: text))?.numberValue }

@Test(
    arguments: [
        ("200", 200), ("-3", -3), ("200.0", 200), ("2e2", 200), ("9223372036854775807", Int.max),
    ] as [(String, Int)])
func integralNumbers(text: String, expected: Int) {
    #expect(number(text)?.intValue == expected)
}

@Test(arguments: ["1.5", "1e-1", "99999999999999999999", "1e300"])
func nonIntegralOrHugeNumbers(text: String) {
    #expect(number(text)?.intValue == nil)
}

@Test func numberKindsAndText() {
    #expect(number("12")?.isInteger == true)
    #expect(number("12.0")?.isInteger == false)
    #expect(number("1E5")?.isInteger == false)
    #expect(JSONNumber(1.0)?.text == "1.0")
    #expect(JSONNumber(0.1)?.text == "0.1")
    #expect(JSONNumber(Double.nan) == nil)
    #expect(JSONNumber(Int64(1_700_000_000_123)).text == "1700000000123")
    #expect(JSONValue.double(.infinity) == .null)
}

@Test func literalsKeepOrder() {
    let v: JSONValue = ["z": 1, "a": [true, nil, "s", 2.5], "m": ["k": "v"]]
    #expect(v.jsonString == #"{"z":1,"a":[true,null,"s",2.5],"m":{"k":"v"}}"#)
}

@Test func objectMutation() {
    var o: JSONObject = ["a": 1, "b": 2]
    o["a"] = 3
    o["c"] = 4
    #expect(JSONValue.object(o).jsonString == #"{"a":3,"b":2,"c":4}"#)
    o["b"] = nil
    #expect(o.keys == ["a", "c"])
    o.append(key: "a", value: 5)
    #expect(o.count == 3 && o["a"] == 5)
    #expect(o.contains(key: "c") && !o.contains(key: "b"))
}

@Test func writerEscapesAndSeparates() {
    var w = JSONWriter()
    w.beginObject()
    w.key("s"); w.string("a\"b\\c/d\u{1}\u{1F}\té😀")
    w.key("n"); w.int(-12)
    w.key("z"); w.string(orNull: nil)
    w.key("b64"); w.base64String([0xff, 0x00])
    w.key("arr"); w.beginArray(); w.int(1); w.beginObject(); w.endObject(); w.bool(false);
    w.beginArray(); w.int(7); w.endArray()
    w.endArray()
    w.key("v"); w.value(["x": [1, 2]])
    w.endObject()
    let text = String(decoding: w.bytes, as: UTF8.self)
    #expect(
        text
            == #"{"s":"a\"b\\c/d\u0001\u001f\té😀","n":-12,"z":null,"b64":"/wA=","arr":[1,{},false,[7]],"v":{"x":[1,2]}}"#
    )
    #expect(throws: Never.self) { try JSONValue(parsing: w.bytes) }
}

@Test func serializerEscapesEveryControlCharacter() throws {
    let all = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
    let text = JSONValue.string(all).serialized()
    #expect(!text.dropFirst().dropLast().contains { $0 < 0x20 })
    #expect(try JSONValue(parsing: text) == .string(all))
}

@Test(arguments: ["resource", "cognito:username", "_time", "", "quote\"back\\slash", "tab\there", "caf\u{e9}"])
func aKeyMadeOnceWritesWhatAStringKeyWrites(name: String) throws {
    var made = JSONWriter()
    made.beginObject()
    made.key(JSONKey(name))
    made.int(1)
    made.key(JSONKey(name))
    made.null()
    made.endObject()
    var plain = JSONWriter()
    plain.beginObject()
    plain.key(name)
    plain.int(1)
    plain.key(name)
    plain.null()
    plain.endObject()
    #expect(made.bytes == plain.bytes)
    // Valid JSON whatever the name holds.
    _ = try JSONValue(parsing: made.bytes)
}

@Test func serializerUsesTheShortEscapesAndLowerHexElsewhere() {
    let text = JSONValue.string("a\u{08}\u{0C}\n\r\t\"\\\u{00}\u{10}\u{1F}z").serialized()
    #expect(String(decoding: text, as: UTF8.self) == #""a\b\f\n\r\t\"\\\u0000\u0010\u001fz""#)
}

/// The writer's numbers without a String between: the same text as `String(value)` (integers) and as Swift prints
/// `Double(hundredths) / 100` (log lines' milliseconds), over a sweep and the edges.
@Test func numbersWrittenInPlaceMatchTheirStringForms() {
    let integers = [0, 1, 9, 10, 99, 100, 1_733_577_600_000, Int.max, -1, -42, Int.min] + Array(0...1000)
    for value in integers {
        var w = JSONWriter()
        w.int(value)
        #expect(String(decoding: w.bytes, as: UTF8.self) == String(value))
    }
    let hundredths: [Int64] =
        Array(0...20_000) + [99_999, 100_000, 123_456_789, 999_999_999_999_999_99, 1_000_000_000_000_000, -1, -250]
    for value in hundredths {
        var w = JSONWriter()
        w.beginArray()
        w.hundredths(value)
        w.hundredths(value)
        w.endArray()
        let one = JSONNumber(Double(value) / 100)!.text
        #expect(String(decoding: w.bytes, as: UTF8.self) == "[\(one),\(one)]", "hundredths \(value)")
    }
}
