import ContractCore
import Foundation
import Recordings
import Testing

/// Cassettes and HAR files are memory-mapped, split with `memchr` and wide scans, and their pages
/// given back as they are read; these tests check the edges of that.
@Suite struct MappedRecordingTests {
    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "conform-mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func read(_ path: String, _ kind: RecordingKind, limits: RecordingLimits = .default) throws
        -> [RecordingEvent]
    {
        var events: [RecordingEvent] = []
        try RecordingSet(limits: limits).read(path, kind: kind) { events.append($0) }
        return events
    }

    private func line(status: Int, body: String) -> String {
        "{\"request\":{\"method\":\"get\",\"url\":\"https://x.test/status/1\"},\"response\":{\"status\":\(status),\"body\":\(body)}}"
    }

    @Test func splitsLinesEndedByLFOrCRLFAndALastLineWithout() throws {
        let text =
            line(status: 200, body: "1") + "\r\n" + "\n" + line(status: 201, body: "[2]") + "\n  \r\n"
            + line(status: 202, body: "{\"a\":3}")
        let events = try read(try temporaryFile("lines.jsonl", Array(text.utf8)), .cassette)
        let exchanges = events.compactMap { if case .exchange(let exchange) = $0 { exchange } else { nil } }
        #expect(exchanges.map(\.status) == [200, 201, 202])
        #expect(exchanges.map(\.method) == ["GET", "GET", "GET"])
        #expect(exchanges.map { $0.source.split(separator: ":").last.map(String.init) } == ["1", "3", "5"])
    }

    @Test func skipsLinesLongerThanTheLimitAndKeepsCounting() throws {
        let long = line(status: 200, body: "\"" + String(repeating: "x", count: 300) + "\"")
        let text = line(status: 200, body: "1") + "\n" + long + "\n" + line(status: 203, body: "1") + "\n" + long
        let events = try read(
            try temporaryFile("long.jsonl", Array(text.utf8)), .cassette, limits: RecordingLimits(maxLineBytes: 200))
        let messages = events.compactMap { if case .problem(let finding) = $0 { finding.message } else { nil } }
        #expect(
            messages == [
                "entry is \(long.utf8.count) bytes long, more than the limit of 200 bytes; skipped",
                "entry is \(long.utf8.count) bytes long, more than the limit of 200 bytes; skipped",
            ])
        let statuses = events.compactMap { if case .exchange(let exchange) = $0 { exchange.status } else { nil } }
        #expect(statuses == [200, 203])
    }

    @Test func readsAnEmptyCassette() throws {
        #expect(try read(try temporaryFile("empty.jsonl", []), .cassette).isEmpty)
    }

    @Test func readsEveryLineOfACassetteLargerThanTheStepsItGivesBack() throws {
        // About 9 MB: pages are given back every 4 MiB while lines are still being read.
        let filler = String(repeating: "z", count: 9_000)
        var text = ""
        for number in 0..<1_000 { text += line(status: 200 + number % 100, body: "\"\(number)\(filler)\"") + "\n" }
        let events = try read(try temporaryFile("big.jsonl", Array(text.utf8)), .cassette)
        let exchanges = events.compactMap { if case .exchange(let exchange) = $0 { exchange } else { nil } }
        #expect(exchanges.count == 1_000)
        #expect(exchanges.last?.status == 299)
        guard case .parsedJSON(let document, let index, _, let number) = exchanges.last?.body else {
            Issue.record("expected a parsed body")
            return
        }
        #expect(number == 1_000)
        #expect(document.string(at: index) == "999" + filler)
    }

    private func entry(_ text: String) -> String {
        let escaped = JSONText.quote(text)
        return "{\"request\":{\"method\":\"GET\",\"url\":\"https://x.test/a\"},\"response\":{\"status\":200,"
            + "\"content\":{\"mimeType\":\"text/plain\",\"text\":\(escaped)}}}"
    }

    @Test func findsHAREntriesWhoseBodiesHaveQuotesAndBackslashesAtEveryAlignment() throws {
        var bodies: [String] = []
        for padding in 0..<70 {
            let pad = String(repeating: "p", count: padding)
            bodies.append(pad + "\"" + pad + "\\" + "\\\"" + "{\"k\":\"v\\\"]}" + pad)
        }
        let har = "{\"log\":{\"version\":\"1.2\",\"entries\":[\n" + bodies.map(entry).joined(separator: ",\n") + "\n]}}"
        let events = try read(try temporaryFile("aligned.har", Array(har.utf8)), .har)
        let read = events.compactMap { event -> String? in
            guard case .exchange(let exchange) = event, case .bytes(let body, _) = exchange.body else { return nil }
            return String(decoding: body, as: UTF8.self)
        }
        #expect(read == bodies)
    }

    /// Long strings of an entry are skimmed and checked as they are decoded; a broken one is reported
    /// as a strict read reports it, at its place.
    @Test func readsLongHARBodiesOnceAndReportsABrokenOneExactly() throws {
        let long = String(repeating: "{\"output\": \"中文 \\u573a\\u6765 \\ud83d\\ude80 ünï\"} ", count: 30)
        #expect(long.utf8.count > 512)
        let header = "{\"log\":{\"entries\":[\n"
        let good = entry(long)
        let lines = [
            good, good.replacingOccurrences(of: "ünï", with: "\\x"),
            good.replacingOccurrences(of: "ünï\\\"", with: "\u{01}\\\""),
            good.replacingOccurrences(
                of: "\"url\":\"https://x.test/a\"", with: "\"url\":" + JSONText.quote("/" + long)),
        ]
        var bytes = Array((header + lines.joined(separator: ",\n") + "\n]}}").utf8)
        // A fifth entry whose long URL holds a byte that is not UTF-8.
        let broken = Array(lines[3].utf8)
        let slash = try #require(broken.firstIndex(of: UInt8(ascii: "/")).map { $0 + 10 })
        bytes.insert(contentsOf: Array(",\n".utf8) + broken[..<slash] + [0xFF] + broken[slash...], at: bytes.count - 4)
        let path = try temporaryFile("long.har", bytes)
        let events = try read(path, .har)
        let bodies = events.compactMap { event -> String? in
            guard case .exchange(let exchange) = event, case .bytes(let body, _) = exchange.body else { return nil }
            return String(decoding: body, as: UTF8.self)
        }
        #expect(bodies == [long, long])
        let problems = events.compactMap { if case .problem(let finding) = $0 { finding } else { nil } }
        #expect(
            problems.map(\.message) == [
                "entry 2 is not well-formed JSON: invalid escape sequence '\\x'",
                "entry 3 is not well-formed JSON: unescaped control character U+0001 in string",
                "entry 5 is not well-formed JSON: invalid UTF-8: byte 0xFF is not allowed",
            ])
        let escape = try #require(lines[1].range(of: "\\x"))
        #expect(problems.first?.location?.line == 3)
        // The column counts code points; it points at the letter after the backslash.
        #expect(problems.first?.location?.column == lines[1][..<escape.lowerBound].unicodeScalars.count + 2)
    }

    /// A long body that breaks a rule makes the entry malformed even when the entry lacks what it needs
    /// (a status other than 0, a method): the JSON error is reported, as a strict read reports it.
    @Test func aBrokenLongBodyIsReportedBeforeWhatTheEntryLacks() throws {
        let body = String(repeating: "a", count: 600)
        let entries = [
            #"{"request":{"method":"GET","url":"/"},"response":{"status":0,"content":{"text":"\#(body)\#u{01}"}}}"#,
            #"{"response":{"content":{"text":"\q\#(body)"}}}"#,
        ]
        let har = "{\"log\":{\"entries\":[\n" + entries.joined(separator: ",\n") + "\n]}}"
        let events = try read(try temporaryFile("lacking.har", Array(har.utf8)), .har)
        let messages = events.compactMap { if case .problem(let finding) = $0 { finding.message } else { nil } }
        #expect(
            messages == [
                "entry 1 is not well-formed JSON: unescaped control character U+0001 in string",
                "entry 2 is not well-formed JSON: invalid escape sequence '\\q'",
            ])
    }

    @Test(arguments: ["\\", "\\\\", "\\\"", "abc", ""])
    func reportsAHARCutInsideAString(tail: String) throws {
        let har = "{\"log\":{\"entries\":[" + entry("one") + "," + entry("two") + ",{\"request\":\"" + tail
        let events = try read(try temporaryFile("cut.har", Array(har.utf8)), .har)
        let exchanges = events.filter { if case .exchange = $0 { true } else { false } }
        #expect(exchanges.count == 2)
        let messages = events.compactMap { if case .problem(let finding) = $0 { finding.message } else { nil } }
        #expect(messages == ["the file ends inside log.entries (truncated after 2 complete entries)"])
    }

    @Test(arguments: [1, 200, 1 << 20])
    func findsHAREntriesBatchByBatchInOrder(batchBytes: Int) throws {
        let bodies = (0..<40).map { "body \($0) " + String(repeating: "\"é", count: $0) }
        let complete = "{\"log\":{\"entries\":[" + bodies.map(entry).joined(separator: ",") + "]}}"
        let cut = "{\"log\":{\"entries\":[" + bodies.map(entry).joined(separator: ",") + ",{\"request\":{"
        for (name, text) in [("batches.har", complete), ("cut.har", cut)] {
            let path = try temporaryFile(name, Array(text.utf8))
            let units = try RecordingSet().units(path, kind: .har, batchBytes: batchBytes)
            var events: [RecordingEvent] = []
            while let batch = try units.nextBatch() { events += batch.compactMap { $0.decode() } }
            let read = events.compactMap { event -> (String, String)? in
                guard case .exchange(let exchange) = event, case .bytes(let body, _) = exchange.body else { return nil }
                return (exchange.source, String(decoding: body, as: UTF8.self))
            }
            #expect(read.map(\.1) == bodies)
            #expect(read.map { $0.0.split(separator: "#").last.map(String.init) } == (1...40).map { String($0) })
            let messages = events.compactMap { if case .problem(let finding) = $0 { finding.message } else { nil } }
            #expect(
                messages
                    == (name == "cut.har"
                        ? ["the file ends inside log.entries (truncated after 40 complete entries)"] : []))
        }
    }
}
