import ArgumentParser
import ContractCore
import Reports

struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join shard reports (validate --shard K/N) into one report whose counts equal an unsharded run's.",
        discussion: """
            Suites with the same name merge; cases with the same classname and name merge (a case fails if it \
            failed in any shard; failure texts join; times add); the exchanges, failed and findings properties add \
            up. Every shard 1…N of a sharded suite must be given exactly once. Exit 0 when merged, 64 for bad \
            options, 65 for a report that cannot be read or shards that do not fit together, 66 when a report or a \
            shard is missing.
            """)

    @Argument(help: "JUnit XML reports (one per shard).")
    var reports: [String] = []

    @Option(help: ArgumentHelp("Where to write the merged JUnit XML report.", valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("The largest report read, in bytes.", valueName: "n"))
    var maxReportBytes: Int = JUnitReadLimits.default.maxBytes

    func validate() throws {
        if reports.isEmpty { throw ValidationError("give at least one JUnit report to merge") }
        if maxReportBytes < 1 { throw ValidationError("--max-report-bytes must be 1 or more") }
    }

    func run() async throws {
        var files: [JUnitFile] = []
        var code: ExitCode?
        for report in reports {
            do {
                files.append(try JUnitReader.read(path: report, limits: JUnitReadLimits(maxBytes: maxReportBytes)))
            } catch let error as JUnitReadError {
                Console.err(error.description)
                code = code ?? (error.isMissingInput ? Exit.missing : Exit.malformed)
            } catch {
                Console.err("\(report): error: \(error)")
                code = code ?? Exit.malformed
            }
        }
        if let code { throw code }
        let merged: JUnitMerge
        do {
            merged = try JUnitMerger.merge(files)
        } catch let error as JUnitMergeError {
            Console.err(error.description)
            throw error.isMissingInput ? Exit.missing : Exit.malformed
        }
        for note in merged.notes { Console.err(note) }
        do {
            try JUnitWriter.write(merged.report, to: output, redacting: Redactor())
        } catch {
            Console.err("\(error)")
            throw Exit.malformed
        }
        let suites = merged.report.suites
        let counts = [
            plural(suites.reduce(0) { $0 + $1.tests }, "case"),
            plural(suites.reduce(0) { $0 + $1.failures }, "failure"),
            plural(suites.reduce(0) { $0 + $1.errors }, "error"), "\(suites.reduce(0) { $0 + $1.skipped }) skipped",
        ]
        Console.out(
            "merged \(plural(files.count, "report")) into \(output): \(plural(suites.count, "suite")), "
                + counts.joined(separator: ", "))
    }
}
