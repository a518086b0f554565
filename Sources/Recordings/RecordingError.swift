public import ContractCore

/// Why a recording could not be read at all (broken entries are findings instead).
public enum RecordingError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(FileBytes.ReadError)
    /// The file's kind could not be told.
    case unknownKind(path: String, reason: String)
    /// The file is malformed as a whole.
    case malformed(String, at: SourceLocation)

    /// Whether the input was missing (exit 66) rather than malformed (exit 65).
    public var isMissingInput: Bool {
        if case .unreadable(let error) = self, case .missing = error { return true }
        return false
    }

    public var description: String {
        switch self {
        case .unreadable(let error): error.description
        case .unknownKind(let path, let reason): "\(path): error: \(reason)"
        case .malformed(let message, let at): "\(at): error: \(message)"
        }
    }
}
