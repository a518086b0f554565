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
        // Spec and example findings of the contract itself point at it through their location.
        let specOfItself =
            finding.source == nil && finding.location != nil && finding.spec == nil
            && (finding.check == .spec || finding.check == .example)
        // One string, appended in place: every finding of a run passes here, on the reporting thread.
        var out = "{\"check\": "
        out.reserveCapacity(256 + finding.message.utf8.count)
        out += JSONText.quote(finding.check.rawValue)
        out += ", \"severity\": "
        out += JSONText.quote(finding.severity.rawValue)
        out += ", \"source\": "
        appendOptional(finding.source, to: &out)
        out += ", \"location\": "
        appendOptional(finding.location?.description, to: &out)
        out += ", \"operation\": "
        appendOptional(finding.operation, to: &out)
        out += ", \"status\": "
        out += finding.status.map(String.init) ?? "null"
        out += ", \"instance\": "
        appendOptional(finding.instance, to: &out)
        out += ", \"spec\": "
        appendOptional(specOfItself ? finding.location?.description : finding.spec?.description, to: &out)
        out += ", \"message\": "
        out += JSONText.quote(finding.message)
        out += ", \"expected\": "
        appendOptional(finding.expected, to: &out)
        out += ", \"actual\": "
        appendOptional(finding.actual, to: &out)
        out += "}"
        return out
    }

    private static func appendOptional(_ text: String?, to out: inout String) {
        if let text { out += JSONText.quote(text) } else { out += "null" }
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
