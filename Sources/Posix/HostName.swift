#if canImport(Glibc)
import Glibc
#endif

/// This machine's (or container's) name, from `gethostname(2)`: no DNS lookup, unlike Foundation's `hostName`.
/// Nil when the call fails or the name is empty.
public func hostName() -> String? {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return name.isEmpty ? nil : name
}
