import ContractCore

/// Reads HAR 1.2 files (browser exports, proxies, Schemathesis `--report har`).
///
/// The file is scanned once for the elements of `log.entries`; each entry is parsed on its own,
/// so entries are never held twice, and a truncated file still yields every complete entry.
struct HARReader {
    let path: String
    let limits: RecordingLimits

    /// Reads the file and finds its entries (sequential, one pass); entries decode on their own.
    func scan() throws(RecordingError) -> (file: SharedFile, entries: [Range<Int>], truncatedAt: Int?) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxFileBytes)
        } catch {
            throw .unreadable(error)
        }
        let file = SharedFile(path: path, bytes: bytes)
        let scan = EntryScanner.scan(bytes)
        guard scan.foundEntries else {
            throw .malformed("not a HAR file: no log.entries array found", at: file.location(scan.stoppedAt ?? 0))
        }
        return (file, scan.entries, scan.truncatedAt)
    }

    /// Decodes entry `number` (0-based) at `range` of `file` (pure: runs on any thread).
    func decode(entry number: Int, range: Range<Int>, in file: SharedFile) -> RecordingEvent {
        let source = "\(path)#\(number + 1)"
        let document: JSONDocument
        do {
            document = try JSONDocument(bytes: Array(file.bytes[range]), limits: JSONLimits(maxDepth: limits.maxDepth))
        } catch {
            return .problem(Finding(
                check: .json, message: "entry \(number + 1) is not well-formed JSON: \(error.message)",
                location: file.location(range.lowerBound + error.offset), source: source))
        }
        return entry(document, source: source, start: file.location(range.lowerBound), offset: range.lowerBound, locate: file.location)
    }

    /// The finding for a file that ends inside `log.entries`.
    func truncated(at offset: Int, complete: Int, in file: SharedFile) -> RecordingEvent {
        .problem(Finding(
            check: .json,
            message: "the file ends inside log.entries (truncated after \(complete) complete entries)",
            location: file.location(offset), source: "\(path)#\(complete + 1)"))
    }

    private func entry(
        _ document: JSONDocument, source: String, start: SourceLocation, offset: Int,
        locate: (Int) -> SourceLocation
    ) -> RecordingEvent {
        let request = document.member("request", of: 0)
        let response = document.member("response", of: 0)
        guard let method = document.stringValue(document.member("method", of: request)),
            let url = document.stringValue(document.member("url", of: request))
        else {
            return .problem(Finding(check: .json, message: "entry has no request.method and request.url; skipped", location: start, source: source))
        }
        guard let status = document.intValue(document.member("status", of: response)) else {
            return .problem(Finding(check: .json, message: "entry has no response.status; skipped", location: start, source: source))
        }
        if status == 0 {
            return .problem(Finding(
                check: .json, severity: .warning, message: "entry has status 0 (no response was recorded); skipped",
                location: start, source: source))
        }
        var headers = document.headers(document.member("headers", of: response))
        let content = document.member("content", of: response)
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }),
            let mime = document.stringValue(document.member("mimeType", of: content)), !mime.isEmpty
        {
            headers.append(HTTPHeader(name: "Content-Type", value: mime))
        }
        var body = HTTPBody.none
        if let textIndex = document.member("text", of: content), document.tape[textIndex].kind == .string {
            let place = locate(offset + Int(document.tape[textIndex].start) - 1)
            if document.stringValue(document.member("encoding", of: content)) == "base64" {
                guard let decoded = Base64.decode(document.string(at: textIndex)) else {
                    return .problem(Finding(check: .json, message: "content.text is not valid base64; skipped", location: place, source: source))
                }
                body = .bytes(decoded, location: place)
            } else {
                body = .bytes(document.decodedBytes(at: textIndex), location: place)
            }
        }
        return .exchange(HTTPExchange(
            source: source, location: start, method: method.uppercased(), url: url,
            requestHeaders: document.headers(document.member("headers", of: request)), status: status,
            responseHeaders: headers, body: body, elapsedMilliseconds: document.doubleValue(document.member("time", of: 0))))
    }
}

/// A whole file in memory, shared read-only by the tasks that decode its entries.
final class SharedFile: Sendable {
    let path: String
    let bytes: [UInt8]
    let lines: LineTable

    init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        lines = LineTable(bytes)
    }

    func location(_ offset: Int) -> SourceLocation {
        let (line, column) = lines.position(of: offset, in: bytes)
        return SourceLocation(file: path, line: line, column: column)
    }
}

/// Finds the byte ranges of the elements of `log.entries` in one pass, without parsing them.
enum EntryScanner {
    struct Result {
        var entries: [Range<Int>] = []
        var foundEntries = false
        var truncatedAt: Int?
        var stoppedAt: Int?
    }

    static func scan(_ bytes: [UInt8]) -> Result {
        var result = Result()
        var depth = 0
        var index = 0
        let count = bytes.count
        var lastString: ArraySlice<UInt8> = []
        var keyAtDepth: [Int: ArraySlice<UInt8>] = [:]
        var pendingKey: ArraySlice<UInt8>?
        var entriesDepth: Int?
        var elementStart: Int?
        let log = Array("log".utf8)
        let entries = Array("entries".utf8)
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let begin = index + 1
                index += 1
                while index < count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if index >= count {
                    if entriesDepth != nil { result.truncatedAt = elementStart ?? index }
                    return result
                }
                lastString = bytes[begin..<index]
                if elementStart == nil, let depthOfEntries = entriesDepth, depth == depthOfEntries {
                    elementStart = begin - 1
                }
            case UInt8(ascii: ":"):
                pendingKey = lastString
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, elementStart == nil { elementStart = index }
                if let key = pendingKey { keyAtDepth[depth] = key }
                // Entering log.entries: root object (depth 1) → "log" object (depth 2) → "entries" array.
                if byte == UInt8(ascii: "["), entriesDepth == nil, depth == 2,
                    pendingKey.map({ $0.elementsEqual(entries) }) == true,
                    keyAtDepth[1].map({ $0.elementsEqual(log) }) == true
                {
                    entriesDepth = depth + 1
                    result.foundEntries = true
                }
                pendingKey = nil
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                pendingKey = nil
                if let depthOfEntries = entriesDepth {
                    if depth == depthOfEntries, let start = elementStart {
                        result.entries.append(start..<(index + 1))
                        elementStart = nil
                    } else if depth < depthOfEntries {
                        result.stoppedAt = index
                        return result
                    }
                }
            case UInt8(ascii: ","):
                pendingKey = nil
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, let start = elementStart {
                    // A scalar element ends at the comma.
                    result.entries.append(start..<index)
                    elementStart = nil
                }
            case 0x20, 0x0A, 0x0D, 0x09:
                break
            default:
                if let depthOfEntries = entriesDepth, depth == depthOfEntries, elementStart == nil { elementStart = index }
            }
            index += 1
        }
        if entriesDepth != nil { result.truncatedAt = elementStart ?? count }
        result.stoppedAt = count
        return result
    }
}
