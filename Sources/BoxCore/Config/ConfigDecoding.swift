import YAML

/// Shared plumbing of the config loaders: parse the text, substitute the environment into scalar values, and
/// collect located diagnostics so that one run reports every problem.
struct ConfigDecoding {
    let path: String
    /// Variables for `${NAME}` substitution in values; nil = no substitution (routing.yml).
    let environment: [String: String]?
    private(set) var errors: [ConfigDiagnostic] = []
    private(set) var warnings: [ConfigDiagnostic] = []

    init(path: String, environment: [String: String]?) {
        self.path = path
        self.environment = environment
    }

    /// The document's root with substitution applied, or a `ConfigError` for a syntax error.
    func root(of text: String) throws(ConfigError) -> YAMLNode {
        do {
            let root = try YAMLDocument.parse(text, path: path)
            return environment == nil ? root : substituted(root)
        } catch {
            throw ConfigError(path: path, line: error.line, column: error.column, message: error.message)
        }
    }

    mutating func error(_ message: String, at mark: YAMLMark) {
        errors.append(ConfigDiagnostic(path: path, line: mark.line, column: mark.column, message: message))
    }

    /// Records a decoding error; a type mismatch is prefixed with the key it concerns when given (a duplicate or
    /// unknown key names itself).
    mutating func error(_ e: YAMLDecodingError, key: String? = nil) {
        if let key, e.kind == .wrongType || e.kind == .invalidValue {
            error("\(key): \(e.message)", at: e.mark)
        } else {
            error(e.message, at: e.mark)
        }
    }

    mutating func warning(_ message: String, at mark: YAMLMark) {
        warnings.append(ConfigDiagnostic(path: path, line: mark.line, column: mark.column, message: message))
    }

    /// Runs `read`, recording its error (prefixed with `key`) and answering nil on failure.
    mutating func attempt<T>(_ key: String? = nil, _ read: () throws -> T) -> T? {
        do {
            return try read()
        } catch let e as YAMLDecodingError {
            self.error(e, key: key)
        } catch {
            // The helpers throw only YAMLDecodingError (typed-throws closures are not inferred yet).
            self.error("\(key.map { "\($0): " } ?? "")\(error)", at: .start)
        }
        return nil
    }

    /// The string at `node` as `parse` reads it; nil with an error when it is not a string (named by `key`) or
    /// when `parse` refuses it (`refusal` of the text).
    mutating func value<T>(
        _ node: YAMLNode, key: String, _ parse: (String) -> T?, refusal: (String) -> String
    ) -> T? {
        guard let text = attempt(key, { try node.string() }) else { return nil }
        guard let value = parse(text) else {
            error(refusal(text), at: node.mark)
            return nil
        }
        return value
    }

    /// The mapping at the root of a document (null = empty), or a `ConfigError` when the root is something else.
    func topMapping(_ root: YAMLNode, allowed: Set<String>) throws(ConfigError) -> YAMLMappingReader {
        do {
            let top = try root.mappingReader(nullIsEmpty: true)
            try top.rejectUnknownKeys(allowed: allowed)
            return top
        } catch {
            throw ConfigError(path: path, line: error.mark.line, column: error.mark.column, message: error.message)
        }
    }

    /// Throws the collected errors, if any, sorted by position.
    func throwIfFailed() throws(ConfigError) {
        guard !errors.isEmpty else { return }
        throw ConfigError(errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    /// `node` with `EnvironmentSubstitution` applied to every scalar that is a VALUE (mapping keys untouched).
    func substituted(_ node: YAMLNode) -> YAMLNode {
        var copy = node
        switch node.content {
        case .scalar(let text, let style):
            copy.content = .scalar(EnvironmentSubstitution.apply(text, environment: environment ?? [:]), style)
        case .sequence(let items):
            copy.content = .sequence(items.map(substituted))
        case .mapping(let pairs):
            copy.content = .mapping(pairs.map { YAMLPair(key: $0.key, value: substituted($0.value)) })
        }
        return copy
    }
}
