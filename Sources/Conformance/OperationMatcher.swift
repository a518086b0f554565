import ContractCore
public import SpecLoader

/// Finds the documented operation of a recorded request: method and path template, with server
/// path prefixes removed and percent-encoded segments decoded.
public struct OperationMatcher: Sendable {
    private struct Template: Sendable {
        var operation: Int
        /// The operation's method, upper case, as UTF-8.
        var method: [UInt8]
        var segments: [Segment]
        var literalCount: Int
    }

    /// A template segment, as UTF-8 bytes: request paths are compared byte for byte (RFC 3986), after
    /// percent-decoding.
    private enum Segment: Sendable {
        case literal([UInt8])
        /// A segment with one variable: `{id}`, `{id}.json`, `v{major}`.
        case variable(name: String, prefix: [UInt8], suffix: [UInt8])
    }

    /// A request path split into segments: ranges of one byte buffer, percent-decoded.
    private struct SplitPath {
        var bytes: [UInt8] = []
        var segments: [Range<Int>] = []
    }

    /// A match: the operation and its path parameters (decoded).
    public struct Match: Sendable {
        public var operation: APIOperation
        public var pathParameters: [(name: String, value: String)]
    }

    private let operations: [APIOperation]
    private let templates: [Template]
    private let prefixes: [String]
    private let prefixBytes: [[UInt8]]

    /// Prepares matching for `spec`.
    public init(spec: APISpec) {
        operations = spec.operations
        templates = spec.operations.enumerated().map { index, operation in
            let segments = Self.split(operation.path).map(Self.segment)
            let literals = segments.filter { if case .literal = $0 { return true } else { return false } }.count
            return Template(
                operation: index, method: Array(operation.method.uppercased().utf8), segments: segments,
                literalCount: literals)
        }
        prefixes = Array(Set(spec.servers.map(\.pathPrefix).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
        prefixBytes = prefixes.map { Array($0.utf8) }
    }

    /// The path of a URL: scheme, authority, query and fragment removed.
    public static func path(of url: String) -> String {
        var url = url
        return url.withUTF8 { bytes in
            let (start, end) = pathRange(bytes)
            return start == end
                ? "/" : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    /// The query parameters of a URL, decoded (`+` is a space).
    public static func query(of url: String) -> [(name: String, value: String)] {
        var url = url
        guard url.withUTF8({ $0.contains(UInt8(ascii: "?")) }), let mark = url.firstIndex(of: "?") else { return [] }
        var query = url[url.index(after: mark)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in URIReference.percentDecode(text.replacingPlus()) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The operation for `method` and `url`, or `nil`.
    public func match(method: String, url: String) -> Match? {
        guard let found = locate(method: method, url: url) else { return nil }
        var parameters: [(name: String, value: String)] = []
        var values = found.values.makeIterator()
        for case .variable(let name, _, _) in templates[found.template].segments {
            parameters.append((name, values.next() ?? ""))
        }
        return Match(operation: operations[found.operation], pathParameters: parameters)
    }

    /// A match by position: the index of the operation in the spec's ``APISpec/operations``, and
    /// the values of its path variables in template order (decoded).
    public struct Located: Sendable {
        public var operation: Int
        public var values: [String]
        fileprivate var template: Int
    }

    /// The operation for `method` and `url`, by index (``match(method:url:)`` without copying the
    /// operation). Runs once per checked exchange: a path without percent-escapes is matched on the
    /// URL's own bytes, without building a string.
    public func locate(method: String, url: String) -> Located? {
        // Recordings keep methods in upper case already.
        var upper =
            method.utf8.allSatisfy { $0 < 0x80 && !($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) }
            ? method : method.uppercased()
        var url = url
        return upper.withUTF8 { upper in
            url.withUTF8 { bytes -> Located? in
                let (start, end) = Self.pathRange(bytes)
                let path = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if path.contains(UInt8(ascii: "%")) {
                    return locateDecoding(upper, String(decoding: path, as: UTF8.self))
                }
                return locate(upper, in: path)
            }
        }
    }

    /// Matches an undecoded path (no `%`): each candidate, server prefix removed first, on the path's bytes.
    /// An empty candidate is the root: its one segment is empty, as that of `/` is.
    private func locate(_ method: UnsafeBufferPointer<UInt8>, in path: UnsafeBufferPointer<UInt8>) -> Located? {
        // Longest prefix first, each one found put in front: the shortest prefix removed is tried first,
        // the whole path last.
        var stripped: [Int] = []
        for prefix in prefixBytes where Self.hasPathPrefix(path, prefix) { stripped.append(prefix.count) }
        var position = stripped.count
        while position >= 0 {
            position -= 1
            let rest = UnsafeBufferPointer(rebasing: path[(position >= 0 ? stripped[position] : 0)...])
            if let found = Self.withSegments(of: rest, { best(method, rest, $0) }) { return found }
        }
        return nil
    }

    /// Matches a path with percent-escapes: candidates as strings, each segment decoded.
    private func locateDecoding(_ method: UnsafeBufferPointer<UInt8>, _ path: String) -> Located? {
        var candidates = [path]
        for prefix in prefixes where path == prefix || path.hasPrefix(prefix + "/") {
            candidates.insert(String(path.dropFirst(prefix.count)).nonEmptyPath, at: 0)
        }
        for candidate in candidates {
            let split = Self.decodedSegments(candidate)
            let found = split.bytes.withUnsafeBufferPointer { bytes in
                split.segments.withUnsafeBufferPointer { best(method, bytes, $0) }
            }
            if let found { return found }
        }
        return nil
    }

    /// The template with the most literal segments that fits, with its values; its parameters are
    /// bound once, at the end.
    private func best(
        _ method: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>,
        _ segments: UnsafeBufferPointer<Range<Int>>
    ) -> Located? {
        var best: Int?
        for position in templates.indices where templates[position].method.elementsEqual(method) {
            guard Self.matches(templates[position].segments, bytes, segments) else { continue }
            if let chosen = best, templates[chosen].literalCount >= templates[position].literalCount { continue }
            best = position
        }
        guard let best else { return nil }
        var values: [String] = []
        for (part, range) in zip(templates[best].segments, segments) {
            if case .variable(_, let prefix, let suffix) = part {
                let value = UnsafeBufferPointer(
                    rebasing: bytes[(range.lowerBound + prefix.count)..<(range.upperBound - suffix.count)])
                values.append(String(decoding: value, as: UTF8.self))
            }
        }
        return Located(operation: templates[best].operation, values: values, template: best)
    }

    /// Where the path of a URL lies in its bytes: after the authority of an absolute URL, before the
    /// query and fragment.
    private static func pathRange(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        let count = bytes.count
        var start = 0
        // After the first "://", the path starts at the next "/".
        var i = 0
        while i &+ 2 < count {
            if bytes[i] == UInt8(ascii: ":") && bytes[i &+ 1] == UInt8(ascii: "/") && bytes[i &+ 2] == UInt8(ascii: "/")
            {
                var slash = i &+ 3
                while slash < count && bytes[slash] != UInt8(ascii: "/") { slash &+= 1 }
                if slash == count { return (count, count) }
                start = slash
                break
            }
            i &+= 1
        }
        var end = start
        while end < count && bytes[end] != UInt8(ascii: "?") && bytes[end] != UInt8(ascii: "#") { end &+= 1 }
        return (start, end)
    }

    /// Whether `path` is `prefix` or starts with `prefix` and a slash.
    private static func hasPathPrefix(_ path: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard path.count >= prefix.count, path.starts(with: prefix) else { return false }
        return path.count == prefix.count || path[prefix.count] == UInt8(ascii: "/")
    }

    /// Calls `body` with the segments of a path (no `%`): split at slashes, a leading slash dropped.
    private static func withSegments<Result>(
        of path: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<Range<Int>>) -> Result
    ) -> Result {
        var slashes = 0
        for byte in path where byte == UInt8(ascii: "/") { slashes &+= 1 }
        let capacity = slashes + 1
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: capacity) { segments in
            var count = 0
            var start = path.first == UInt8(ascii: "/") ? 1 : 0
            while true {
                var end = start
                while end < path.count && path[end] != UInt8(ascii: "/") { end &+= 1 }
                segments.initializeElement(at: count, to: start..<end)
                count &+= 1
                if end >= path.count { break }
                start = end &+ 1
            }
            defer { segments.prefix(count).deinitialize() }
            return body(UnsafeBufferPointer(rebasing: segments[..<count]))
        }
    }

    /// Operations whose path matches but whose method differs (for messages).
    public func otherMethods(url: String) -> [APIOperation] {
        let path = Self.path(of: url)
        var stripped: [SplitPath] = [Self.decodedSegments(path)]
        for prefix in prefixes where path.hasPrefix(prefix + "/") {
            stripped.append(Self.decodedSegments(String(path.dropFirst(prefix.count))))
        }
        return templates.filter { template in
            stripped.contains { split in
                split.bytes.withUnsafeBufferPointer { bytes in
                    split.segments.withUnsafeBufferPointer { Self.matches(template.segments, bytes, $0) }
                }
            }
        }
        .map { operations[$0.operation] }
    }

    /// The names of a path template's variables, in order (`/a/{x}/b/{y}` → `x`, `y`).
    public static func variableNames(of template: String) -> [String] {
        split(template).map(segment).compactMap { part in
            if case .variable(let name, _, _) = part { return name }
            return nil
        }
    }

    private static func split(_ path: String) -> [String] {
        var segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if segments.first == "" { segments.removeFirst() }
        return segments
    }

    /// Splits and percent-decodes a request path (segments without `%` are copied as they are).
    private static func decodedSegments(_ path: String) -> SplitPath {
        var path = path
        return path.withUTF8 { bytes in
            var split = SplitPath()
            split.bytes.reserveCapacity(bytes.count)
            var start = bytes.first == UInt8(ascii: "/") ? 1 : 0
            while true {
                var end = start
                var escaped = false
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") {
                    if bytes[end] == UInt8(ascii: "%") { escaped = true }
                    end += 1
                }
                let first = split.bytes.count
                let piece = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if escaped {
                    split.bytes += URIReference.percentDecode(String(decoding: piece, as: UTF8.self)).utf8
                } else {
                    split.bytes += piece
                }
                split.segments.append(first..<split.bytes.count)
                if end >= bytes.count { break }
                start = end + 1
            }
            return split
        }
    }

    private static func segment(_ text: String) -> Segment {
        guard let open = text.firstIndex(of: "{"), let close = text[open...].firstIndex(of: "}") else {
            return .literal(Array(text.utf8))
        }
        return .variable(
            name: String(text[text.index(after: open)..<close]), prefix: Array(text[..<open].utf8),
            suffix: Array(text[text.index(after: close)...].utf8))
    }

    /// Whether the segments fit the template: as many, literals equal, each variable with its prefix,
    /// its suffix and a value between.
    private static func matches(
        _ template: [Segment], _ bytes: UnsafeBufferPointer<UInt8>, _ segments: UnsafeBufferPointer<Range<Int>>
    ) -> Bool {
        guard template.count == segments.count else { return false }
        for (part, range) in zip(template, segments) {
            let segment = UnsafeBufferPointer(rebasing: bytes[range])
            switch part {
            case .literal(let text):
                guard segment.elementsEqual(text) else { return false }
            case .variable(_, let prefix, let suffix):
                guard segment.count > prefix.count + suffix.count, segment.starts(with: prefix),
                    segment.reversed().starts(with: suffix.reversed())
                else { return false }
            }
        }
        return true
    }
}

extension StringProtocol {
    fileprivate func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}

extension String {
    fileprivate var nonEmptyPath: String { isEmpty ? "/" : self }
}
