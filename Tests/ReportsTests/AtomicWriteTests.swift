import ContractCore
import Foundation
import Testing

@testable import Reports

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct AtomicWriteTests {
    private let first = JUnitReport(suites: [Samples.suite(cases: [Samples.passing])])
    private let second = JUnitReport(suites: [Samples.suite(cases: [Samples.failing, Samples.skipped])])

    @Test func createsMissingDirectoriesAndReplacesTheReport() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/a/b/junit.xml"
            try JUnitWriter.write(first, to: path, redacting: Redactor())
            #expect(try Support.text(path) == JUnitWriter.xml(first, redacting: Redactor()))
            try JUnitWriter.write(second, to: path, redacting: Redactor())
            #expect(try Support.text(path) == JUnitWriter.xml(second, redacting: Redactor()))
            #expect(try Support.listing(directory + "/a/b") == ["junit.xml"])
            #expect(try Support.schemaProblems(path) == [])
        }
    }

    @Test func repeatedSlashesAreAccepted() throws {
        try Support.withTemporaryDirectory { directory in
            try JUnitWriter.write(first, to: directory + "//x///junit.xml", redacting: Redactor())
            #expect(try Support.listing(directory + "/x") == ["junit.xml"])
        }
        #expect(AtomicFile.split("junit.xml") == (".", "junit.xml"))
        #expect(AtomicFile.split("/junit.xml") == ("/", "junit.xml"))
        #expect(AtomicFile.split("a//b/junit.xml") == ("a//b", "junit.xml"))
        #expect(AtomicFile.split("a//junit.xml") == ("a", "junit.xml"))
    }

    @Test func targetThatIsADirectoryIsLeftAloneAndNoTemporaryFileRemains() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            #expect(FileManager.default.createFile(atPath: path + "/keep", contents: Data("old".utf8)))
            let error = #expect(throws: JUnitWriteError.self) {
                try JUnitWriter.write(first, to: path, redacting: Redactor())
            }
            #expect(error == .cannotReplace(path, code: EISDIR))
            #expect(error?.description == "\(path): error: cannot replace the report: Is a directory")
            #expect(try Support.listing(directory) == ["junit.xml"])
            #expect(try Support.text(path + "/keep") == "old")
        }
    }

    @Test func parentThatIsAFileIsReported() throws {
        try Support.withTemporaryDirectory { directory in
            #expect(FileManager.default.createFile(atPath: directory + "/file", contents: Data("x".utf8)))
            let error = #expect(throws: JUnitWriteError.self) {
                try JUnitWriter.write(first, to: directory + "/file/sub/junit.xml", redacting: Redactor())
            }
            #expect(error == .cannotCreateDirectory(directory + "/file/sub", code: ENOTDIR))
            let message = "\(directory)/file/sub: error: cannot create the report's directory: Not a directory"
            #expect(error?.description == message)
            let names = try Support.listing(directory)
            #expect(names == ["file"])
        }
    }

    @Test(arguments: ["", "reports/", "/"])
    func pathsWithoutAFileNameAreRejected(path: String) {
        let error = #expect(throws: JUnitWriteError.self) {
            try JUnitWriter.write(first, to: path, redacting: Redactor())
        }
        #expect(error == .invalidPath(path))
        #expect(error?.description == "\(path.isEmpty ? "\"\"" : path): error: the report path does not name a file")
    }

    /// A failure at any step keeps the old report and removes the temporary file.
    @Test(arguments: AtomicFile.Step.allCases)
    func existingReportSurvivesAFailedWrite(step: AtomicFile.Step) throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/junit.xml"
            try JUnitWriter.write(first, to: path, redacting: Redactor())
            let before = try Support.bytes(path)
            let bytes = Array(JUnitWriter.xml(second, redacting: Redactor()).utf8)
            let error = #expect(throws: JUnitWriteError.self) {
                try AtomicFile.write(bytes, to: path, failingAt: step)
            }
            let expected: JUnitWriteError =
                switch step {
                case .createTemporaryFile: .cannotCreateTemporaryFile(path, code: EIO)
                case .writeBytes, .sync, .close: .cannotWrite(path, code: EIO)
                case .replace: .cannotReplace(path, code: EIO)
                }
            #expect(error == expected)
            #expect(try Support.bytes(path) == before)
            #expect(try Support.listing(directory) == ["junit.xml"])
        }
    }

    /// Root ignores permissions, so this runs only for ordinary users (CI); the step test above covers root.
    @Test(.enabled(if: geteuid() != 0, "root can write into read-only directories"))
    func existingReportSurvivesAReadOnlyDirectory() throws {
        try Support.withTemporaryDirectory { directory in
            let folder = directory + "/out"
            let path = folder + "/junit.xml"
            try JUnitWriter.write(first, to: path, redacting: Redactor())
            let before = try Support.bytes(path)
            #expect(chmod(folder, 0o555) == 0)
            defer { _ = chmod(folder, 0o755) }
            let error = #expect(throws: JUnitWriteError.self) {
                try JUnitWriter.write(second, to: path, redacting: Redactor())
            }
            #expect(error == .cannotCreateTemporaryFile(path, code: EACCES))
            #expect(
                error?.description
                    == "\(path): error: cannot create a temporary file next to the report: Permission denied")
            #expect(try Support.bytes(path) == before)
            #expect(try Support.listing(folder) == ["junit.xml"])
        }
    }

    @Test func concurrentWritersLeaveOneCompleteReport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conform-reports-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/junit.xml"
        let reports = (0..<8).map { index in
            JUnitReport(suites: [Samples.suite("run \(index)", cases: Array(repeating: Samples.failing, count: 200))])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for report in reports {
                group.addTask { try JUnitWriter.write(report, to: path, redacting: Redactor()) }
            }
            try await group.waitForAll()
        }
        let written = try Support.text(path)
        #expect(reports.contains { JUnitWriter.xml($0, redacting: Redactor()) == written })
        #expect(try Support.listing(directory) == ["junit.xml"])
    }
}
