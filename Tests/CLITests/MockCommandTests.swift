import Foundation
import Testing

@Suite struct MockCommandTests {
    @Test func printsItsURLServesAndStopsOnSIGTERM() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Runner.binary)
        process.arguments = ["mock", "--port", "0", "--token", "mock-test-token", "--task-seconds", "0"]
        process.currentDirectoryURL = Runner.repository
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("mock.out")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var collected = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: collected, as: UTF8.self).contains("\n"), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            collected = (try? Data(contentsOf: outURL)) ?? Data()
        }
        let first = String(decoding: collected, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("conform reference crew listening on http://127.0.0.1:"))
        let url = String(first.dropFirst("conform reference crew listening on ".count))
        let live = try Runner.run(
            [
                "live", "--base-url", url, "--token-env", "MOCK_TOKEN", "--poll-interval", "0.02", "--junit",
                directory.appendingPathComponent("r.xml").path,
            ],
            environment: ["MOCK_TOKEN": "mock-test-token"])
        #expect(live.status == 0, "\(live.stdout)")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
