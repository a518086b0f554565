import ContractCore

/// Reads HAR 1.2 files (browser exports, proxies, Schemathesis `--report har`).
///
/// The file is scanned once for the elements of `log.entries`, a batch ahead of the entries being
/// checked; each entry is parsed on its own, so entries are never held twice, and a truncated file
/// still yields every complete entry.
struct HARReader {
    let path: String
    let limits: RecordingLimits

    /// Maps the file and scans it up to `log.entries`; the entries are found batch by batch from the
    /// returned scanner (sequential, one pass), and decode on their own.
    func open() throws(RecordingError) -> (file: SharedFile, scanner: EntryScanner) {
        let mapped: MappedFile
        do {
            mapped = try MappedFile(path: path, limit: limits.maxFileBytes)
        } catch {
            throw .unreadable(error)
        }
        let file = SharedFile(mapped)
        var scanner = EntryScanner(mapped.bytes)
        var none: [Range<Int>] = []
        scanner.scan(into: &none, untilEntriesFound: true)
        guard scanner.foundEntries else {
            throw .malformed("not a HAR file: no log.entries array found", at: file.location(scanner.stoppedAt ?? 0))
        }
        return (file, scanner)
    }

    /// Decodes entry `number` (0-based) at `range` of `file` (pure: runs on any thread).
    func decode(entry number: Int, range: Range<Int>, in file: SharedFile) -> RecordingEvent {
        let source = "\(path)#\(number + 1)"
        // Parsed where it lies in the mapping: the documents keep the file, and die with this call.
        let bytes = UnsafeBufferPointer(rebasing: file.bytes[range])
        let jsonLimits = JSONLimits(maxDepth: limits.maxDepth)
        // Long strings (the body in content.text) are skimmed, then checked as they are decoded, so
        // the body is read once before it is parsed, not twice. Anything wrong, and the entry is read
        // again strictly, for the exact error.
        if let skimmed = try? JSONDocument(
            borrowing: bytes, owner: file, limits: jsonLimits, deferringStringsFrom: Self.deferredStringBytes),
            let event = entry(
                skimmed, source: source, start: file.location(range.lowerBound), offset: range.lowerBound,
                locate: file.location)
        {
            return event
        }
        let document: JSONDocument
        do {
            document = try JSONDocument(borrowing: bytes, owner: file, limits: jsonLimits)
        } catch {
            return .problem(
                Finding(
                    check: .json, message: "entry \(number + 1) is not well-formed JSON: \(error.message)",
                    location: file.location(range.lowerBound + error.offset), source: source))
        }
        // Read strictly, every string is checked: the entry reads whole.
        return entry(
            document, source: source, start: file.location(range.lowerBound), offset: range.lowerBound,
            locate: file.location)
            ?? .problem(
                Finding(
                    check: .json, message: "entry \(number + 1) has a string that could not be decoded; skipped",
                    location: file.location(range.lowerBound),
                    source: source))
    }

    /// String values this long are skimmed while an entry is parsed (see ``decode(entry:range:in:)``).
    static let deferredStringBytes = 512

    /// The finding for a file that ends inside `log.entries`.
    func truncated(at offset: Int, complete: Int, in file: SharedFile) -> RecordingEvent {
        .problem(
            Finding(
                check: .json,
                message: "the file ends inside log.entries (truncated after \(complete) complete entries)",
                location: file.location(offset), source: "\(path)#\(complete + 1)"))
    }

    /// The entry's exchange or problem; `nil` when a deferred string of `document` breaks a rule (then
    /// the entry is read again strictly).
    private func entry(
        _ document: JSONDocument, source: String, start: SourceLocation, offset: Int,
        locate: (Int) -> SourceLocation
    ) -> RecordingEvent? {
        let content = document.member("content", of: document.member("response", of: 0))
        let textIndex = document.member("text", of: content).flatMap { document.tape[$0].kind == .string ? $0 : nil }
        // Every deferred string is checked before anything else is read, the body too: a strict read
        // would have refused the entry, whatever else it lacks.
        let text = textIndex.map { document.checkedDecodedBytes(at: $0) }
        if text.map({ $0 == nil }) == true { return nil }
        for index in document.tape.indices
        where document.tape[index].flags & JSONToken.isDeferred != 0 && index != textIndex
            && document.tape[index].kind == .string
        {
            guard document.checkedDecodedBytes(at: index) != nil else { return nil }
        }
        let request = document.member("request", of: 0)
        let response = document.member("response", of: 0)
        guard let method = document.stringValue(document.member("method", of: request)),
            let url = document.stringValue(document.member("url", of: request))
        else {
            return .problem(
                Finding(
                    check: .json, message: "entry has no request.method and request.url; skipped", location: start,
                    source: source))
        }
        guard let status = document.intValue(document.member("status", of: response)) else {
            return .problem(
                Finding(check: .json, message: "entry has no response.status; skipped", location: start, source: source)
            )
        }
        if status == 0 {
            return .problem(
                Finding(
                    check: .json, severity: .warning, message: "entry has status 0 (no response was recorded); skipped",
                    location: start, source: source))
        }
        var headers = document.headers(document.member("headers", of: response))
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }),
            let mime = document.stringValue(document.member("mimeType", of: content)), !mime.isEmpty
        {
            headers.append(HTTPHeader(name: "Content-Type", value: mime))
        }
        var body = HTTPBody.none
        if let textIndex, let text = text ?? nil {
            let place = locate(offset + Int(document.tape[textIndex].start) - 1)
            if document.stringValue(document.member("encoding", of: content)) == "base64" {
                guard let decoded = Base64.decode(String(decoding: text, as: UTF8.self)) else {
                    return .problem(
                        Finding(
                            check: .json, message: "content.text is not valid base64; skipped", location: place,
                            source: source))
                }
                body = .bytes(decoded, location: place)
            } else {
                body = .bytes(text, location: place)
            }
        }
        return .exchange(
            HTTPExchange(
                source: source, location: start, method: method.uppercased(), url: url,
                requestHeaders: document.headers(document.member("headers", of: request)), status: status,
                responseHeaders: headers, body: body,
                elapsedMilliseconds: document.doubleValue(document.member("time", of: 0))))
    }
}

/// A mapped file, shared read-only by the tasks that decode its entries.
final class SharedFile: Sendable {
    let path: String
    let file: MappedFile
    /// Read as far as the entries placed so far need, by the threads that place them.
    let lines = SharedLineTable()
    var bytes: UnsafeBufferPointer<UInt8> { file.bytes }

    init(_ file: MappedFile) {
        path = file.path
        self.file = file
    }

    /// Gives back the pages of `range` (see ``MappedFile/release(_:)``).
    func release(_ range: Range<Int>) { file.release(range) }

    func location(_ offset: Int) -> SourceLocation {
        let (line, column) = lines.position(of: offset, in: bytes)
        return SourceLocation(file: path, line: line, column: column)
    }
}

/// Finds the byte ranges of the elements of `log.entries` in one forward pass, without parsing them.
/// It resumes where it stopped, so entries are found a batch at a time while earlier ones are checked.
struct EntryScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private var lastString: Range<Int> = 0..<0
    /// The key of the value opened at depth 1 (only "log" matters).
    private var keyAtDepthOne: Range<Int>?
    private var pendingKey: Range<Int>?
    private var entriesDepth: Int?
    private var elementStart: Int?
    /// Whether `log.entries` has been found.
    private(set) var foundEntries = false
    /// Where the file ends inside `log.entries`, if it does.
    private(set) var truncatedAt: Int?
    /// Where the scan stopped: the bracket closing `log.entries`, or the end of the file.
    private(set) var stoppedAt: Int?
    /// Whether the scan is over.
    private(set) var isFinished = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Scans on, appending entries to `entries`, until they hold at least `budget` bytes, until
    /// `log.entries` is found (with `untilEntriesFound`), or until the scan is over.
    mutating func scan(into entries: inout [Range<Int>], budget: Int = Int.max, untilEntriesFound: Bool = false) {
        let count = bytes.count
        var size = 0
        while index < count {
            if size >= budget || (untilEntriesFound && foundEntries) { return }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let begin = index + 1
                index = Self.skipString(bytes, from: begin)
                if index >= count {
                    if entriesDepth != nil { truncatedAt = elementStart ?? index }
                    isFinished = true
                    return
                }
                lastString = begin..<index
                if elementStart == nil, let depthOfEntries = entriesDepth, depth == depthOfEntries {
                    elementStart = begin - 1
                }
            case UInt8(ascii: ":"):
                pendingKey = lastString
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, elementStart == nil {
                    elementStart = index
                }
                if depth == 1, let key = pendingKey { keyAtDepthOne = key }
                // Entering log.entries: root object (depth 1) → "log" object (depth 2) → "entries" array.
                if byte == UInt8(ascii: "["), entriesDepth == nil, depth == 2,
                    pendingKey.map({ named($0, "entries") }) == true,
                    keyAtDepthOne.map({ named($0, "log") }) == true
                {
                    entriesDepth = depth + 1
                    foundEntries = true
                }
                pendingKey = nil
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                pendingKey = nil
                if let depthOfEntries = entriesDepth {
                    if depth == depthOfEntries, let start = elementStart {
                        entries.append(start..<(index + 1))
                        size += index + 1 - start
                        elementStart = nil
                    } else if depth < depthOfEntries {
                        stoppedAt = index
                        isFinished = true
                        return
                    }
                }
            case UInt8(ascii: ","):
                pendingKey = nil
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, let start = elementStart {
                    // A scalar element ends at the comma.
                    entries.append(start..<index)
                    size += index - start
                    elementStart = nil
                }
            case 0x20, 0x0A, 0x0D, 0x09:
                break
            default:
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, elementStart == nil {
                    elementStart = index
                }
            }
            index += 1
        }
        if !isFinished {
            if entriesDepth != nil { truncatedAt = elementStart ?? count }
            stoppedAt = count
            isFinished = true
        }
    }

    private func named(_ range: Range<Int>, _ name: StaticString) -> Bool {
        UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(
            UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// The offset of the closing quote of the string whose first byte is at `start` (escapes
    /// skipped), or an offset at or past the end.
    static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        JSONDocument.closingQuote(in: bytes, from: start)
    }
}
