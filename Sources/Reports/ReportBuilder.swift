public import ContractCore

/// Gathers findings into JUnit test cases with stable names: one case per
/// operation × status × check, declared up front so that a passing case exists too and CI can
/// track it from run to run.
public struct ReportBuilder: Sendable {
    /// A case's identity.
    public struct Key: Sendable, Hashable, Comparable {
        public var classname: String
        public var name: String

        public init(classname: String, name: String) {
            self.classname = classname
            self.name = name
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.classname, lhs.sortableName) < (rhs.classname, rhs.sortableName)
        }

        /// Names start with a status; compare statuses numerically (`default` last).
        fileprivate var sortableName: String {
            let first = name.split(separator: " ").first.map(String.init) ?? name
            if let code = Int(first) {
                return String(repeating: "0", count: max(0, 6 - first.count)) + String(code) + name
            }
            return "999999" + name
        }
    }

    private struct Case: Sendable {
        var errors: [Finding] = []
        var errorCount = 0
        var infrastructure: (type: String, message: String)?
        var skipped: String?
        var time: Double = 0
    }

    private var cases: [Key: Case] = [:]
    private var warnings: [String] = []
    private var warningCount = 0
    /// The most findings listed in one case's failure text (the rest are counted).
    public var maxListedFindings: Int
    /// The most warnings listed in `<system-out>`.
    public var maxListedWarnings: Int

    /// Creates a builder.
    public init(maxListedFindings: Int = 50, maxListedWarnings: Int = 500) {
        self.maxListedFindings = maxListedFindings
        self.maxListedWarnings = maxListedWarnings
    }

    /// Declares a case that exists whether or not anything fails in it.
    public mutating func expect(_ key: Key) {
        if cases[key] == nil { cases[key] = Case() }
    }

    /// Adds a finding to a case: errors fail it, warnings go to the suite's `<system-out>`.
    public mutating func add(_ finding: Finding, to key: Key) {
        var entry = cases[key] ?? Case()
        if finding.severity == .error {
            entry.errorCount += 1
            if entry.errors.count < maxListedFindings { entry.errors.append(finding) }
        } else {
            warningCount += 1
            if warnings.count < maxListedWarnings { warnings.append(Self.describe(finding, key: key)) }
        }
        cases[key] = entry
    }

    /// Marks a case as an infrastructure error (`<error>`): the check could not run.
    public mutating func addError(to key: Key, type: String, message: String) {
        var entry = cases[key] ?? Case()
        if entry.infrastructure == nil { entry.infrastructure = (type, message) }
        cases[key] = entry
    }

    /// Marks a case as skipped, with the reason.
    public mutating func addSkip(to key: Key, reason: String) {
        cases[key, default: Case()].skipped = reason
    }

    /// Adds time spent to a case, in seconds.
    public mutating func addTime(_ seconds: Double, to key: Key) {
        cases[key, default: Case()].time += seconds
    }

    /// The test cases, sorted by classname, then status, then check.
    public var junitCases: [JUnitCase] {
        // Each key's sortable form is built once, not at every comparison.
        cases.keys.map { (classname: $0.classname, name: $0.sortableName, key: $0) }.sorted {
            ($0.classname, $0.name) < ($1.classname, $1.name)
        }.map(\.key).compactMap { key in
            guard let entry = cases[key] else { return nil }
            let outcome: JUnitCase.Outcome
            if let infrastructure = entry.infrastructure {
                outcome = .error(type: infrastructure.type, message: infrastructure.message, text: Self.text(entry))
            } else if let first = entry.errors.first {
                outcome = .failed(type: first.check.rawValue, message: Self.headline(first), text: Self.text(entry))
            } else if let reason = entry.skipped {
                outcome = .skipped(message: reason)
            } else {
                outcome = .passed
            }
            return JUnitCase(classname: key.classname, name: key.name, time: entry.time, outcome: outcome)
        }
    }

    /// The suite's `<system-out>`: the warnings, one per line.
    public var systemOut: String {
        var text = warnings.joined(separator: "\n")
        if warningCount > warnings.count { text += "\n… and \(warningCount - warnings.count) more warnings" }
        return text
    }

    private static func headline(_ finding: Finding) -> String {
        (finding.source.map { "\($0): " } ?? "") + finding.message
    }

    private static func text(_ entry: Case) -> String {
        var lines: [String] = []
        if let infrastructure = entry.infrastructure { lines.append(infrastructure.message) }
        for finding in entry.errors { lines.append(describe(finding, key: nil)) }
        if entry.errorCount > entry.errors.count {
            lines.append("… and \(entry.errorCount - entry.errors.count) more (\(entry.errorCount) in all)")
        } else if entry.errorCount > 1 {
            lines.append("(\(entry.errorCount) findings)")
        }
        return lines.joined(separator: "\n")
    }

    /// One finding as a report line: source, location, instance, message, expected, actual, spec.
    static func describe(_ finding: Finding, key: Key?) -> String {
        var parts: [String] = []
        if let key { parts.append("\(key.classname) \(key.name):") }
        if let source = finding.source { parts.append(source) }
        if let location = finding.location, location.file != finding.source { parts.append("(\(location))") }
        parts.append("[\(finding.check)]")
        parts.append(finding.message)
        var line = parts.joined(separator: " ")
        if let expected = finding.expected { line += " | expected: \(expected)" }
        if let actual = finding.actual { line += " | actual: \(actual)" }
        if let spec = finding.spec { line += " | spec: \(spec)" }
        return line
    }
}
