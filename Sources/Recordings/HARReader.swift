import ContractCore

/// Reads HAR 1.2 files (browser exports, proxies, Schemathesis `--report har`).
///
/// The file is scanned once for the elements of `log.entries`; each entry is parsed on its own,
/// so entries are never held twice, and a truncated file still yields every complete entry.
struct HARReader {
    let path: String
    let limits: RecordingLimits

    func read(_ sink: (RecordingEvent) -> Void) throws(RecordingError) {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, limit: limits.maxFileBytes)
        } catch {
            throw .unreadable(error)
        }
        let lines = LineTable(bytes)
        func location(_ offset: Int) -> SourceLocation {
            let (line, column) = lines.position(of: offset, in: bytes)
            return SourceLocation(file: path, line: line, column: column)
        }
        let scan = EntryScanner.scan(bytes)
        guard scan.foundEntries else {
            throw .malformed("not a HAR file: no log.entries array found", at: location(scan.stoppedAt ?? 0))
        }
        for (number, range) in scan.entries.enumerated() {
            let source = "\(path)#\(number + 1)"
            let start = location(range.lowerBound)
            let document: JSONDocument
            do {
                document = try JSONDocument(bytes: Array(bytes[range]), limits: JSONLimits(maxDepth: limits.maxDepth))
            } catch {
                sink(.problem(Finding(
                    check: .json, message: "entry \(number + 1) is not well-formed JSON: \(error.message)",
                    location: location(range.lowerBound + error.offset), source: source)))
                continue
            }
            sink(entry(document, source: source, start: start, offset: range.lowerBound, locate: location))
        }
        if let truncated = scan.truncatedAt {
            sink(.problem(Finding(
                check: .json,
                message: "the file ends inside log.entries (truncated after \(scan.entries.count) complete entries)",
                location: location(truncated), source: "\(path)#\(scan.entries.count + 1)")))
        }
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
        if let textIndex = document.member("text", of: content), let text = document.stringValue(textIndex) {
            let place = locate(offset + Int(document.tape[textIndex].start) - 1)
            if document.stringValue(document.member("encoding", of: content)) == "base64" {
                guard let decoded = Base64.decode(text) else {
                    return .problem(Finding(check: .json, message: "content.text is not valid base64; skipped", location: place, source: source))
                }
                body = .bytes(decoded, location: place)
            } else {
                body = .bytes(Array(text.utf8), location: place)
            }
        }
        return .exchange(HTTPExchange(
            source: source, location: start, method: method.uppercased(), url: url,
            requestHeaders: document.headers(document.member("headers", of: request)), status: status,
            responseHeaders: headers, body: body, elapsedMilliseconds: document.doubleValue(document.member("time", of: 0))))
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
