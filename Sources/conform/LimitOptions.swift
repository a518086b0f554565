import ArgumentParser
import Conformance
import Recordings
import Reports
import YAMLReader

/// The spec size limit, for `lint`, `validate` and `live` (`mock` reads its spec with the default limit). The fixed limits (nesting depths, YAML alias
/// expansion) are in the README's limits table.
struct SpecLimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The largest spec file read, in bytes (default 64 MiB).", valueName: "n"))
    var maxSpecBytes = YAMLLimits.default.maxBytes

    var yaml: YAMLLimits { YAMLLimits(maxBytes: maxSpecBytes) }

    func validate() throws {
        if maxSpecBytes < 1 { throw ValidationError("--max-spec-bytes must be at least 1") }
    }
}

/// How much of what was found is kept, for the commands that check responses.
struct FindingLimitOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Violations kept per response body; the rest are counted (default 100).", valueName: "n"))
    var maxViolationsPerBody = CheckOptions().maxFindingsPerBody

    @Option(
        help: ArgumentHelp("Findings listed per JUnit test case; the rest are counted (default 50).", valueName: "n"))
    var maxFindingsPerCase = ReportBuilder().maxListedFindings

    func checkOptions(isStrict: Bool) -> CheckOptions {
        CheckOptions(isStrict: isStrict, maxFindingsPerBody: maxViolationsPerBody)
    }

    var reportBuilder: ReportBuilder { ReportBuilder(maxListedFindings: maxFindingsPerCase) }

    func validate() throws {
        if maxViolationsPerBody < 1 || maxFindingsPerCase < 1 {
            throw ValidationError("--max-violations-per-body and --max-findings-per-case must be at least 1")
        }
    }
}

/// Limits of the recording readers of `conform validate`.
struct RecordingLimitOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The longest JSON Lines line, in bytes; longer lines are a finding and skipped (default 64 MiB).",
            valueName: "n"))
    var maxLineBytes = RecordingLimits.default.maxLineBytes

    @Option(help: ArgumentHelp("The largest bare body file, in bytes (default 64 MiB).", valueName: "n"))
    var maxBodyBytes = RecordingLimits.default.maxBodyBytes

    @Option(help: ArgumentHelp("The largest HAR or VCR file, in bytes (default 4 GiB).", valueName: "n"))
    var maxFileBytes = RecordingLimits.default.maxFileBytes

    var recordings: RecordingLimits {
        RecordingLimits(maxLineBytes: maxLineBytes, maxFileBytes: maxFileBytes, maxBodyBytes: maxBodyBytes)
    }

    func validate() throws {
        if maxLineBytes < 1 || maxBodyBytes < 1 || maxFileBytes < 1 {
            throw ValidationError("--max-line-bytes, --max-body-bytes and --max-file-bytes must be at least 1")
        }
    }
}
