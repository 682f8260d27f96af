import BoxCore
import FoundationEssentials

/// UTC timestamps in the ISO-8601 form the gateway writes (`2026-01-02T03:04:05.678Z`), without Foundation.
public enum UTCTimestamp {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch.
    public static func iso8601(epochMillis: Int64) -> String {
        let millis = Int(epochMillis.remainderReportingOverflow(dividingBy: 1000).partialValue + (epochMillis < 0 ? 1000 : 0)) % 1000
        let seconds = (epochMillis - Int64(millis)) / 1000
        var days = seconds / 86_400
        var secOfDay = seconds % 86_400
        if secOfDay < 0 {
            secOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = CivilTime.date(days: Int(days))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(Int(secOfDay / 3600), 2)):\(pad(Int(secOfDay % 3600 / 60), 2))"
            + ":\(pad(Int(secOfDay % 60), 2)).\(pad(millis, 3))Z"
    }

    /// Milliseconds since the Unix epoch now.
    public static func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
