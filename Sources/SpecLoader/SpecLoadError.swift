public import ContractCore
public import YAMLReader

/// Why a spec could not be loaded at all. Each case prints as one line.
public enum SpecLoadError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(FileBytes.ReadError)
    /// The YAML or JSON is malformed or breaks a limit.
    case malformed(YAMLError)
    /// A Swagger 2.0 document.
    case swagger2(at: SourceLocation)
    /// An `openapi` version conform does not read.
    case unsupportedVersion(String, at: SourceLocation)
    /// Neither an OpenAPI document nor a Mintlify endpoint page.
    case notOpenAPI(String, at: SourceLocation)

    /// Whether the input was missing (exit 66) rather than malformed (exit 65).
    public var isMissingInput: Bool {
        if case .unreadable(let error) = self, case .missing = error { return true }
        if case .unreadable(let error) = self, case .isDirectory = error { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unreadable(let error): error.description
        case .malformed(let error): error.description
        case .swagger2(let at):
            "\(at): error: Swagger 2.0 documents are not supported: convert it to OpenAPI 3 "
                + "(for example with swagger2openapi) and load the result"
        case .unsupportedVersion(let version, let at):
            "\(at): error: OpenAPI version \(JSONText.quote(version)) is not supported (expected 3.0.x or 3.1.x)"
        case .notOpenAPI(let reason, let at): "\(at): error: not an OpenAPI document: \(reason)"
        }
    }
}
