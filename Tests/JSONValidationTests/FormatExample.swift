import Testing

/// One string and whether it satisfies `format`: a row of the format tables.
struct FormatExample: Sendable, CustomTestStringConvertible {
    let format: String
    let string: String
    let valid: Bool

    var testDescription: String { "\(format) \(valid ? "accepts" : "rejects") \(string.debugDescription)" }

    /// Rows of one format.
    static func table(_ format: String, valid: [String], invalid: [String]) -> [FormatExample] {
        valid.map { FormatExample(format: format, string: $0, valid: true) }
            + invalid.map { FormatExample(format: format, string: $0, valid: false) }
    }
}
