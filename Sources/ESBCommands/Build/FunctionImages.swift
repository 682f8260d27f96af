import BoxCore
import YAML

/// The function names and image names of a `functions.yml`, read the way the Gateway and the Manager read
/// them (docs/contract.md §2.1): `image` defaults to `<name>:latest`, with their `EnvironmentSubstitution`.
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
                out.append((entry.key, EnvironmentSubstitution.apply(image, environment: environment)))
            }
            return out
        } catch {
            throw error.located(in: path)
        }
    }
}
