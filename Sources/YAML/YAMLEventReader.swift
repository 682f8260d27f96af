import CLibYAML

/// One libyaml parser event, copied into Swift values (marks already counted from 1).
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(mark: YAMLMark)
    case documentEnd
    case alias(anchor: String, mark: YAMLMark)
    case scalar(text: String, style: YAMLScalarStyle, tag: String?, anchor: String?, mark: YAMLMark)
    case sequenceStart(tag: String?, anchor: String?, mark: YAMLMark)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, mark: YAMLMark)
    case mappingEnd
}

/// Owns a heap-allocated `yaml_parser_t` and the input bytes it reads from. libyaml keeps pointers into both,
/// so neither may move: they live at fixed heap addresses, and this owner is `~Copyable` so exactly one value
/// frees them.
struct YAMLEventReader: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let path: String

    /// A reader over a copy of `text`. `path` only labels errors.
    init(text: String, path: String) throws(YAMLError) {
        self.path = path
        let bytes = Array(text.utf8)
        // Allocate at least one byte: a zero-sized allocation may return a pointer libyaml must not read.
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw YAMLError(path: path, mark: .start, message: "cannot initialise the YAML parser (out of memory)")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        // No yaml_parser_set_encoding: libyaml's own detection finds UTF-8 (a Swift String is UTF-8) and, unlike
        // a forced encoding, skips a leading byte-order mark instead of reading it as a character.
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event, or a `YAMLError` carrying libyaml's problem and position.
    mutating func next() throws(YAMLError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw currentError() }
        defer { yaml_event_delete(&event) }
        let mark = Self.mark(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart(mark: mark)
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = Self.string(s.value, length: s.length)
            return .scalar(
                text: text, style: Self.style(s.style), tag: Self.string(s.tag), anchor: Self.string(s.anchor),
                mark: mark)
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            return .sequenceStart(tag: Self.string(s.tag), anchor: Self.string(s.anchor), mark: mark)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            return .mappingStart(tag: Self.string(m.tag), anchor: Self.string(m.anchor), mark: mark)
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default:
            throw YAMLError(path: path, mark: mark, message: "unexpected YAML event \(event.type.rawValue)")
        }
    }

    /// libyaml's error state as a `YAMLError`: "problem (context at L:C)".
    private func currentError() -> YAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "invalid YAML"
        var mark = Self.mark(p.problem_mark)
        var message = problem
        if p.error == YAML_READER_ERROR {
            // Reader errors (bad encoding, control characters) carry a byte offset, not a mark.
            mark = Self.mark(ofByteOffset: p.problem_offset, in: UnsafeBufferPointer(input))
            if p.problem_value != -1 { message += " (byte 0x\(String(p.problem_value, radix: 16)))" }
        } else if let context = p.context.map({ String(cString: $0) }) {
            message += " (\(context) at \(Self.mark(p.context_mark)))"
        }
        return YAMLError(path: path, mark: mark, message: message)
    }

    private static func mark(_ m: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    private static func mark(ofByteOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return YAMLMark(line: line, column: column)
    }

    private static func style(_ s: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch s {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: $0) }
    }

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let p else { return "" }
        // By length, not NUL: a double-quoted "\0" is a legal character inside a scalar.
        return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
    }
}
