/// A UTC instant broken into calendar fields, computed by hand from epoch milliseconds (no Foundation
/// formatter on the hot path), with the timestamp formats the box writes.
public struct UTCTime: Sendable, Equatable {
    public var year: Int
    /// Month 1–12.
    public var month: Int
    /// Day of month 1–31.
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int

    /// The calendar fields of `epochMilliseconds` (milliseconds since 1970-01-01T00:00:00Z; may be negative).
    public init(epochMilliseconds: Int64) {
        // Floor division: an instant before the epoch belongs to the day that began before it.
        let msOfDay = (epochMilliseconds % 86_400_000 + 86_400_000) % 86_400_000
        (year, month, day) = CivilTime.date(days: Int((epochMilliseconds - msOfDay) / 86_400_000))
        let ms = Int(msOfDay)
        hour = ms / 3_600_000
        minute = ms / 60_000 % 60
        second = ms / 1000 % 60
        millisecond = ms % 1000
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// ISO-8601 with milliseconds and `Z`: `2026-11-29T04:05:06.789Z` (log lines' `_time`, `/health`).
    public var iso8601: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendISO8601(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the ISO-8601 form to a byte buffer.
    public func appendISO8601(to out: inout [UInt8]) {
        Self.pad(year, 4, &out); out.append(UInt8(ascii: "-"))
        Self.pad(month, 2, &out); out.append(UInt8(ascii: "-"))
        Self.pad(day, 2, &out); out.append(UInt8(ascii: "T"))
        Self.pad(hour, 2, &out); out.append(UInt8(ascii: ":"))
        Self.pad(minute, 2, &out); out.append(UInt8(ascii: ":"))
        Self.pad(second, 2, &out); out.append(UInt8(ascii: "."))
        Self.pad(millisecond, 3, &out); out.append(UInt8(ascii: "Z"))
    }

    /// API Gateway's request time: `09/Apr/2015:12:34:56 +0000` (REST `requestTime`, HTTP API `time`).
    public var apiGatewayFormat: String {
        var out: [UInt8] = []
        out.reserveCapacity(26)
        appendAPIGatewayFormat(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the API Gateway form to a byte buffer (an event's `requestTime`, with no String between).
    public func appendAPIGatewayFormat(to out: inout [UInt8]) {
        Self.pad(day, 2, &out); out.append(UInt8(ascii: "/"))
        out.append(contentsOf: Self.monthNames[month - 1].utf8); out.append(UInt8(ascii: "/"))
        Self.pad(year, 4, &out); out.append(UInt8(ascii: ":"))
        Self.pad(hour, 2, &out); out.append(UInt8(ascii: ":"))
        Self.pad(minute, 2, &out); out.append(UInt8(ascii: ":"))
        Self.pad(second, 2, &out)
        out.append(contentsOf: Self.utcOffset)
    }

    static let utcOffset: [UInt8] = Array(" +0000".utf8)

    /// SigV4's `X-Amz-Date` form: `20150830T123600Z`.
    public var amzDate: String {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        Self.pad(year, 4, &out); Self.pad(month, 2, &out); Self.pad(day, 2, &out)
        out.append(UInt8(ascii: "T"))
        Self.pad(hour, 2, &out); Self.pad(minute, 2, &out); Self.pad(second, 2, &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    static func pad(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        // Straight into `out`, most significant digit first: a temporary digit array cost two allocations per
        // call, seven calls per timestamp, two timestamps per request (docs/performance.md).
        // Most fields are two digits: written directly, without the divisor search below.
        if width == 2, value >= 0, value < 100 {
            out.append(UInt8(ascii: "0") + UInt8(value / 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let v = value.magnitude
        var divisor: UInt = 1
        var count = 1
        while v / divisor >= 10 {
            divisor *= 10
            count += 1
        }
        for _ in count..<max(count, width) { out.append(UInt8(ascii: "0")) }
        while true {
            out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
            if divisor == 1 { break }
            divisor /= 10
        }
    }
}
