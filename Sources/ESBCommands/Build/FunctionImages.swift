import Foundation
import YAML

/// The function names and image names of a `functions.yml`, read the way the Gateway and the Manager read
/// them (docs/contract.md §2.1): `image` defaults to `<name>:latest`, `${NAME}`/`$NAME` come from the environment,
/// `$$` is a literal `$`.
enum FunctionImages {
    static func read(_ text: String, path: String, environment: [String: String]) throws(YAMLError) -> [(
        name: String, image: String
    )] {
        let root = try YAMLDocument.parse(text, path: path)
        do {
            var out: [(String, String)] = []
            let functions = try root.mappingReader(nullIsEmpty: true)["functions"]?.mappingReader(nullIsEmpty: true)
            let defaults = try root.mappingReader(nullIsEmpty: true)["defaults"]?.mappingReader(nullIsEmpty: true)
            let defaultImage = try defaults?["image"]?.optionalString()
            for entry in functions?.entries ?? [] {
                let body = try entry.value.mappingReader(nullIsEmpty: true)
                let image = try body["image"]?.optionalString() ?? defaultImage ?? "\(entry.key):latest"
                out.append((entry.key, substitute(image, environment: environment)))
            }
            return out
        } catch {
            throw error.located(in: path)
        }
    }

    /// `${NAME}` and `$NAME` from `environment` (unknown names stay), `$$` → `$`.
    static func substitute(_ text: String, environment: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out += "$"
                rest = rest.dropFirst()
            } else if rest.first == "{", let close = rest.firstIndex(of: "}") {
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                out += environment[name] ?? "${\(name)}"
                rest = rest[rest.index(after: close)...]
            } else {
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                out += name.isEmpty ? "$" : (environment[String(name)] ?? "$\(name)")
                rest = rest.dropFirst(name.count)
            }
        }
        return out + rest
    }
}
