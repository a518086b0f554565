internal import CLibYAML
import ContractCore

/// One libyaml event, copied out of C memory.
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart
    case documentEnd
    case alias(anchor: String)
    case scalar(value: String, anchor: String?, tag: String?, isPlain: Bool)
    case sequenceStart(anchor: String?)
    case sequenceEnd
    case mappingStart(anchor: String?)
    case mappingEnd
}

/// Owns a libyaml parser and the input bytes it reads; yields events with 1-based marks.
struct EventStream: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>  // libyaml does not copy it
    private let inputCount: Int
    private let file: String

    init(bytes: [UInt8], file: String) {
        self.file = file
        inputCount = bytes.count
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event and where it starts (1-based).
    mutating func next() throws(YAMLError) -> (YAMLEvent, SourceLocation) {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw currentError() }
        defer { yaml_event_delete(&event) }
        let location = SourceLocation(
            file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_START_EVENT: return (.streamStart, location)
        case YAML_STREAM_END_EVENT: return (.streamEnd, location)
        case YAML_DOCUMENT_START_EVENT: return (.documentStart, location)
        case YAML_DOCUMENT_END_EVENT: return (.documentEnd, location)
        case YAML_ALIAS_EVENT: return (.alias(anchor: Self.string(event.data.alias.anchor) ?? ""), location)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value: String
            if let pointer = scalar.value, scalar.length > 0 {
                value = String(decoding: UnsafeBufferPointer(start: pointer, count: Int(scalar.length)), as: UTF8.self)
            } else {
                value = ""
            }
            return (
                .scalar(
                    value: value, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag),
                    isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE),
                location
            )
        case YAML_SEQUENCE_START_EVENT:
            return (.sequenceStart(anchor: Self.string(event.data.sequence_start.anchor)), location)
        case YAML_SEQUENCE_END_EVENT: return (.sequenceEnd, location)
        case YAML_MAPPING_START_EVENT:
            return (.mappingStart(anchor: Self.string(event.data.mapping_start.anchor)), location)
        case YAML_MAPPING_END_EVENT: return (.mappingEnd, location)
        default:
            throw .syntax("unexpected YAML event", at: location)
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    private func currentError() -> YAMLError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "malformed YAML"
        if parser.pointee.error == YAML_READER_ERROR {
            let offset = Int(parser.pointee.problem_offset)
            let (line, column) = lineAndColumn(
                in: UnsafeBufferPointer(start: input.baseAddress, count: inputCount), offset: offset)
            let location = SourceLocation(file: file, line: line, column: column)
            if problem.contains("UTF-8") || problem.contains("octet") || problem.contains("character") {
                return .invalidUTF8("\(problem) (byte offset \(offset))", at: location)
            }
            return .syntax(problem, at: location)
        }
        let mark = parser.pointee.problem_mark
        let location = SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
        var message = problem
        if let context = parser.pointee.context.map({ String(cString: $0) }) {
            let contextMark = parser.pointee.context_mark
            message = "\(problem) \(context) (line \(contextMark.line + 1), column \(contextMark.column + 1))"
        }
        return .syntax(message, at: location)
    }
}
