public import BoxCore
import Logging

/// Turns one line of a worker's output into a log line (docs/contract.md §4.5): `container_name` (the Docker name),
/// `function`, `stream`, and — when the line is a JSON object — its fields lifted: `level`, `logger`,
/// `message` (or `msg`), `request_id`, `trace_id` into the standard places, everything else as fields after
/// `function` and `stream`. A lifted field never overwrites `container_name`, `function` or `stream`.
/// Plain lines become `INFO` lines of logger `lambda` with the text as `message`.
public struct WorkerLogFormatter: Sendable {
    public let containerName: String
    /// The function the worker runs.
    public let function: String

    /// A formatter for one worker.
    public init(containerName: String, function: String) {
        self.containerName = containerName
        self.function = function
    }

    /// What ends the message of a line cut at the limit (docs/manager.md).
    public static func cutMarker(limit: Int) -> String { " [cut: line longer than \(limit) bytes]" }

    /// The log line for one output line (without its newline); nil for an empty line. A `cut` line (its first
    /// `BoundedLineSplitter.defaultMaxLineBytes` only) is never parsed as JSON: its message ends with the cut marker
    /// and it carries `cut: true`.
    public func line(_ text: [UInt8], stream: String, epochMilliseconds: Int64, cut: Bool = false) -> LogLine? {
        var bytes = text[...]
        while let last = bytes.last, last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        var line = LogLine(
            epochMilliseconds: epochMilliseconds, level: .info, logger: "lambda", message: "",
            containerName: containerName,
            fields: ["function": .string(function), "stream": .string(stream)])
        if cut {
            line.message = String(decoding: bytes, as: UTF8.self) + Self.cutMarker(limit: text.count)
            line.fields.append(key: "cut", value: .bool(true))
            return line
        }
        if bytes.first == UInt8(ascii: "{"), let value = try? JSONValue(parsing: Array(bytes)),
            let object = value.objectValue
        {
            lift(object, into: &line)
            if line.message.isEmpty && object["message"] == nil && object["msg"] == nil {
                line.message = String(decoding: bytes, as: UTF8.self)
            }
        } else {
            line.message = String(decoding: bytes, as: UTF8.self)
        }
        return line
    }

    /// The Manager's WARNING once the rest of a cut line has ended: how many bytes of it were dropped.
    public func cutNotice(stream: String, discardedBytes: Int, epochMilliseconds: Int64) -> LogLine {
        LogLine(
            epochMilliseconds: epochMilliseconds, level: .warning, logger: "manager",
            message: "worker output line cut: \(discardedBytes) more bytes dropped", containerName: containerName,
            fields: [
                "function": .string(function), "stream": .string(stream),
                "dropped_bytes": .number(JSONNumber(discardedBytes)),
            ])
    }

    private func lift(_ object: JSONObject, into line: inout LogLine) {
        let protected: Set<String> = ["container_name", "function", "stream"]
        var messageFromMsg = false
        for member in object.members {
            switch member.key {
            case _ where protected.contains(member.key): continue
            case "level", "levelname":
                if let name = member.value.stringValue, let level = Logger.Level(name: name) { line.level = level }
            case "logger", "name":
                if let name = member.value.stringValue, !name.isEmpty {
                    line.logger = name
                } else if member.key == "name" {
                    line.fields.append(key: member.key, value: member.value)
                }
            case "message":
                line.message = Self.text(member.value)
                messageFromMsg = false
            case "msg":
                if line.message.isEmpty || messageFromMsg {
                    line.message = Self.text(member.value)
                    messageFromMsg = true
                } else {
                    line.fields.append(key: "msg", value: member.value)
                }
            case "request_id", "requestId", "aws_request_id":
                if line.requestID == nil, let id = member.value.stringValue {
                    line.requestID = id
                } else {
                    line.fields.append(key: member.key, value: member.value)
                }
            case "_time", "timestamp":
                // The worker's own time (the runtime patch writes the CloudWatch event's) when it is UTC ISO-8601.
                if let text = member.value.stringValue, let ms = Self.epochMilliseconds(iso8601: text) {
                    line.epochMilliseconds = ms
                } else if member.key == "timestamp" {
                    line.fields.append(key: member.key, value: member.value)
                }
            case "trace_id":
                if let id = member.value.stringValue { line.traceID = id }
            case _ where LogLine.isStandardKey(member.key): continue
            default:
                line.fields.append(key: member.key, value: member.value)
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` → milliseconds since the epoch; nil for anything else.
    static func epochMilliseconds(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.last == UInt8(ascii: "Z"), b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19), (1...12).contains(mo), (1...31).contains(d), h < 24,
            mi < 60, s < 61
        else { return nil }
        var ms = 0
        if b[19] == UInt8(ascii: ".") {
            let digits = b[20..<(b.count - 1)]
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            for (i, digit) in digits.prefix(3).enumerated() { ms += Int(digit - 0x30) * [100, 10, 1][i] }
        } else if b.count != 20 {
            return nil
        }
        let days = CivilTime.days(year: y, month: mo, day: d)
        return Int64(((days * 24 + h) * 60 + mi) * 60 + s) * 1000 + Int64(ms)
    }

    private static func text(_ value: JSONValue) -> String {
        value.stringValue ?? value.jsonString
    }
}
