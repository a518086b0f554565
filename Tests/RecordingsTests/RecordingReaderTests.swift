import ContractCore
import Foundation
import Recordings
import Testing

@Suite struct RecordingReaderTests {
    private func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent(name).path ?? name
    }

    private func events(_ name: String) throws -> [RecordingEvent] {
        let set = RecordingSet()
        let files = try set.files([fixture(name)], bodiesAllowed: false)
        var events: [RecordingEvent] = []
        for file in files { try set.read(file.path, kind: file.kind) { events.append($0) } }
        return events
    }

    private func exchanges(_ events: [RecordingEvent]) -> [HTTPExchange] {
        events.compactMap { if case .exchange(let exchange) = $0 { exchange } else { nil } }
    }

    private func problems(_ events: [RecordingEvent]) -> [Finding] {
        events.compactMap { if case .problem(let finding) = $0 { finding } else { nil } }
    }

    @Test func readsChromeHARWithBase64Bodies() throws {
        let read = exchanges(try events("chrome.har"))
        #expect(read.count == 6)
        #expect(read.map(\.method) == ["GET", "POST", "GET", "GET", "GET", "GET"])
        #expect(read[0].source.hasSuffix("chrome.har#1"))
        #expect(read[2].status == 200)
        guard case .bytes(let body, let location) = read[2].body else {
            Issue.record("expected raw bytes")
            return
        }
        #expect(String(decoding: body, as: UTF8.self).hasPrefix("{\"status\": \"running\""))
        #expect(location?.line != nil)
        #expect(read[0].requestHeaders.contains { $0.name == "authorization" })
        #expect(read[0].responseHeader("Content-Type") == "application/json; charset=utf-8")
        #expect(read[0].elapsedMilliseconds == 120.5)
    }

    @Test func readsFirefoxExportsWithMissingBodiesAndAbortedEntries() throws {
        let all = try events("firefox-export.json")
        let read = exchanges(all)
        #expect(read.count == 2)
        if case .none = read[1].body {} else { Issue.record("the 401 entry has no recorded body") }
        let skipped = problems(all)
        #expect(skipped.map(\.message) == ["entry has status 0 (no response was recorded); skipped"])
        #expect(skipped.first?.severity == .warning)
        #expect(skipped.first?.source?.hasSuffix("firefox-export.json#3") == true)
    }

    @Test func keepsEveryCompleteEntryOfATruncatedHAR() throws {
        let all = try events("truncated.har")
        #expect(exchanges(all).count == 3)
        let problem = try #require(problems(all).first)
        #expect(problem.message == "the file ends inside log.entries (truncated after 3 complete entries)")
        #expect(problem.source?.hasSuffix("truncated.har#4") == true)
    }

    @Test func readsCassettesLineByLine() throws {
        let read = exchanges(try events("examples.jsonl"))
        #expect(read.count == 6)
        #expect(
            read.map(\.source).map { $0.split(separator: ":").last.map(String.init) } == ["1", "2", "3", "4", "5", "6"])
        guard case .parsedJSON(let document, let index, _, let line) = read[2].body else {
            Issue.record("expected a parsed body")
            return
        }
        #expect(line == 3)
        #expect(document.tape[index].kind == .object)
        #expect(read[5].status == 401)
    }

    @Test func reportsBrokenEntriesAndKeepsReading() throws {
        let all = try events("broken-middle.jsonl")
        #expect(exchanges(all).count == 4)
        let found = problems(all)
        #expect(found.map(\.location?.line) == [3, 4])
        #expect(found[0].message.hasPrefix("entry is not well-formed JSON: unterminated string"))
        #expect(found[1].message == "entry has no response.status; skipped")
    }

    @Test func readsSchemathesisVCRCassettes() throws {
        let read = exchanges(try events("schemathesis-vcr.yaml"))
        #expect(read.count == 2)
        #expect(read[0].url == "http://127.0.0.1:8080/inputs")
        #expect(read[0].status == 200)
        guard case .bytes(let body, _) = read[1].body else {
            Issue.record("expected a decoded base64 body")
            return
        }
        #expect(String(decoding: body, as: UTF8.self) == #"{"status": "completed", "result": "done"}"#)
        #expect(read[0].requestHeaders.contains(HTTPHeader(name: "Authorization", value: "Bearer vcr-secret-token")))
    }

    @Test func walksDirectoriesInNameOrder() throws {
        let files = try RecordingSet().files([fixture("")], bodiesAllowed: false)
        let names = files.map { String($0.path.split(separator: "/").last ?? "") }
        #expect(
            names == [
                "broken-middle.jsonl", "chrome.har", "examples.jsonl", "firefox-export.json", "platform-shape.jsonl",
                "schemathesis-vcr.yaml", "schemathesis.har", "truncated.har",
            ])
    }

    @Test func refusesWhatItCannotRead() throws {
        #expect(throws: RecordingError.self) { try RecordingSet().files(["/nonexistent/x.har"], bodiesAllowed: false) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "conform-rec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let notHAR = directory.appendingPathComponent("notes.har").path
        try "{\"hello\": 1}".write(toFile: notHAR, atomically: true, encoding: .utf8)
        do {
            try RecordingSet().read(notHAR, kind: .har) { _ in }
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(notHAR):1:13: error: not a HAR file: no log.entries array found")
        }
        let longLine = directory.appendingPathComponent("long.jsonl").path
        try (String(repeating: "x", count: 2000) + "\n{}\n").write(toFile: longLine, atomically: true, encoding: .utf8)
        var found: [Finding] = []
        try RecordingSet(limits: RecordingLimits(maxLineBytes: 1000)).read(longLine, kind: .cassette) {
            if case .problem(let finding) = $0 { found.append(finding) }
        }
        #expect(
            found.map(\.message) == [
                "entry is 2000 bytes long, more than the limit of 1000 bytes; skipped",
                "entry has no response.status; skipped",
            ])
    }
}
