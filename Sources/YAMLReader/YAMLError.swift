public import ContractCore

/// Why a YAML or JSON document could not be read. Each case prints as one line,
/// `file:line:column: error: message`.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libyaml rejected the text.
    case syntax(String, at: SourceLocation)
    /// The bytes are not UTF-8.
    case invalidUTF8(String, at: SourceLocation)
    /// The stream holds no document.
    case emptyDocument(at: SourceLocation)
    /// The stream holds more than one document where one was expected.
    case multipleDocuments(at: SourceLocation)
    /// A mapping repeats a key.
    case duplicateKey(String, at: SourceLocation, first: SourceLocation)
    /// Collections nest deeper than the limit.
    case tooDeep(limit: Int, at: SourceLocation)
    /// Aliases expand to more nodes than the limit ("billion laughs").
    case aliasExpansion(limit: Int, at: SourceLocation)
    /// An alias names an anchor that was not defined before it.
    case unknownAnchor(String, at: SourceLocation)
    /// A mapping key is a sequence or a mapping.
    case complexKey(at: SourceLocation)
    /// The document is larger than the size limit.
    case tooLarge(size: Int, limit: Int, at: SourceLocation)

    /// Where the problem is.
    public var location: SourceLocation {
        switch self {
        case .syntax(_, let at), .invalidUTF8(_, let at), .emptyDocument(let at), .multipleDocuments(let at),
            .duplicateKey(_, let at, _), .tooDeep(_, let at), .aliasExpansion(_, let at), .unknownAnchor(_, let at),
            .complexKey(let at), .tooLarge(_, _, let at):
            at
        }
    }

    /// The message without its location.
    public var message: String {
        switch self {
        case .syntax(let text, _): text
        case .invalidUTF8(let text, _): "invalid UTF-8: \(text)"
        case .emptyDocument: "empty document: expected a YAML or JSON document"
        case .multipleDocuments: "several documents in one stream: expected exactly one"
        case .duplicateKey(let key, _, let first):
            "duplicate mapping key \(JSONText.quote(key)) (first at line \(first.line), column \(first.column))"
        case .tooDeep(let limit, _): "collections nest deeper than \(limit) levels"
        case .aliasExpansion(let limit, _):
            "aliases expand to more than \(limit) nodes (alias-expansion limit; a \"billion laughs\" document?)"
        case .unknownAnchor(let name, _): "alias *\(name) names no anchor defined before it"
        case .complexKey: "mapping keys must be scalars; sequences and mappings as keys are not supported"
        case .tooLarge(let size, let limit, _): "document is \(size) bytes, more than the limit of \(limit) bytes"
        }
    }

    public var description: String { "\(location): error: \(message)" }
}
