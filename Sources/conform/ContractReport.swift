import Conformance
import ContractCore
import JSONValidation
import Reports
import SpecLoader

/// The state of one run (offline or live): tallies, the report being built, secrets seen.
struct ContractReport {
    let compiled: CompiledSpec
    let format: OutputFormat
    let isStrict: Bool
    var tally = RunTally()
    var builder = ReportBuilder()
    var redactor = Redactor()
    var findingCount = 0
    var byCheck: [CheckID: Int] = [:]
    var hasErrors = false
    /// The operation × status pairs whose cases are declared.
    private var declared: Set<Declared> = []
    private var lastDeclared: Declared?
    private struct Declared: Hashable {
        var operation: String
        var status: Int
    }
    private let color = Console.usesColor()

    init(compiled: CompiledSpec, format: OutputFormat, isStrict: Bool) {
        self.compiled = compiled
        self.format = format
        self.isStrict = isStrict
    }

    mutating func record(_ exchange: HTTPExchange, _ outcome: ExchangeOutcome) {
        for header in exchange.requestHeaders where Redactor.isSensitiveHeader(header.name) {
            redactor.add(header.value)
        }
        for header in exchange.responseHeaders where Redactor.isSensitiveHeader(header.name) {
            redactor.add(header.value)
        }
        let operationName = outcome.operation ?? "(no documented operation)"
        tally.record(operation: operationName, status: String(outcome.status), failed: outcome.isFailed)
        if let name = outcome.operation {
            let pair = Declared(operation: name, status: outcome.status)
            // Consecutive exchanges mostly repeat the last pair: comparing costs less than hashing.
            if pair != lastDeclared, !declared.contains(pair), let operation = compiled.spec.operation(named: name) {
                declareCases(operation, status: outcome.status)
            }
            lastDeclared = pair
        }
        for finding in outcome.findings {
            let key = Self.key(for: finding, operation: outcome.operation, status: outcome.status)
            builder.add(finding, to: key)
            emit(finding)
        }
    }

    mutating func recordProblem(_ finding: Finding, file: String) {
        builder.add(finding, to: ReportBuilder.Key(classname: "(recordings)", name: file))
        emit(finding)
    }

    /// The run was stopped by a signal: an `<error>` case says so; what finished is reported.
    mutating func recordInterrupted(by signal: String) {
        let message = "stopped by \(signal) after \(tally.exchanges) exchanges: this report covers only what finished"
        builder.addError(
            to: ReportBuilder.Key(classname: "(run)", name: "interrupted"), type: "interrupted", message: message)
        hasErrors = true
        Console.err("conform: " + message)
    }

    mutating func recordUnreadable(_ file: String, _ message: String) {
        builder.addError(
            to: ReportBuilder.Key(classname: "(recordings)", name: file), type: "recording", message: message)
        hasErrors = true
    }

    /// Every operation × status seen gets its full set of cases, passing unless a finding fails one.
    private mutating func declareCases(_ operation: APIOperation, status: Int) {
        guard declared.insert(Declared(operation: operation.displayName, status: status)).inserted else { return }
        var checks = ["status-code", "content-type", "json", "parameter", "undocumented-property"]
        if let response = operation.response(for: status) {
            for media in response.content {
                guard let address = media.schema, let index = compiled.schema(at: address) else { continue }
                checks += compiled.schemas.keywords(reachableFrom: index).map { "schema." + $0 }
            }
            if isStrict { checks.append("schema.required") }
        }
        for check in Set(checks) {
            builder.expect(ReportBuilder.Key(classname: operation.displayName, name: "\(status) \(check)"))
        }
    }

    static func key(for finding: Finding, operation: String?, status: Int) -> ReportBuilder.Key {
        guard let operation else { return ReportBuilder.Key(classname: "(no documented operation)", name: "operation") }
        return ReportBuilder.Key(classname: operation, name: "\(status) \(finding.check)")
    }

    mutating func emit(_ finding: Finding) {
        findingCount += 1
        byCheck[finding.check, default: 0] += 1
        if finding.severity == .error { hasErrors = true }
        switch format {
        case .text:
            let line = redactor.redact(FindingRenderer.text(finding))
            Console.out(color ? ConsoleColor.paint(line, severity: finding.severity) : line)
        case .json:
            Console.out(redactor.redact(FindingRenderer.json(finding)))
        }
    }

    func printSummary() {
        let unknown = compiled.schemas.unknownFormats.sorted { $0.key < $1.key }
        switch format {
        case .text:
            if tally.exchanges > 0 {
                Console.out("")
                Console.out(redactor.redact(tally.table))
            }
            var line =
                "\(plural(tally.exchanges, "exchange")), \(tally.failed) failed, \(plural(findingCount, "finding"))"
            if !unknown.isEmpty {
                line += "; formats not checked: " + unknown.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            }
            Console.out(line)
        case .json:
            let counts = byCheck.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key.rawValue)): \($0.value)" }
            let formats = unknown.map { "\(JSONText.quote($0.key)): \($0.value)" }
            Console.out(
                "{\"summary\": {\"exchanges\": \(tally.exchanges), \"failed\": \(tally.failed), \"findings\": \(findingCount), "
                    + "\"by_check\": {\(counts.joined(separator: ", "))}, \"unknown_formats\": {\(formats.joined(separator: ", "))}}}"
            )
        }
    }

    func suite(name: String, elapsed: Double, properties: [(String, String)]) -> JUnitSuite {
        var all = properties.map { JUnitProperty(name: $0.0, value: $0.1) }
        all.append(JUnitProperty(name: "exchanges", value: String(tally.exchanges)))
        all.append(JUnitProperty(name: "failed", value: String(tally.failed)))
        all.append(JUnitProperty(name: "findings", value: String(findingCount)))
        for (format, count) in compiled.schemas.unknownFormats.sorted(by: { $0.key < $1.key }) {
            all.append(JUnitProperty(name: "unknown-format.\(format)", value: String(count)))
        }
        return JUnitSuite(
            name: name, timestamp: JUnitSuite.timestamp(secondsSince1970: WallClock.secondsSince1970),
            hostname: WallClock.hostname, time: elapsed, properties: all, cases: builder.junitCases,
            systemOut: builder.systemOut, systemErr: "")
    }
}
