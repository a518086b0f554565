import ArgumentParser
import ContractCore
import Reports
import YAMLReader

struct Gate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Decide from JUnit reports (conform's or any tool's) whether a build may ship.",
        discussion: """
            Reads JUnit XML reports (<testsuites> or <testsuite> roots, from conform, Schemathesis, pytest, \
            Surefire, Spectral, …), applies the policy, prints a summary table and one line per rule saying \
            why it passed or failed. Without --policy: no failures allowed (errors count as failures) and every \
            report must hold at least one case. Exit 0 when the gate passes, 1 when it fails, 64 for bad options, \
            65 for a report that cannot be read or a bad policy, 66 when a report or the policy is missing.
            """)

    @Argument(help: "JUnit XML reports.")
    var reports: [String] = []

    @Option(
        help: ArgumentHelp(
            "The gate policy (YAML): max_failures, max_failures_by_check, warn_only, required_suites, min_cases, "
                + "max_age, errors_as_failures.", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("Failing cases allowed overall (overrides the policy's max_failures).", valueName: "n"))
    var maxFailures: Int?

    @Option(
        help: ArgumentHelp(
            "Also write the verdict as Markdown to <file> (appended to when it exists), e.g. \"$GITHUB_STEP_SUMMARY\".",
            valueName: "file"))
    var summaryMarkdown: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormatOption = .text

    @Option(help: ArgumentHelp("The largest report read, in bytes.", valueName: "n"))
    var maxReportBytes: Int = JUnitReadLimits.default.maxBytes

    func validate() throws {
        if reports.isEmpty { throw ValidationError("give at least one JUnit report") }
        if let maxFailures, maxFailures < 0 { throw ValidationError("--max-failures must be 0 or more") }
        if maxReportBytes < 1 { throw ValidationError("--max-report-bytes must be 1 or more") }
    }

    func run() async throws {
        var problems: [(line: String, code: ExitCode)] = []
        var gatePolicy = GatePolicy()
        if let policy {
            do {
                gatePolicy = try GatePolicy(document: try YAMLReader.read(path: policy))
                for warning in gatePolicy.warnings { Console.err(warning) }
            } catch let error as FileBytes.ReadError {
                if case .missing = error {
                    problems.append((error.description, Exit.missing))
                } else {
                    problems.append((error.description, Exit.malformed))
                }
            } catch {
                problems.append(("\(error)", Exit.malformed))
            }
        }
        if let maxFailures { gatePolicy.maxFailures = maxFailures }
        var files: [JUnitFile] = []
        let limits = JUnitReadLimits(maxBytes: maxReportBytes)
        for report in reports {
            do {
                files.append(try JUnitReader.read(path: report, limits: limits))
            } catch let error as JUnitReadError {
                problems.append((error.description, error.isMissingInput ? Exit.missing : Exit.malformed))
            } catch {
                problems.append(("\(report): error: \(error)", Exit.malformed))
            }
        }
        if let first = problems.first {
            for problem in problems { Console.err(problem.line) }
            Console.err("gate: FAIL (cannot read \(problems.count == 1 ? "an input" : "\(problems.count) inputs"))")
            if format.value == .json {
                let errors = problems.map { JSONText.quote($0.line) }.joined(separator: ", ")
                Console.out("{\"summary\": {\"verdict\": \"fail\", \"unreadable\": [\(errors)]}}")
            }
            writeSummary(GateDecision.unreadableMarkdown(problems.map(\.line)))
            throw first.code
        }
        let decision = gatePolicy.evaluate(files, now: WallClock.secondsSince1970)
        switch format.value {
        case .text: Console.out(String(decision.text.dropLast()))
        case .json: for line in decision.jsonLines { Console.out(line) }
        }
        if !writeSummary(decision.markdown) { throw Exit.malformed }
        if !decision.passed { throw Exit.violations }
    }

    /// Writes the Markdown summary when asked; `false` (after printing why) when it cannot be written.
    @discardableResult
    private func writeSummary(_ markdown: String) -> Bool {
        guard let summaryMarkdown else { return true }
        do {
            try SummaryFile.write(markdown, to: summaryMarkdown)
            return true
        } catch {
            Console.err("\(error)")
            return false
        }
    }
}
