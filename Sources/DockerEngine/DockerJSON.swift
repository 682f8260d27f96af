import Foundation

/// JSON coding for the Engine API's bodies (Docker's own PascalCase keys are spelled out in each model's
/// `CodingKeys`).
enum DockerJSON {
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], what: String) throws(DockerError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            let preview = String(decoding: body.prefix(200), as: UTF8.self)
            throw DockerError(.invalidResponse, message: "cannot decode \(what): \(error) in \(preview)")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws(DockerError) -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Array(try encoder.encode(value))
        } catch {
            throw DockerError(.invalidRequest, message: "cannot encode request: \(error)")
        }
    }

    /// Docker's error body is `{"message": "..."}`; nil when the body is something else.
    static func errorMessage(in body: [UInt8]) -> String? {
        struct ErrorBody: Decodable { let message: String }
        if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)) { return decoded.message }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// A query value that is itself JSON (the `filters` parameter of list and events calls).
    static func filtersQuery(_ filters: [String: [String]]) -> String? {
        guard !filters.isEmpty else { return nil }
        return (try? encode(filters)).map { String(decoding: $0, as: UTF8.self) }
    }
}
