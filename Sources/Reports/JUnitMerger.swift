import ContractCore

/// The result of ``JUnitMerger/merge(_:)``.
public struct JUnitMerge: Sendable {
    /// The merged report.
    public var report: JUnitReport
    /// Things worth knowing that did not stop the merge (properties that disagreed), one line each.
    public var notes: [String]
}

/// Why shard reports cannot be merged into a whole. Prints as one line, `error: …`.
public enum JUnitMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Some shards of a suite are missing (exit 66: an input is missing).
    case missingShards(suite: String, missing: [String], present: [String])
    /// A shard was given twice, which would count its exchanges twice.
    case duplicateShard(suite: String, shard: String, files: [String])
    /// Shards of one suite disagree on their number, or sharded and unsharded reports of one suite were mixed.
    case inconsistentShards(suite: String, detail: String)

    /// Whether the merge failed because a shard report is missing (exit 66) rather than inconsistent (exit 65).
    public var isMissingInput: Bool {
        if case .missingShards = self { return true }
        return false
    }

    /// `error: suite "validate CrewAI AMP API": shard 2/3 is missing (given: 1/3, 3/3); merge every shard's report`.
    public var description: String {
        switch self {
        case .missingShards(let suite, let missing, let present):
            let shards = missing.count == 1 ? "shard \(missing[0]) is" : "shards \(missing.joined(separator: ", ")) are"
            return
                "error: suite \(JSONText.quote(suite)): \(shards) missing (given: \(present.joined(separator: ", "))); "
                + "merge every shard's report, or the counts would not be the whole run's"
        case .duplicateShard(let suite, let shard, let files):
            return
                "error: suite \(JSONText.quote(suite)): shard \(shard) is given twice "
                + "(\(files.joined(separator: ", "))); "
                + "its cases would count twice"
        case .inconsistentShards(let suite, let detail):
            return "error: suite \(JSONText.quote(suite)): \(detail)"
        }
    }
}

/// Joins shard reports (`conform validate --shard K/N`) into one report whose counts equal a single unsharded run's.
///
/// Suites with the same name merge, in order of first appearance; suites of different names are kept side by side.
/// Within a suite:
/// - cases with the same `classname` and `name` merge: the outcome is the worst seen (error, then failure, then
///   skipped, then passed); failure texts of the same kind are joined (a text repeated word for word appears once);
///   times add. When every input lists its cases in conform's order (classname, then status, then check), so does
///   the result; otherwise cases keep their order of first appearance.
/// - the properties ``summedProperties`` (`exchanges`, `failed`, `findings`) add up; others keep the first report's
///   value (a note says so when they differ); `shard` (`2/3`) is checked and replaced by `shards` listing them all.
/// - the time is the sum, the timestamp the earliest, the host name the first, `<system-out>` and `<system-err>`
///   are joined.
///
/// Shards are checked: when a suite carries a `shard` property, every shard 1…N of it must be given exactly once.
public enum JUnitMerger {
    /// The properties that add up across shards.
    public static let summedProperties: Set<String> = ["exchanges", "failed", "findings"]

    /// Merges the reports' suites.
    /// - Throws: ``JUnitMergeError`` when shards are missing, repeated or inconsistent.
    public static func merge(_ files: [JUnitFile]) throws -> JUnitMerge {
        var order: [String] = []
        var groups: [String: [(file: String, suite: JUnitSuite)]] = [:]
        for file in files {
            for suite in file.suites.map(\.suite) {
                if groups[suite.name] == nil { order.append(suite.name) }
                groups[suite.name, default: []].append((file.path, suite))
            }
        }
        var notes: [String] = []
        var suites: [JUnitSuite] = []
        for name in order {
            let group = groups[name] ?? []
            let shards = try checkShards(name, group)
            suites.append(mergeSuite(name, group, shards: shards, notes: &notes))
        }
        return JUnitMerge(report: JUnitReport(suites: suites), notes: notes)
    }

    /// The shards of a suite (`["1/3", "2/3", "3/3"]`), `[]` when unsharded.
    private static func checkShards(_ name: String, _ group: [(file: String, suite: JUnitSuite)]) throws -> [String] {
        let values = group.map { member in member.suite.properties.first { $0.name == "shard" }?.value }
        let given = values.compactMap { $0 }
        guard !given.isEmpty else { return [] }
        guard given.count == values.count else {
            throw JUnitMergeError.inconsistentShards(
                suite: name, detail: "some reports are shards (a shard property) and some are not")
        }
        var total: Int?
        var seen: [Int: String] = [:]
        for (value, member) in zip(given, group) {
            let parts = value.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), 1 <= index, index <= count
            else {
                throw JUnitMergeError.inconsistentShards(
                    suite: name, detail: "\(member.file) has the shard property \(JSONText.quote(value)), not K/N")
            }
            if let total, total != count {
                throw JUnitMergeError.inconsistentShards(
                    suite: name, detail: "shards of different totals (\(total) and \(count)) cannot be merged")
            }
            total = count
            if let first = seen[index] {
                throw JUnitMergeError.duplicateShard(
                    suite: name, shard: "\(index)/\(count)", files: [first, member.file])
            }
            seen[index] = member.file
        }
        let count = total ?? 0
        let present = seen.keys.sorted().map { "\($0)/\(count)" }
        let missing = (1...max(count, 1)).filter { seen[$0] == nil }.map { "\($0)/\(count)" }
        guard missing.isEmpty else {
            throw JUnitMergeError.missingShards(suite: name, missing: missing, present: present)
        }
        return present
    }

    private static func mergeSuite(
        _ name: String, _ group: [(file: String, suite: JUnitSuite)], shards: [String], notes: inout [String]
    ) -> JUnitSuite {
        var properties: [JUnitProperty] = []
        var origin: [String: String] = [:]
        var cases: [JUnitCase] = []
        var caseIndex: [String: Int] = [:]
        var isOrdered = true
        var time = 0.0
        var timestamp: (text: String, moment: Int?)?
        var hostname = ""
        var systemOut: [String] = []
        var systemErr: [String] = []
        for (file, suite) in group {
            time += suite.time
            if hostname.isEmpty { hostname = suite.hostname }
            if !suite.timestamp.isEmpty {
                let moment = JUnitTimestamp.secondsSince1970(suite.timestamp)
                if let current = timestamp {
                    let earlier = (moment ?? .max, suite.timestamp) < (current.moment ?? .max, current.text)
                    if earlier { timestamp = (suite.timestamp, moment) }
                } else {
                    timestamp = (suite.timestamp, moment)
                }
            }
            if !suite.systemOut.isEmpty { systemOut.append(suite.systemOut) }
            if !suite.systemErr.isEmpty { systemErr.append(suite.systemErr) }
            for property in suite.properties {
                if property.name == "shard" {
                    if !properties.contains(where: { $0.name == "shards" }) {
                        properties.append(JUnitProperty(name: "shards", value: shards.joined(separator: " ")))
                    }
                    continue
                }
                guard let index = properties.firstIndex(where: { $0.name == property.name }) else {
                    properties.append(property)
                    origin[property.name] = file
                    continue
                }
                if summedProperties.contains(property.name), let left = Int(properties[index].value),
                    let right = Int(property.value), case (let sum, false) = left.addingReportingOverflow(right)
                {
                    properties[index].value = String(sum)
                } else if properties[index].value != property.value {
                    notes.append(
                        "note: suite \(JSONText.quote(name)): property \(JSONText.quote(property.name)) is "
                            + "\(JSONText.quote(property.value)) in \(file) but "
                            + "\(JSONText.quote(properties[index].value)) in \(origin[property.name] ?? "the first"); "
                            + "kept the first")
                }
            }
            var previous: ReportBuilder.Key?
            for testCase in suite.cases {
                let key = ReportBuilder.Key(classname: testCase.classname, name: testCase.name)
                if let previous, key < previous { isOrdered = false }
                previous = key
                let identity = testCase.classname + "\u{0}" + testCase.name
                if let index = caseIndex[identity] {
                    cases[index].time += testCase.time
                    cases[index].outcome = combine(cases[index].outcome, testCase.outcome)
                } else {
                    caseIndex[identity] = cases.count
                    cases.append(testCase)
                }
            }
        }
        if isOrdered {
            cases.sort {
                ReportBuilder.Key(classname: $0.classname, name: $0.name)
                    < ReportBuilder.Key(classname: $1.classname, name: $1.name)
            }
        }
        return JUnitSuite(
            name: name, timestamp: timestamp?.text ?? "", hostname: hostname, time: time, properties: properties,
            cases: cases, systemOut: systemOut.joined(separator: "\n"), systemErr: systemErr.joined(separator: "\n"))
    }

    /// The worse of two outcomes; texts of two failures (or two errors) are joined.
    static func combine(_ first: JUnitCase.Outcome, _ second: JUnitCase.Outcome) -> JUnitCase.Outcome {
        switch (first, second) {
        case (.failed(let type, let message, let text), .failed(_, _, let more)):
            return .failed(type: type, message: message, text: join(text, more))
        case (.error(let type, let message, let text), .error(_, _, let more)):
            return .error(type: type, message: message, text: join(text, more))
        default:
            return rank(second) > rank(first) ? second : first
        }
    }

    private static func rank(_ outcome: JUnitCase.Outcome) -> Int {
        switch outcome {
        case .passed: 0
        case .skipped: 1
        case .failed: 2
        case .error: 3
        }
    }

    private static func join(_ text: String, _ more: String) -> String {
        if more.isEmpty || text == more { return text }
        if text.isEmpty { return more }
        return text + "\n" + more
    }
}
