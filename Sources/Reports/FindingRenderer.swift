public import ContractCore

/// How results are printed on stdout.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `file:line:column: severity: message [check-id]` lines and a summary table.
    case text
    /// JSON Lines: one object per finding, then one summary object.
    case json
}

/// Renders findings for the console, in the stable forms other programs read.
public enum FindingRenderer {
    /// The text line of a finding: `file:line:column: severity: message (spec file:line:column) [check-id]`.
    public static func text(_ finding: Finding) -> String {
        var text = ""
        if let location = finding.location {
            text += "\(location): "
        } else if let source = finding.source {
            text += "\(source): "
        }
        text += "\(finding.severity.rawValue): \(finding.message)"
        if let spec = finding.spec, finding.check != .spec, spec != finding.location { text += " (spec \(spec))" }
        return text + " [\(finding.check)]"
    }

    /// The JSON object of a finding, on one line. Every key is always present (null when unknown).
    public static func json(_ finding: Finding) -> String {
        var fields: [(String, String)] = [
            ("check", JSONText.quote(finding.check.rawValue)),
            ("severity", JSONText.quote(finding.severity.rawValue)),
            ("source", optional(finding.source)),
            ("location", optional(finding.location?.description)),
            ("operation", optional(finding.operation)),
            ("status", finding.status.map(String.init) ?? "null"),
            ("instance", optional(finding.instance)),
            ("spec", optional(finding.spec?.description)),
            ("message", JSONText.quote(finding.message)),
            ("expected", optional(finding.expected)),
            ("actual", optional(finding.actual)),
        ]
        if finding.source == nil, finding.location != nil, finding.spec == nil,
            finding.check == .spec
                || finding.check == .example
        {
            fields[7].1 = optional(finding.location?.description)
        }
        return "{" + fields.map { "\(JSONText.quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The final JSON Lines object: `{"summary": {...}}`.
    public static func jsonSummary(
        exchanges: Int?, failed: Int?, findings: [Finding], extra: [(String, String)] = []
    ) -> String {
        var byCheck: [CheckID: Int] = [:]
        for finding in findings { byCheck[finding.check, default: 0] += 1 }
        let counts = byCheck.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key.rawValue)): \($0.value)" }
        var fields: [String] = []
        if let exchanges { fields.append("\"exchanges\": \(exchanges)") }
        if let failed { fields.append("\"failed\": \(failed)") }
        fields.append("\"findings\": \(findings.count)")
        fields.append("\"errors\": \(findings.filter { $0.severity == .error }.count)")
        fields.append("\"warnings\": \(findings.filter { $0.severity == .warning }.count)")
        fields.append("\"by_check\": {\(counts.joined(separator: ", "))}")
        for (key, value) in extra { fields.append("\(JSONText.quote(key)): \(value)") }
        return "{\"summary\": {\(fields.joined(separator: ", "))}}"
    }

    private static func optional(_ text: String?) -> String { text.map(JSONText.quote) ?? "null" }
}

/// A plain-text table with left-aligned columns.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table, one line per row, columns separated by two spaces.
    public var rendered: String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
