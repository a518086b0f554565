import ArgumentParser
import Conformance
import ContractCore
import JSONValidation
import Reports
import SpecLoader

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check saved response bodies against the contract, offline.",
        discussion: """
            Bare body files need --operation (an operationId or "METHOD /path") and --status. \
            Exit 0 when every body conforms, 1 when violations were found, 64 for bad options, \
            65 for a malformed spec, 66 when an input is missing.
            """)

    @Argument(help: "Body files (JSON).")
    var inputs: [String] = []

    @Option(help: "The spec (default: the bundled specs/crewai-amp.yaml). Repeat for several Mintlify pages.")
    var spec: [String] = []

    @Option(help: "The operation the bodies answer: an operationId or \"METHOD /path\".")
    var operation: String?

    @Option(help: "The HTTP status the bodies were sent with.")
    var status: Int?

    @Option(help: "Output format: text or json.")
    var format: OutputFormatOption = .text

    @Flag(help: "Undocumented properties are errors, and every documented property is required.")
    var strict = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one body file") }
        if operation == nil || status == nil {
            throw ValidationError("bare body files need --operation and --status")
        }
        if let status, !(100...599).contains(status) { throw ValidationError("--status must be an HTTP status (100-599)") }
    }

    func run() async throws {
        let compiled = try SpecOption.load(spec)
        guard let operationName = operation, let status, let target = compiled.spec.operation(named: operationName) else {
            let known = compiled.spec.operations.map { $0.operationID ?? $0.displayName }.joined(separator: ", ")
            Console.err("error: no operation \(JSONText.quote(operation ?? "")) in \(compiled.spec.title) (known: \(known))")
            throw Exit.usage
        }
        let checker = ResponseChecker(compiled: compiled, options: CheckOptions(isStrict: strict))
        var tally = RunTally()
        var findings: [Finding] = []
        for input in inputs {
            let body: [UInt8]
            do {
                body = try FileBytes.read(input, limit: 1 << 30)
            } catch {
                Console.err(error.description)
                throw error == .missing(path: input) ? Exit.missing : Exit.malformed
            }
            let found = checker.check(body: body, status: status, contentType: nil, operation: target, source: .file(input))
            tally.record(operation: target.displayName, status: String(status), failed: found.contains { $0.severity == .error })
            findings += found
        }
        FindingPrinter.print(findings, tally: tally, format: format.value, unknownFormats: compiled.schemas.unknownFormats)
        if tally.failed > 0 { throw Exit.violations }
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

/// Prints findings and the summary in text or JSON Lines.
enum FindingPrinter {
    static func print(_ findings: [Finding], tally: RunTally, format: OutputFormat, unknownFormats: [String: Int]) {
        let unknown = unknownFormats.sorted { $0.key < $1.key }
        switch format {
        case .text:
            let color = Console.usesColor()
            for finding in findings { Console.out(color ? colored(finding) : FindingRenderer.text(finding)) }
            if tally.exchanges > 0 {
                Console.out("")
                Console.out(tally.table)
            }
            var line = "\(plural(tally.exchanges, "exchange")), \(tally.failed) failed, \(plural(findings.count, "finding"))"
            if !unknown.isEmpty {
                line += "; formats not checked: " + unknown.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
            }
            Console.out(line)
        case .json:
            for finding in findings { Console.out(FindingRenderer.json(finding)) }
            let formats = "{" + unknown.map { "\(JSONText.quote($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
            Console.out(
                FindingRenderer.jsonSummary(
                    exchanges: tally.exchanges, failed: tally.failed, findings: findings,
                    extra: [("unknown_formats", formats)]))
        }
    }

    private static func colored(_ finding: Finding) -> String {
        let text = FindingRenderer.text(finding)
        let word = " " + finding.severity.rawValue + ":"
        let paint = finding.severity == .error ? "\u{1B}[31m" : "\u{1B}[33m"
        guard let range = text.firstRange(of: word) else { return text }
        return text[..<range.lowerBound] + " " + paint + word.dropFirst() + "\u{1B}[0m" + text[range.upperBound...]
    }
}
