import ContractCore

/// The outcome of applying a ``GatePolicy`` to JUnit reports: what the reports hold, and one verdict per rule.
public struct GateDecision: Sendable, Equatable {
    /// A rule's verdict.
    public enum Status: String, Sendable, Equatable {
        /// The rule holds.
        case pass = "PASS"
        /// The rule is broken: the gate fails.
        case fail = "FAIL"
        /// Worth reading, but the gate does not fail for it (warn-only failures, uncounted errors).
        case warn = "WARN"
    }

    /// One rule's verdict and why.
    public struct Rule: Sendable, Equatable {
        /// The rule as named in the policy, with its argument: `max_failures`, `max_failures_by_check schema.oneOf`,
        /// `required_suites "live *"`.
        public var name: String
        /// The verdict.
        public var status: Status
        /// Why, in a few words: `0 failures ≤ 0`, `0 cases < 1 (an empty or truncated report)`.
        public var reason: String

        /// Creates a verdict.
        public init(name: String, status: Status, reason: String) {
            self.name = name
            self.status = status
            self.reason = reason
        }

        /// `PASS max_failures: 0 failures ≤ 0`.
        public var line: String { "\(status.rawValue) \(name): \(reason)" }
    }

    /// One suite's counts, for the summary table.
    public struct SuiteRow: Sendable, Equatable {
        /// The report file the suite came from.
        public var report: String
        /// The suite's name (`(unnamed)` when it has none).
        public var name: String
        /// Whether conform wrote it (its failure types are check IDs).
        public var isConform: Bool
        /// Test cases, whatever their outcome.
        public var cases: Int
        /// Failed cases.
        public var failures: Int
        /// Cases that ended in an error.
        public var errors: Int
        /// Skipped cases.
        public var skipped: Int
    }

    /// Failures and errors of one conform check ID.
    public struct CheckRow: Sendable, Equatable {
        /// The check ID, for example `schema.oneOf`.
        public var check: String
        /// Failed cases of that check.
        public var failures: Int
        /// Error cases of that check.
        public var errors: Int
        /// Whether the policy lists the check in `warn_only`.
        public var isWarnOnly: Bool
    }

    /// How many report files were read.
    public var reports: Int
    /// Every suite, in report order.
    public var suites: [SuiteRow]
    /// Failures by check ID of conform's suites, sorted by check ID.
    public var checks: [CheckRow]
    /// One verdict per rule, in a fixed order.
    public var rules: [Rule]

    /// Whether the gate passes: no rule failed.
    public var passed: Bool { !rules.contains { $0.status == .fail } }

    /// The number of failed rules.
    public var failedRules: Int { rules.count { $0.status == .fail } }
}

extension GatePolicy {
    /// How far in the future a timestamp may lie (clock skew between machines), in seconds.
    public static let allowedClockSkew = 300

    /// Applies the policy to the reports.
    ///
    /// - Parameters:
    ///   - files: The reports, as read by ``JUnitReader``.
    ///   - now: The current time in seconds since 1970-01-01T00:00:00 UTC (for `max_age`).
    /// - Returns: The decision: counts, and one verdict per rule, always in this order: `min_cases`, `counts` (every
    ///   suite lists the tests, failures and errors it declares), `max_failures`, each `max_failures_by_check`,
    ///   `warn_only`, `errors_as_failures` (only when false and errors occurred), each `required_suites`, `max_age`.
    public func evaluate(_ files: [JUnitFile], now: Int) -> GateDecision {
        var tally = Tally(policy: self)
        for file in files {
            for suite in file.suites { tally.add(suite, from: file.path) }
        }
        var rules = [minCasesRule(files), countsRule(files)]
        rules.append(tally.maxFailuresRule)
        for limit in maxFailuresByCheck {
            let row = tally.byCheck[limit.check] ?? Tally.CheckCount()
            let count = row.failures + (errorsAsFailures ? row.errors : 0)
            let holds = count <= limit.limit
            rules.append(
                GateDecision.Rule(
                    name: "max_failures_by_check \(limit.check)", status: holds ? .pass : .fail,
                    reason: "\(plural(count, "failure")) \(holds ? "≤" : ">") \(limit.limit)"))
        }
        if !warnOnly.isEmpty { rules.append(tally.warnOnlyRule) }
        if !errorsAsFailures, tally.errors > 0 {
            rules.append(
                GateDecision.Rule(
                    name: "errors_as_failures", status: .warn,
                    reason: "false, so \(plural(tally.errors, "error")) \(tally.errors == 1 ? "is" : "are") not counted"
                ))
        }
        for pattern in requiredSuites { rules.append(requiredSuiteRule(pattern, files)) }
        if let maxAge { rules.append(maxAgeRule(maxAge, files, now: now)) }
        let checks = tally.byCheck.sorted { $0.key < $1.key }.map { check, count in
            GateDecision.CheckRow(
                check: check, failures: count.failures, errors: count.errors, isWarnOnly: warnOnly.contains(check))
        }
        return GateDecision(reports: files.count, suites: tally.rows, checks: checks, rules: rules)
    }

    private func minCasesRule(_ files: [JUnitFile]) -> GateDecision.Rule {
        let name = "min_cases"
        func ran(_ file: JUnitFile) -> (ran: Int, skipped: Int) {
            let cases = file.suites.flatMap(\.suite.cases)
            let skipped = cases.count { if case .skipped = $0.outcome { true } else { false } }
            return (cases.count - skipped, skipped)
        }
        func shortfall(_ counts: (ran: Int, skipped: Int)) -> String {
            var text = "\(plural(counts.ran, "case")) < \(minCases)"
            if counts.ran == 0 && counts.skipped == 0 {
                text += " (an empty or truncated report)"
            } else if counts.skipped > 0 {
                text += " (\(plural(counts.skipped, "skipped case")) \(counts.skipped == 1 ? "does" : "do") not count)"
            }
            return text
        }
        guard !files.isEmpty else { return GateDecision.Rule(name: name, status: .fail, reason: "no reports") }
        if files.count == 1, let file = files.first {
            let counts = ran(file)
            if counts.ran >= minCases {
                var reason = "\(plural(counts.ran, "case")) ≥ \(minCases)"
                if counts.skipped > 0 {
                    reason +=
                        " (\(plural(counts.skipped, "skipped case")) \(counts.skipped == 1 ? "does" : "do") not count)"
                }
                return GateDecision.Rule(name: name, status: .pass, reason: reason)
            }
            return GateDecision.Rule(name: name, status: .fail, reason: shortfall(counts))
        }
        let counted = files.map { ($0.path, ran($0)) }
        let short = counted.filter { $0.1.ran < minCases }
        if short.isEmpty, let fewest = counted.min(by: { $0.1.ran < $1.1.ran }) {
            return GateDecision.Rule(
                name: name, status: .pass,
                reason: "each of \(files.count) reports has ≥ \(plural(minCases, "case")) "
                    + "(fewest: \(fewest.1.ran) in \(fewest.0))")
        }
        return GateDecision.Rule(
            name: name, status: .fail, reason: short.map { "\($0.0): \(shortfall($0.1))" }.joined(separator: "; "))
    }

    private func countsRule(_ files: [JUnitFile]) -> GateDecision.Rule {
        var problems: [String] = []
        for file in files {
            for suite in file.suites {
                let label = "\(file.path): suite \(JSONText.quote(suite.suite.name))"
                if let declared = suite.declaredTests, declared > suite.listedTests {
                    problems.append(
                        "\(label) declares tests=\"\(declared)\" but lists \(plural(suite.listedTests, "case")) "
                            + "(a truncated report?)")
                }
                if let declared = suite.declaredFailures, declared > suite.listedFailures {
                    problems.append("\(label) declares failures=\"\(declared)\" but lists \(suite.listedFailures)")
                }
                if let declared = suite.declaredErrors, declared > suite.listedErrors {
                    problems.append("\(label) declares errors=\"\(declared)\" but lists \(suite.listedErrors)")
                }
            }
        }
        guard problems.isEmpty else {
            return GateDecision.Rule(name: "counts", status: .fail, reason: problems.joined(separator: "; "))
        }
        return GateDecision.Rule(
            name: "counts", status: .pass, reason: "every suite lists the tests, failures and errors it declares")
    }

    private func requiredSuiteRule(_ pattern: String, _ files: [JUnitFile]) -> GateDecision.Rule {
        let name = "required_suites \(JSONText.quote(pattern))"
        var matches: [(name: String, file: String, ran: Int)] = []
        var all: [String] = []
        for file in files {
            for suite in file.suites {
                all.append(JSONText.quote(suite.suite.name))
                guard Glob.matches(pattern, suite.suite.name) else { continue }
                let ran = suite.suite.cases.count { if case .skipped = $0.outcome { false } else { true } }
                matches.append((suite.suite.name, file.path, ran))
            }
        }
        func describe(_ match: (name: String, file: String, ran: Int)) -> String {
            "\(JSONText.quote(match.name)) (\(match.file), \(plural(match.ran, "case")))"
        }
        if matches.isEmpty {
            let known = all.isEmpty ? "the reports hold no suites" : "suites: " + all.joined(separator: ", ")
            return GateDecision.Rule(name: name, status: .fail, reason: "no suite matches (\(known))")
        }
        if !matches.contains(where: { $0.ran > 0 }) {
            return GateDecision.Rule(
                name: name, status: .fail,
                reason: "matches only suites without cases that ran: " + matches.map(describe).joined(separator: ", "))
        }
        let listed = matches.map(describe).joined(separator: ", ")
        return GateDecision.Rule(
            name: name, status: .pass,
            reason: matches.count == 1 ? "matched \(listed)" : "matched \(matches.count) suites: \(listed)")
    }

    private func maxAgeRule(_ maxAge: Int, _ files: [JUnitFile], now: Int) -> GateDecision.Rule {
        let limit = maxAgeText ?? AgeText.text(maxAge)
        let name = "max_age"
        var problems: [String] = []
        var oldest: (file: String, age: Int)?
        for file in files {
            if file.suites.isEmpty {
                problems.append("\(file.path) has no suite, so no timestamp")
                continue
            }
            var fileOldest: Int?
            for suite in file.suites {
                let label = "\(file.path): suite \(JSONText.quote(suite.suite.name))"
                guard !suite.suite.timestamp.isEmpty else {
                    problems.append("\(label) has no timestamp")
                    continue
                }
                guard let moment = JUnitTimestamp.secondsSince1970(suite.suite.timestamp) else {
                    problems.append("\(label) has an unreadable timestamp \(JSONText.quote(suite.suite.timestamp))")
                    continue
                }
                let age = now - moment
                if age < -GatePolicy.allowedClockSkew {
                    problems.append(
                        "\(label) is dated \(AgeText.text(-age)) in the future (\(suite.suite.timestamp))")
                    continue
                }
                fileOldest = max(fileOldest ?? age, age)
            }
            guard let age = fileOldest else { continue }
            if age > maxAge {
                problems.append("\(file.path) is \(AgeText.text(age)) old > \(limit)")
            }
            if age > (oldest?.age ?? .min) { oldest = (file.path, age) }
        }
        guard problems.isEmpty else {
            return GateDecision.Rule(name: name, status: .fail, reason: problems.joined(separator: "; "))
        }
        guard let oldest else { return GateDecision.Rule(name: name, status: .fail, reason: "no reports") }
        let age = AgeText.text(max(0, oldest.age))
        if files.count == 1 { return GateDecision.Rule(name: name, status: .pass, reason: "\(age) old ≤ \(limit)") }
        return GateDecision.Rule(
            name: name, status: .pass, reason: "the oldest, \(oldest.file), is \(age) old ≤ \(limit)")
    }
}

/// Counts over all suites.
private struct Tally {
    struct CheckCount {
        var failures = 0
        var errors = 0
    }

    let policy: GatePolicy
    var rows: [GateDecision.SuiteRow] = []
    var byCheck: [String: CheckCount] = [:]
    var failedCases = 0
    var errors = 0
    var countedFailed = 0
    var countedErrors = 0
    var warned: [String: Int] = [:]
    /// Counted failures of conform's suites by check ID.
    var countedByCheck: [String: Int] = [:]

    init(policy: GatePolicy) {
        self.policy = policy
    }

    mutating func add(_ suite: JUnitFile.Suite, from report: String) {
        var row = GateDecision.SuiteRow(
            report: report, name: suite.suite.name.isEmpty ? "(unnamed)" : suite.suite.name,
            isConform: suite.isConform, cases: suite.suite.cases.count, failures: 0, errors: 0, skipped: 0)
        for testCase in suite.suite.cases {
            let isError: Bool
            let type: String
            switch testCase.outcome {
            case .passed: continue
            case .skipped:
                row.skipped += 1
                continue
            case .failed(let failureType, _, _):
                row.failures += 1
                failedCases += 1
                (isError, type) = (false, failureType)
            case .error(let errorType, _, _):
                row.errors += 1
                errors += 1
                (isError, type) = (true, errorType)
            }
            let check: String? = suite.isConform && !type.isEmpty ? type : nil
            if let check {
                if isError {
                    byCheck[check, default: CheckCount()].errors += 1
                } else {
                    byCheck[check, default: CheckCount()].failures += 1
                }
            }
            guard !isError || policy.errorsAsFailures else { continue }
            if let check, policy.warnOnly.contains(check) {
                warned[check, default: 0] += 1
                continue
            }
            if isError { countedErrors += 1 } else { countedFailed += 1 }
            if let check { countedByCheck[check, default: 0] += 1 }
        }
        rows.append(row)
    }

    var maxFailuresRule: GateDecision.Rule {
        let counted = countedFailed + countedErrors
        let holds = counted <= policy.maxFailures
        var reason = "\(plural(counted, "failure")) \(holds ? "≤" : ">") \(policy.maxFailures)"
        var details: [String] = []
        if !countedByCheck.isEmpty {
            let top = countedByCheck.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            var listed = top.prefix(5).map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            if top.count > 5 { listed += ", …" }
            details.append(listed)
        }
        if countedErrors > 0 {
            details.append("\(plural(countedFailed, "failed case")) and \(plural(countedErrors, "error"))")
        }
        let warnedCount = warned.values.reduce(0, +)
        if warnedCount > 0 { details.append("\(plural(warnedCount, "warn-only failure")) not counted") }
        if !details.isEmpty { reason += " (" + details.joined(separator: "; ") + ")" }
        return GateDecision.Rule(name: "max_failures", status: holds ? .pass : .fail, reason: reason)
    }

    var warnOnlyRule: GateDecision.Rule {
        let total = warned.values.reduce(0, +)
        guard total > 0 else {
            return GateDecision.Rule(
                name: "warn_only", status: .pass, reason: "no failures of " + policy.warnOnly.joined(separator: ", "))
        }
        let listed = warned.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return GateDecision.Rule(
            name: "warn_only", status: .warn,
            reason: "\(plural(total, "failure")) only \(total == 1 ? "warns" : "warn") (\(listed))")
    }
}

/// `1 case`, `2 cases`.
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

/// Durations as short text, the largest unit and the next one: `2h13m`, `3d2h`, `2d` (for 2 days and 30 seconds),
/// `45s`.
enum AgeText {
    static func text(_ seconds: Int) -> String {
        let units = [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        let value = max(0, seconds)
        guard let index = units.firstIndex(where: { value >= $0.1 }) else { return "0s" }
        let (unit, size) = units[index]
        var text = "\(value / size)\(unit)"
        if index + 1 < units.count {
            let (next, nextSize) = units[index + 1]
            let rest = value % size / nextSize
            if rest > 0 { text += "\(rest)\(next)" }
        }
        return text
    }
}

/// Shell-style globs over whole names: `*` matches any run of characters, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern)
        let text = Array(text)
        var p = 0
        var t = 0
        var star: Int?
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] != "*" && pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if let star {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
