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

    private enum Segment: Sendable {
        case literal(String)
        /// A segment with one variable: `{id}`, `{id}.json`, `v{major}`.
        case variable(name: String, prefix: String, suffix: String)
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
        guard url.utf8.contains(UInt8(ascii: "?")), let mark = url.firstIndex(of: "?") else { return [] }
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
            let segments = Self.decodedSegments(candidate)
            var best: (Template, [(String, String)])?
            for template in templates where operations[template.operation].method == upper {
                guard let parameters = Self.bind(template.segments, to: segments) else { continue }
                if best == nil || template.literalCount > (best?.0.literalCount ?? 0) { best = (template, parameters) }
            }
            if let best {
                return Match(operation: operations[best.0.operation], pathParameters: best.1.map { ($0.0, $0.1) })
            }
        }
        return nil
    }

    /// Operations whose path matches but whose method differs (for messages).
    public func otherMethods(url: String) -> [APIOperation] {
        let path = Self.path(of: url)
        var stripped: [[String]] = [Self.decodedSegments(path)]
        for prefix in prefixes where path.hasPrefix(prefix + "/") {
            stripped.append(Self.decodedSegments(String(path.dropFirst(prefix.count))))
        }
        return templates.filter { template in stripped.contains { Self.bind(template.segments, to: $0) != nil } }
            .map { operations[$0.operation] }
    }

    private static func split(_ path: String) -> [String] {
        var segments = path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if segments.first == "" { segments.removeFirst() }
        return segments
    }

    /// Splits and percent-decodes a request path (segments without `%` are taken as they are).
    private static func decodedSegments(_ path: String) -> [String] {
        split(path).map { $0.utf8.contains(UInt8(ascii: "%")) ? URIReference.percentDecode($0) : $0 }
    }

    private static func segment(_ text: String) -> Segment {
        guard let open = text.firstIndex(of: "{"), let close = text[open...].firstIndex(of: "}") else {
            return .literal(text)
        }
        return .variable(
            name: String(text[text.index(after: open)..<close]), prefix: String(text[..<open]),
            suffix: String(text[text.index(after: close)...]))
    }

    private static func bind(_ template: [Segment], to segments: [String]) -> [(String, String)]? {
        guard template.count == segments.count else { return nil }
        var parameters: [(String, String)] = []
        for (part, segment) in zip(template, segments) {
            switch part {
            case .literal(let text):
                guard text == segment else { return nil }
            case .variable(let name, let prefix, let suffix):
                guard segment.hasPrefix(prefix), segment.hasSuffix(suffix), segment.count > prefix.count + suffix.count
                else { return nil }
                parameters.append((name, String(segment.dropFirst(prefix.count).dropLast(suffix.count))))
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
