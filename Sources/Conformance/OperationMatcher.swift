import ContractCore
public import SpecLoader

/// Finds the documented operation of a recorded request: method and path template, with server
/// path prefixes removed and percent-encoded segments decoded.
public struct OperationMatcher: Sendable {
    private struct Template: Sendable {
        var operation: Int
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

    /// Prepares matching for `spec`.
    public init(spec: APISpec) {
        operations = spec.operations
        templates = spec.operations.enumerated().map { index, operation in
            let segments = Self.split(operation.path).map(Self.segment)
            let literals = segments.filter { if case .literal = $0 { return true } else { return false } }.count
            return Template(operation: index, segments: segments, literalCount: literals)
        }
        prefixes = Array(Set(spec.servers.map(\.pathPrefix).filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// The path of a URL: scheme, authority, query and fragment removed.
    ///
    /// Scans the UTF-8 bytes directly: this runs once per checked exchange.
    public static func path(of url: String) -> String {
        var url = url
        return url.withUTF8 { bytes in
            let count = bytes.count
            var start = 0
            // After the first "://", the path starts at the next "/".
            var i = 0
            while i &+ 2 < count {
                if bytes[i] == UInt8(ascii: ":") && bytes[i &+ 1] == UInt8(ascii: "/")
                    && bytes[i &+ 2] == UInt8(ascii: "/")
                {
                    var slash = i &+ 3
                    while slash < count && bytes[slash] != UInt8(ascii: "/") { slash &+= 1 }
                    if slash == count { return "/" }
                    start = slash
                    break
                }
                i &+= 1
            }
            var end = start
            while end < count && bytes[end] != UInt8(ascii: "?") && bytes[end] != UInt8(ascii: "#") { end &+= 1 }
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
        let path = Self.path(of: url)
        var candidates = [path]
        for prefix in prefixes where path == prefix || path.hasPrefix(prefix + "/") {
            candidates.insert(String(path.dropFirst(prefix.count)).nonEmptyPath, at: 0)
        }
        let upper = method.uppercased()
        for candidate in candidates {
            let split = Self.decodedSegments(candidate)
            // The template with the most literal segments wins; its parameters are bound once, at the end.
            var best: Int?
            for (position, template) in templates.enumerated() where operations[template.operation].method == upper {
                guard Self.matches(template.segments, split) else { continue }
                if let chosen = best, templates[chosen].literalCount >= template.literalCount { continue }
                best = position
            }
            if let best {
                return Match(
                    operation: operations[templates[best].operation],
                    pathParameters: Self.bind(templates[best].segments, to: split))
            }
        }
        return nil
    }

    /// Operations whose path matches but whose method differs (for messages).
    public func otherMethods(url: String) -> [APIOperation] {
        let path = Self.path(of: url)
        var stripped: [SplitPath] = [Self.decodedSegments(path)]
        for prefix in prefixes where path.hasPrefix(prefix + "/") {
            stripped.append(Self.decodedSegments(String(path.dropFirst(prefix.count))))
        }
        return templates.filter { template in stripped.contains { Self.matches(template.segments, $0) } }
            .map { operations[$0.operation] }
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
    private static func matches(_ template: [Segment], _ split: SplitPath) -> Bool {
        guard template.count == split.segments.count else { return false }
        return split.bytes.withUnsafeBufferPointer { bytes in
            for (part, range) in zip(template, split.segments) {
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

    /// The path parameters of segments that ``matches(_:_:)`` the template.
    private static func bind(_ template: [Segment], to split: SplitPath) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = []
        for (part, range) in zip(template, split.segments) {
            if case .variable(let name, let prefix, let suffix) = part {
                let value = split.bytes[(range.lowerBound + prefix.count)..<(range.upperBound - suffix.count)]
                parameters.append((name, String(decoding: value, as: UTF8.self)))
            }
        }
        return parameters
    }
}

extension StringProtocol {
    fileprivate func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}

extension String {
    fileprivate var nonEmptyPath: String { isEmpty ? "/" : self }
}
