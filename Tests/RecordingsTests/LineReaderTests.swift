import Foundation
import Testing

@testable import Recordings

/// Cassettes are read in chunks; a line a chunk cuts is carried to the next. These tests read the
/// same text with chunks of every small size and compare the lines with a plain split.
@Suite struct LineReaderTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conform-lines-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        return url.path
    }

    /// What the reader must hand out: LF or CR LF ends a line, a last line without LF keeps a CR,
    /// lines longer than `limit` (CR included) are reported by length.
    private func expected(_ text: [UInt8], limit: Int) -> [String] {
        var lines: [String] = []
        var start = 0
        while start < text.count {
            let newline = text[start...].firstIndex(of: 0x0A)
            let end = newline ?? text.count
            let length = end - start
            if length > limit {
                lines.append("too long: \(length)")
            } else {
                var kept = end
                if newline != nil, kept > start, text[kept - 1] == 0x0D { kept -= 1 }
                lines.append(String(decoding: text[start..<kept], as: UTF8.self))
            }
            start = end + 1
        }
        return lines
    }

    /// The lines read, decoded only once every line has been handed out (a chunk written again while
    /// one of its lines is held would show), and the largest chunk used.
    private func read(_ path: String, limit: Int, chunkBytes: Int) throws -> (lines: [String], largest: Int) {
        let reader = try LineReader(path: path, maxLineBytes: limit, chunkBytes: chunkBytes)
        var held: [LineReader.Line] = []
        var number = 0
        while let line = try reader.next() {
            number += 1
            #expect(reader.lineNumber == number)
            held.append(line)
        }
        #expect(try reader.next() == nil)
        var largest = 0
        let lines = held.map { line in
            switch line {
            case .text(let chunk, let range):
                largest = max(largest, chunk.capacity)
                return String(decoding: UnsafeBufferPointer(rebasing: chunk.bytes[range]), as: UTF8.self)
            case .tooLong(let length): return "too long: \(length)"
            }
        }
        return (lines, largest)
    }

    @Test(arguments: [1, 2, 3, 5, 8, 13, 64, 1 << 20])
    func linesAreTheSameWhateverTheChunkSize(chunkBytes: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("{\"a\":1}".utf8), [0x0A], [0x0D, 0x0A], [0x0D], Array("x".utf8), Array(repeating: 0x79, count: 40),
            Array("中文".utf8),
        ]
        for _ in 0..<40 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30, using: &generator) {
                text += pieces.randomElement(using: &generator)!
            }
            let path = try temporaryFile(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for limit in [20, 1 << 20] {
                #expect(try read(path, limit: limit, chunkBytes: chunkBytes).lines == expected(text, limit: limit))
            }
        }
    }

    @Test func aLineLongerThanTheLimitIsSkippedWithoutHoldingIt() throws {
        let text = Array(
            ("short\n" + String(repeating: "z", count: 100_000) + "\r\nafter\n" + String(repeating: "q", count: 5_000))
                .utf8)
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let skipped = try read(path, limit: 1_000, chunkBytes: 256)
        #expect(skipped.lines == ["short", "too long: 100001", "after", "too long: 5000"])
        // A chunk grows to hold a line of the limit and its line feed, no more.
        #expect(skipped.largest <= 1_001)
        let kept = try read(path, limit: 200_000, chunkBytes: 256)
        #expect(kept.lines == expected(text, limit: 200_000))
        #expect(kept.largest <= 200_001)
    }

    @Test func anEmptyFileHasNoLines() throws {
        let path = try temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try read(path, limit: 10, chunkBytes: 4).lines.isEmpty)
    }
}
