import ContractCore

/// One entry of a recording, not decoded yet. Decoding is pure, so units of a batch can be
/// decoded on different threads and the results put back in order.
public struct RecordingUnit: Sendable {
    enum Payload: Sendable {
        /// A cassette line, read where it is in its chunk.
        case line(CassetteReader, number: Int, range: Range<Int>, chunk: LineChunk)
        case longLine(CassetteReader, number: Int, length: Int)
        case harEntry(HARReader, number: Int, range: Range<Int>, file: SharedFile)
        case harTruncated(HARReader, offset: Int, complete: Int, file: SharedFile)
        case decoded(RecordingEvent)
    }

    let payload: Payload

    /// The unit as an exchange or a broken-entry finding; `nil` for a blank line.
    public func decode() -> RecordingEvent? {
        switch payload {
        case .line(let reader, let number, let range, let chunk):
            reader.decode(line: range, of: chunk, number: number)
        case .longLine(let reader, let number, let length): reader.tooLong(number: number, length: length)
        case .harEntry(let reader, let number, let range, let file):
            reader.decode(entry: number, range: range, in: file)
        case .harTruncated(let reader, let offset, let complete, let file):
            reader.truncated(at: offset, complete: complete, in: file)
        case .decoded(let event): event
        }
    }
}

/// Batches of units of one recording, in file order. Memory stays bounded by the batch size for
/// JSON Lines cassettes (read in chunks, each freed with the last of its lines) and HAR files
/// (memory-mapped, their pages given back as they are read); VCR files are held whole (once).
public final class RecordingUnits {
    private enum Source {
        case cassette(CassetteReader, LineReader)
        /// The file could not be read on; the lines read before were handed out first.
        case failed(RecordingError)
        /// `next`: the number of the next entry; `inFlight`: where the last batch handed out starts;
        /// `released`: where the pages given back so far end.
        case har(HARReader, SharedFile, EntryScanner, next: Int, inFlight: Int, released: Int)
        case ready([RecordingEvent], next: Int)
    }

    private var source: Source?
    private let batchBytes: Int

    init(path: String, kind: RecordingKind, limits: RecordingLimits, batchBytes: Int) throws(RecordingError) {
        self.batchBytes = max(batchBytes, 1)
        switch kind {
        case .cassette:
            let reader = CassetteReader(path: path, limits: limits)
            do {
                source = .cassette(reader, try LineReader(path: path, maxLineBytes: limits.maxLineBytes))
            } catch {
                throw .unreadable(error)
            }
        case .har:
            let reader = HARReader(path: path, limits: limits)
            let opened = try reader.open()
            source = .har(reader, opened.file, opened.scanner, next: 0, inFlight: 0, released: 0)
        case .vcr:
            var events: [RecordingEvent] = []
            try VCRReader(path: path, limits: limits).read { events.append($0) }
            source = .ready(events, next: 0)
        case .body:
            let bytes: [UInt8]
            do {
                bytes = try FileBytes.read(path, limit: limits.maxBodyBytes)
            } catch {
                throw .unreadable(error)
            }
            let exchange = HTTPExchange(
                source: path, location: SourceLocation(file: path, line: 1, column: 1), method: "", url: "", status: 0,
                body: .file(bytes, path: path))
            source = .ready([.exchange(exchange)], next: 0)
        }
    }

    /// The next batch, or `nil` at the end.
    public func nextBatch() throws(RecordingError) -> [RecordingUnit]? {
        guard let current = source else { return nil }
        var batch: [RecordingUnit] = []
        var size = 0
        switch current {
        case .cassette(let reader, let lines):
            source = nil
            do {
                while size < batchBytes, let line = try lines.next() {
                    switch line {
                    case .text(let chunk, let range):
                        size += range.count + 1
                        batch.append(
                            RecordingUnit(payload: .line(reader, number: lines.lineNumber, range: range, chunk: chunk)))
                    case .tooLong(let length):
                        batch.append(
                            RecordingUnit(payload: .longLine(reader, number: lines.lineNumber, length: length)))
                    }
                }
            } catch {
                // The lines already read are checked; the error comes with the next batch.
                guard !batch.isEmpty else { throw .unreadable(error) }
                source = .failed(.unreadable(error))
                return batch
            }
            if !batch.isEmpty { source = .cassette(reader, lines) }
        case .failed(let error):
            source = nil
            throw error
        case .har(let reader, let file, var scanner, let next, let inFlight, let released):
            // The batch before the last one has been decoded: its pages can go.
            file.release(released..<inFlight)
            // Entries are found a batch ahead of the ones being checked.
            var entries: [Range<Int>] = []
            scanner.scan(into: &entries, budget: batchBytes)
            for (offset, range) in entries.enumerated() {
                batch.append(RecordingUnit(payload: .harEntry(reader, number: next + offset, range: range, file: file)))
            }
            let found = next + entries.count
            if scanner.isFinished {
                if let truncatedAt = scanner.truncatedAt {
                    batch.append(
                        RecordingUnit(payload: .harTruncated(reader, offset: truncatedAt, complete: found, file: file)))
                }
                source = nil
            } else {
                source = .har(
                    reader, file, scanner, next: found, inFlight: entries.first?.lowerBound ?? inFlight,
                    released: max(released, inFlight))
            }
        case .ready(let events, var next):
            while next < events.count && batch.count < 256 {
                batch.append(RecordingUnit(payload: .decoded(events[next])))
                next += 1
            }
            source = next < events.count ? .ready(events, next: next) : nil
        }
        return batch.isEmpty ? nil : batch
    }
}
