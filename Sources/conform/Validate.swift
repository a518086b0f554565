import ArgumentParser
import Conformance
import ContractCore
import JSONValidation
import Recordings
import Reports
import SpecLoader
import YAMLReader

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
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

    @Option(
        help: ArgumentHelp(
            "Check only shard K of N (for example 2/8): a deterministic share of the exchanges, whatever the file order.",
            valueName: "K/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "Decode and check on N threads (default: the cores online). Findings and their order do not depend on it.",
            valueName: "N"))
    var jobs: Int?

    @OptionGroup(title: "Limits")
    var specLimits: SpecLimitOptions

    @OptionGroup(title: "Limits")
    var findingLimits: FindingLimitOptions

    @OptionGroup(title: "Limits")
    var recordingLimits: RecordingLimitOptions

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one recording (a file or a directory)") }
        if (operation == nil) != (status == nil) {
            throw ValidationError("--operation and --status go together (they describe bare body files)")
        }
        if let status, !(100...599).contains(status) {
            throw ValidationError("--status must be an HTTP status (100-599)")
        }
        if let jobs, !(1...1024).contains(jobs) {
            throw ValidationError("--jobs must be from 1 to 1024, not \(jobs)")
        }
        if let shard, Shard(parsing: shard) == nil {
            throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N (for example 2/8), not \"\(shard)\"")
        }
    }

    func run() async throws {
        let started = MonotonicClock.now
        let compiled = try SpecOption.load(spec, limits: specLimits.yaml)
        var fixedOperation: APIOperation?
        if let name = operation {
            guard let found = compiled.spec.operation(named: name) else {
                let known = compiled.spec.operations.map { $0.operationID ?? $0.displayName }.joined(separator: ", ")
                Console.err("error: no operation \(JSONText.quote(name)) in \(compiled.spec.title) (known: \(known))")
                throw Exit.usage
            }
            fixedOperation = found
        }
        let recordings = RecordingSet(limits: recordingLimits.recordings)
        let files: [(path: String, kind: RecordingKind)]
        do {
            files = try recordings.files(inputs, bodiesAllowed: fixedOperation != nil)
        } catch {
            Console.err(error.description)
            throw error.isMissingInput ? Exit.missing : Exit.malformed
        }
        let checker = ExchangeChecker(compiled: compiled, options: findingLimits.checkOptions(isStrict: strict))
        var parallel = ParallelCheck(
            checker: checker, fixedOperation: fixedOperation, fixedStatus: status, workers: jobs ?? ParallelCheck.cores)
        let sharding = shard.flatMap(Shard.init(parsing:))
        parallel.shard = sharding
        var run = ContractReport(compiled: compiled, format: format.value, isStrict: strict)
        run.builder = findingLimits.reportBuilder
        var unreadable = false
        var progress = Progress()
        let interrupts = Interrupts.install()
        files: for file in files {
            if interrupts.signal != nil { break files }
            // The results of the last batch checked, not reported yet.
            var finished: [ParallelCheck.Result] = []
            func report(_ results: [ParallelCheck.Result]) {
                for result in results {
                    switch result {
                    case .checked(let checked): run.record(checked.exchange, checked.outcome)
                    case .problem(let finding): run.recordProblem(finding, file: file.path)
                    }
                }
                progress.update(exchanges: run.tally.exchanges, failed: run.tally.failed)
            }
            do {
                // Units are found sequentially; each batch is decoded and checked on every core while
                // the previous batch's results are reported and the next batch is read. Results are
                // reported in file order.
                let reader = try recordings.units(file.path, kind: file.kind)
                var pending = try reader.nextBatch()
                while let batch = pending {
                    async let results = parallel.run(batch)
                    report(finished)
                    finished = []
                    if interrupts.signal != nil {
                        report(await results)
                        break files
                    }
                    pending = try reader.nextBatch()
                    finished = await results
                }
                report(finished)
            } catch {
                unreadable = true
                Console.err(run.redactor.redact(error.description))
                run.recordUnreadable(file.path, error.description)
            }
        }
        progress.finish()
        if interrupts.signal != nil { run.recordInterrupted(by: interrupts.signalName) }
        run.printSummary()
        let suite = run.suite(
            name: "validate \(compiled.spec.title)", elapsed: MonotonicClock.now - started,
            properties: [
                ("spec", compiled.spec.files.joined(separator: " ")), ("inputs", inputs.joined(separator: " ")),
                ("strict", String(strict)),
            ] + (sharding.map { [("shard", $0.description)] } ?? []))
        do {
            try JUnitWriter.write(JUnitReport(suites: [suite]), to: junit, redacting: run.redactor)
        } catch {
            Console.err("\(error)")
            throw Exit.malformed
        }
        if interrupts.signal != nil { throw ExitCode(interrupts.exitCode) }
        if unreadable { throw Exit.malformed }
        if run.tally.failed > 0 || run.hasErrors { throw Exit.violations }
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
    /// Whether a loading diagnostic stops the command: an unresolved reference.
    static func isRefused(_ diagnostic: Finding) -> Bool {
        diagnostic.severity == .error && diagnostic.message.hasPrefix("unresolved reference")
    }

    static func load(_ paths: [String], limits: YAMLLimits = .default) throws -> CompiledSpec {
        let paths = paths.isEmpty ? [DefaultSpec.path] : paths
        do {
            // Loaded while the arguments were parsed, when they named the same spec (SpecPreload).
            let preloaded = SpecPreload.take(paths: paths, limits: limits)
            let loaded = try preloaded?.get().0 ?? SpecLoader(limits: limits).load(paths: paths)
            let errors = loaded.diagnostics.filter(isRefused)
            if !errors.isEmpty {
                for error in errors { Console.err(error.line) }
                throw Exit.malformed
            }
            return (try? preloaded?.get().1) ?? CompiledSpec(spec: loaded.spec)
        } catch let error as SpecLoadError {
            Console.err(error.description)
            throw error.isMissingInput ? Exit.missing : Exit.malformed
        }
    }
}
