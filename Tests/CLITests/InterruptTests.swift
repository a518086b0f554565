import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGINT and SIGTERM stop a run, which still writes the report of what finished.
@Suite(.serialized) struct InterruptTests {
    /// Starts conform with output to files, sends `signal` after `delay` seconds, waits for it to end.
    private func interrupt(_ arguments: [String], after delay: Double, with signal: Int32) throws -> (Int32, Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Runner.binary)
        process.arguments = arguments
        process.currentDirectoryURL = Runner.repository
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: delay)
        let sent = Date()
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(sent))
    }

    @Test func aLiveRunStoppedBySIGINTWritesWhatFinished() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("live.xml").path
        let (status, took) = try interrupt(
            ["live", "--task-seconds", "5", "--junit", report], after: 1.5, with: SIGINT)
        #expect(status == 130)
        #expect(took < 10)
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"<error type="interrupted" message="stopped by SIGINT after"#))
        #expect(xml.contains(#"classname="GET /inputs""#))
    }

    @Test func aValidationStoppedBySIGTERMWritesWhatFinished() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = directory.appendingPathComponent("big.jsonl")
        let line =
            #"{"request":{"method":"GET","url":"https://c/status/4f2b0c7e-9a3d-4b8e-a1f6-2c5d7e9b0a13"},"response":{"status":200,"headers":{"content-type":"application/json"},"body":{"status":"running","current_task":"research_task","progress":{"completed_tasks":1,"total_tasks":3}}}}"#
        let block = String(repeating: line + "\n", count: 10_000)
        _ = FileManager.default.createFile(atPath: cassette.path, contents: nil)
        let handle = try FileHandle(forWritingTo: cassette)
        for _ in 0..<30 { handle.write(Data(block.utf8)) }
        try handle.close()
        let report = directory.appendingPathComponent("validate.xml").path
        let (status, took) = try interrupt(["validate", cassette.path, "--junit", report], after: 0.5, with: SIGTERM)
        #expect(status == 143)
        #expect(took < 10)
        #expect(try XMLSchemaCheck.problems(report) == nil)
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.contains(#"<error type="interrupted" message="stopped by SIGTERM after"#))
    }

    @Test func aRunThatFailsToStartLeavesTheExistingReport() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("validate.xml").path
        try "previous report".write(toFile: report, atomically: true, encoding: .utf8)
        let outcome = try Runner.run([
            "validate", directory.appendingPathComponent("missing.jsonl").path, "--junit", report,
        ])
        #expect(outcome.status == 66)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "previous report")
    }
}
