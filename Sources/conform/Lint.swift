import ArgumentParser
import Conformance
import ContractCore
import Reports
import SpecLoader

struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Load specs and report every structural problem and invalid example.",
        discussion: """
            Loads OpenAPI 3.0/3.1 documents (YAML or JSON) or Mintlify endpoint pages (several \
            pages merge into one model). Exit 0 when clean, 1 when errors were found, 65 when a \
            spec cannot be loaded, 66 when it is missing.
            """)

    @Argument(help: "Spec files (default: the bundled specs/crewai-amp.yaml). Mintlify pages given together merge.")
    var specs: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormatOption = .text

    @Flag(help: "Print what was understood: one row per operation.")
    var show = false

    @Option(help: "Where to write the JUnit XML report.")
    var junit = "reports/lint.xml"

    @OptionGroup(title: "Limits")
    var limits: SpecLimitOptions

    func run() async throws {
        let started = MonotonicClock.now
        let paths = specs.isEmpty ? [DefaultSpec.path] : specs
        let groups = SpecGroups.group(paths)
        var findings: [Finding] = []
        var results: [Linter.Result] = []
        let linter = Linter(loader: SpecLoader(limits: limits.yaml))
        for group in groups {
            do {
                let result = try linter.lint(paths: group)
                results.append(result)
                findings += result.findings
            } catch {
                Console.err(error.description)
                throw error.isMissingInput ? Exit.missing : Exit.malformed
            }
        }
        switch format.value {
        case .text:
            for finding in findings { Console.out(FindingRenderer.text(finding)) }
            if show {
                for result in results { Console.out(OperationTable.render(result.spec)) }
            }
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.count - errors
            Console.out("\(paths.joined(separator: ", ")): \(plural(errors, "error")), \(plural(warnings, "warning"))")
        case .json:
            for finding in findings { Console.out(FindingRenderer.json(finding)) }
            if show {
                for result in results {
                    for row in OperationTable.jsonRows(result.spec) { Console.out(row) }
                }
            }
            Console.out(FindingRenderer.jsonSummary(exchanges: nil, failed: nil, findings: findings))
        }
        try writeReport(results, started: started)
        if findings.contains(where: { $0.severity == .error }) { throw Exit.violations }
    }

    /// One suite per spec; per file, a `spec` case (structure) and an `example` case (examples).
    private func writeReport(_ results: [Linter.Result], started: Double) throws {
        var suites: [JUnitSuite] = []
        for result in results {
            var builder = ReportBuilder()
            for file in result.spec.files {
                for check in [CheckID.spec, .example] {
                    builder.expect(ReportBuilder.Key(classname: file, name: check.rawValue))
                }
            }
            for finding in result.findings {
                let file = finding.location?.file ?? result.spec.files.first ?? "spec"
                builder.add(finding, to: ReportBuilder.Key(classname: file, name: finding.check.rawValue))
            }
            let errors = result.findings.filter { $0.severity == .error }.count
            suites.append(
                JUnitSuite(
                    name: "lint \(result.spec.title)",
                    timestamp: JUnitSuite.timestamp(secondsSince1970: WallClock.secondsSince1970),
                    hostname: WallClock.hostname, time: MonotonicClock.now - started,
                    properties: [
                        JUnitProperty(name: "spec", value: result.spec.files.joined(separator: " ")),
                        JUnitProperty(name: "operations", value: String(result.spec.operations.count)),
                        JUnitProperty(name: "errors", value: String(errors)),
                        JUnitProperty(name: "warnings", value: String(result.findings.count - errors)),
                    ],
                    cases: builder.junitCases, systemOut: builder.systemOut, systemErr: ""))
        }
        do {
            try JUnitWriter.write(JUnitReport(suites: suites), to: junit, redacting: Redactor())
        } catch {
            Console.err("\(error)")
            throw Exit.malformed
        }
    }
}

func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

/// Wraps ``OutputFormat`` for ArgumentParser.
struct OutputFormatOption: ExpressibleByArgument, Sendable {
    var value: OutputFormat
    init(_ value: OutputFormat) { self.value = value }
    init?(argument: String) {
        guard let value = OutputFormat(rawValue: argument) else { return nil }
        self.value = value
    }
    static let text = OutputFormatOption(.text)
    static var allValueStrings: [String] { OutputFormat.allCases.map(\.rawValue) }
    var defaultValueDescription: String { value.rawValue }
}

/// Groups spec paths: Mintlify pages merge into one model; each OpenAPI document stands alone.
enum SpecGroups {
    static func group(_ paths: [String]) -> [[String]] {
        var pages: [String] = []
        var documents: [[String]] = []
        for path in paths {
            let lower = path.lowercased()
            if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") {
                documents.append([path])
            } else {
                pages.append(path)
            }
        }
        return (pages.isEmpty ? [] : [pages]) + documents
    }
}

/// `--show`: what the loader understood.
enum OperationTable {
    static func rows(_ spec: APISpec) -> [[String]] {
        spec.operations.map { operation in
            let statuses = operation.responses.map(\.key.description).joined(separator: " ")
            var media: [String] = []
            var schemas: [String] = []
            for response in operation.responses {
                for type in response.content where !media.contains(type.name) { media.append(type.name) }
                for type in response.content {
                    guard let schema = type.schema else { continue }
                    let name = "\(response.key): \(spec.schemaName(at: schema))"
                    if !schemas.contains(name) { schemas.append(name) }
                }
            }
            return [
                operation.method, operation.path, operation.operationID ?? "-", statuses,
                media.joined(separator: " "), schemas.joined(separator: "; "),
            ]
        }
    }

    static func render(_ spec: APISpec) -> String {
        let kind = spec.openAPIVersion == "mintlify" ? "Mintlify endpoint pages" : "OpenAPI \(spec.openAPIVersion)"
        let title = "\(spec.title) (\(kind), \(plural(spec.operations.count, "operation")))"
        let table = TextTable(
            header: ["METHOD", "PATH", "OPERATION ID", "STATUSES", "MEDIA TYPES", "SCHEMAS"], rows: rows(spec))
        return title + "\n" + table.rendered
    }

    static func jsonRows(_ spec: APISpec) -> [String] {
        rows(spec).map { row in
            let keys = ["method", "path", "operation_id", "statuses", "media_types", "schemas"]
            let fields = zip(keys, row).map { "\(JSONText.quote($0)): \(JSONText.quote($1))" }
            return "{\"operation\": {\(fields.joined(separator: ", "))}}"
        }
    }
}
