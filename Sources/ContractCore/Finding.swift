/// One problem found by a check. Findings are data: checks return them and keep going.
public struct Finding: Sendable, Hashable {
    /// The stable check identifier.
    public var check: CheckID
    /// Error or warning.
    public var severity: Severity
    /// One readable sentence.
    public var message: String
    /// Where the problem is: the spec line for lint, the body or recording line for validation.
    public var location: SourceLocation?
    /// The exchange's source (`rec.har#12`, `rec.jsonl:40`, `body.json`), when there is one.
    public var source: String?
    /// The operation (`GET /status/{kickoff_id}`), when known.
    public var operation: String?
    /// The response status, when known.
    public var status: Int?
    /// JSON Pointer of the offending value in the body.
    public var instance: String?
    /// The spec location of the keyword that failed.
    public var spec: SourceLocation?
    /// What the spec expects, in a few words.
    public var expected: String?
    /// What was found, cut to a readable length.
    public var actual: String?

    /// Creates a finding.
    public init(
        check: CheckID, severity: Severity = .error, message: String, location: SourceLocation? = nil,
        source: String? = nil, operation: String? = nil, status: Int? = nil, instance: String? = nil,
        spec: SourceLocation? = nil, expected: String? = nil, actual: String? = nil
    ) {
        self.check = check
        self.severity = severity
        self.message = message
        self.location = location
        self.source = source
        self.operation = operation
        self.status = status
        self.instance = instance
        self.spec = spec
        self.expected = expected
        self.actual = actual
    }

    /// `file:line:column: severity: message [check-id]` (the location part omitted when unknown).
    public var line: String {
        var text = ""
        if let location { text += "\(location): " } else if let source { text += "\(source): " }
        text += "\(severity.rawValue): \(message) [\(check)]"
        return text
    }
}

extension Finding: Comparable {
    /// Orders by location (file, line, column), then check, then message.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        switch (lhs.location, rhs.location) {
        case (let left?, let right?) where left != right: return left < right
        case (nil, _?): return false
        case (_?, nil): return true
        default: break
        }
        if lhs.check != rhs.check { return lhs.check < rhs.check }
        if lhs.instance != rhs.instance { return (lhs.instance ?? "") < (rhs.instance ?? "") }
        return lhs.message < rhs.message
    }
}

/// Cuts `text` to at most `limit` characters, marking the cut with `…`.
public func abbreviate(_ text: String, limit: Int = 120) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(max(limit - 1, 1))) + "…"
}
