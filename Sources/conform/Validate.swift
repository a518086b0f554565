import ArgumentParser
import Conformance
import ContractCore
import JSONValidation
import Recordings
import Reports
import SpecLoader

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check recorded traffic (HAR, JSON Lines cassettes, VCR cassettes, body files) offline.",
        discussion: """
            Inputs are files or directories (walked recursively): .har (or .json holding log.entries), \
            .jsonl cassettes, Schemathesis VCR .yaml cassettes, and bare body .json files with \
            --operation and --status. Exit 0 when everything conforms, 1 when violations were found, \
            64 for bad options, 65 for a malformed spec or recording, 66 when an input is missing.
            """)

    @Argument(help: "Recordings: files or directories.")
    var inputs: [String] = []

    @Option(help: "The spec (default: the bundled specs/crewai-amp.yaml). Repeat for several Mintlify pages.")
    var spec: [String] = []

    @Option(help: "For bare body files: the operation they answer (an operationId or \"METHOD /path\").")
    var operation: String?

    @Option(help: "For bare body files: the HTTP status they were sent with.")
    var status: Int?

    @Option(help: "Where to write the JUnit XML report.")
    var junit: String = "reports/validate.xml"

    @Option(help: "Output format: text or json.")
    var format: OutputFormatOption = .text

    @Flag(help: "Undocumented properties are errors, and every documented property is required.")
    var strict = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one recording (a file or a directory)") }
        if (operation == nil) != (status == nil) {
            throw ValidationError("--operation and --status go together (they describe bare body files)")
        }
        if let status, !(100...599).contains(status) { throw ValidationError("--status must be an HTTP status (100-599)") }
    }

    func run() async throws {
        let started = MonotonicClock.now
        let compiled = try SpecOption.load(spec)
        var fixedOperation: APIOperation?
        if let name = operation {
            guard let found = compiled.spec.operation(named: name) else {
                let known = compiled.spec.operations.map { $0.operationID ?? $0.displayName }.joined(separator: ", ")
                Console.err("error: no operation \(JSONText.quote(name)) in \(compiled.spec.title) (known: \(known))")
                throw Exit.usage
            }
            fixedOperation = found
        }
        let recordings = RecordingSet()
        let files: [(path: String, kind: RecordingKind)]
        do {
            files = try recordings.files(inputs, bodiesAllowed: fixedOperation != nil)
        } catch {
            Console.err(error.description)
            throw error.isMissingInput ? Exit.missing : Exit.malformed
        }
        var run = OfflineRun(
            compiled: compiled, checker: ExchangeChecker(compiled: compiled, options: CheckOptions(isStrict: strict)),
            format: format.value, isStrict: strict)
        var unreadable = false
        var progress = Progress()
        for file in files {
            do {
                try recordings.read(file.path, kind: file.kind) { event in
                    switch event {
                    case .exchange(var exchange):
                        if let fixedOperation, let status {
                            exchange.status = status
                            exchange.method = fixedOperation.method
                        }
                        run.check(exchange, fixedOperation: fixedOperation)
                    case .problem(let finding):
                        run.recordProblem(finding, file: file.path)
                    }
                    progress.update(exchanges: run.tally.exchanges, failed: run.tally.failed)
                }
            } catch {
                unreadable = true
                Console.err(run.redactor.redact(error.description))
                run.recordUnreadable(file.path, error.description)
            }
        }
        progress.finish()
        run.printSummary()
        let suite = run.suite(
            name: "validate \(compiled.spec.title)", elapsed: MonotonicClock.now - started,
            properties: [
                ("spec", compiled.spec.files.joined(separator: " ")), ("inputs", inputs.joined(separator: " ")),
                ("strict", String(strict)),
            ])
        do {
            try JUnitWriter.write(JUnitReport(suites: [suite]), to: junit, redacting: run.redactor)
        } catch {
            Console.err("\(error)")
            throw Exit.malformed
        }
        if unreadable { throw Exit.malformed }
        if run.tally.failed > 0 || run.hasErrors { throw Exit.violations }
    }
}

/// The state of one offline run: tallies, the report being built, secrets seen.
struct OfflineRun {
    let compiled: CompiledSpec
    let checker: ExchangeChecker
    let format: OutputFormat
    let isStrict: Bool
    var tally = RunTally()
    var builder = ReportBuilder()
    var redactor = Redactor()
    var findingCount = 0
    var byCheck: [CheckID: Int] = [:]
    var hasErrors = false
    private var declared: Set<String> = []
    private let color = Console.usesColor()

    init(compiled: CompiledSpec, checker: ExchangeChecker, format: OutputFormat, isStrict: Bool) {
        self.compiled = compiled
        self.checker = checker
        self.format = format
        self.isStrict = isStrict
    }

    mutating func check(_ exchange: HTTPExchange, fixedOperation: APIOperation?) {
        for header in exchange.requestHeaders + exchange.responseHeaders where Redactor.isSensitiveHeader(header.name) {
            redactor.add(header.value)
        }
        let outcome = checker.check(exchange, fixedOperation: fixedOperation)
        let operationName = outcome.operation ?? "(no documented operation)"
        tally.record(operation: operationName, status: String(outcome.status), failed: outcome.isFailed)
        if let name = outcome.operation, let operation = compiled.spec.operation(named: name) {
            declareCases(operation, status: outcome.status)
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

    mutating func recordUnreadable(_ file: String, _ message: String) {
        builder.addError(to: ReportBuilder.Key(classname: "(recordings)", name: file), type: "recording", message: message)
        hasErrors = true
    }

    /// Every operation × status seen gets its full set of cases, passing unless a finding fails one.
    private mutating func declareCases(_ operation: APIOperation, status: Int) {
        let id = "\(operation.displayName) \(status)"
        guard declared.insert(id).inserted else { return }
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

    private mutating func emit(_ finding: Finding) {
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
            var line = "\(plural(tally.exchanges, "exchange")), \(tally.failed) failed, \(plural(findingCount, "finding"))"
            if !unknown.isEmpty {
                line += "; formats not checked: " + unknown.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            }
            Console.out(line)
        case .json:
            let counts = byCheck.sorted { $0.key < $1.key }.map { "\(JSONText.quote($0.key.rawValue)): \($0.value)" }
            let formats = unknown.map { "\(JSONText.quote($0.key)): \($0.value)" }
            Console.out(
                "{\"summary\": {\"exchanges\": \(tally.exchanges), \"failed\": \(tally.failed), \"findings\": \(findingCount), "
                    + "\"by_check\": {\(counts.joined(separator: ", "))}, \"unknown_formats\": {\(formats.joined(separator: ", "))}}}")
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

enum ConsoleColor {
    static func paint(_ text: String, severity: Severity) -> String {
        let word = " " + severity.rawValue + ":"
        let color = severity == .error ? "\u{1B}[31m" : "\u{1B}[33m"
        guard let range = text.firstRange(of: word) else { return text }
        return text[..<range.lowerBound] + " " + color + word.dropFirst() + "\u{1B}[0m" + text[range.upperBound...]
    }
}

/// Loads `--spec` (or the bundled default) and compiles it; prints and exits on failure.
enum SpecOption {
    static func load(_ paths: [String]) throws -> CompiledSpec {
        let paths = paths.isEmpty ? [DefaultSpec.path] : paths
        do {
            let loaded = try SpecLoader().load(paths: paths)
            let errors = loaded.diagnostics.filter { $0.severity == .error && $0.message.hasPrefix("unresolved reference") }
            if !errors.isEmpty {
                for error in errors { Console.err(error.line) }
                throw Exit.malformed
            }
            return CompiledSpec(spec: loaded.spec)
        } catch let error as SpecLoadError {
            Console.err(error.description)
            throw error.isMissingInput ? Exit.missing : Exit.malformed
        }
    }
}
