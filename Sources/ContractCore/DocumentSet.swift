/// The documents that make up one API description: the root and every file its `$ref`s reach.
///
/// Documents are named by URI or path (`specs/a.yaml`, `http://example.com/s.json`); a reference
/// is resolved against the naming document with RFC 3986 rules, then its fragment is read as a
/// JSON Pointer.
public struct DocumentSet: Sendable {
    /// One loaded document.
    public struct Document: Sendable {
        /// The URI or path the document is known by.
        public var uri: String
        /// Its root node.
        public var root: DocumentNode

        public init(uri: String, root: DocumentNode) {
            self.uri = uri
            self.root = root
        }
    }

    /// The documents, the root first.
    public private(set) var documents: [Document] = []
    private var indexByURI: [String: Int] = [:]

    public init() {}

    /// Adds a document (or replaces one with the same URI); returns its index.
    @discardableResult
    public mutating func add(uri: String, root: DocumentNode) -> Int {
        let key = URIReference.normalize(uri)
        if let existing = indexByURI[key] {
            documents[existing] = Document(uri: uri, root: root)
            return existing
        }
        documents.append(Document(uri: uri, root: root))
        indexByURI[key] = documents.count - 1
        return documents.count - 1
    }

    /// The index of the document named `uri`, or `nil`.
    public func index(of uri: String) -> Int? { indexByURI[URIReference.normalize(uri)] }

    /// The node at `address`, or `nil`.
    public func node(at address: NodeAddress) -> DocumentNode? {
        guard documents.indices.contains(address.document), let tokens = JSONPointer.tokens(address.pointer) else {
            return nil
        }
        return documents[address.document].root.descend(tokens)
    }

    /// Splits a reference into the document URI it names (resolved against `base`) and its pointer.
    public static func target(of reference: String, base: String) -> (uri: String, pointer: String) {
        let (resource, fragment) = URIReference.splitFragment(reference)
        let uri = resource.isEmpty ? URIReference.stripFragment(base) : URIReference.resolve(resource, against: base)
        return (uri, URIReference.percentDecode(fragment ?? ""))
    }

    /// Resolves a `$ref` written in document `document`.
    /// - Returns: The address, or `nil` when the document is not loaded or the pointer leads nowhere.
    public func resolve(_ reference: String, from document: Int) -> NodeAddress? {
        guard documents.indices.contains(document) else { return nil }
        let (uri, pointer) = Self.target(of: reference, base: documents[document].uri)
        guard let index = index(of: uri) else { return nil }
        let address = NodeAddress(document: index, pointer: pointer)
        return node(at: address) == nil ? nil : address
    }
}

/// A node's address: a document of a ``DocumentSet`` and a JSON Pointer into it.
public struct NodeAddress: Sendable, Hashable, CustomStringConvertible {
    /// Index into ``DocumentSet/documents``.
    public var document: Int
    /// RFC 6901 pointer (escaped), `""` for the root.
    public var pointer: String

    public init(document: Int, pointer: String) {
        self.document = document
        self.pointer = pointer
    }

    /// The address of a child: `pointer + "/" + escaped token`.
    public func appending(_ token: String) -> NodeAddress {
        NodeAddress(document: document, pointer: pointer + "/" + JSONPointer.escape(token))
    }

    public var description: String { "\(document)#\(pointer)" }
}

/// RFC 3986 reference resolution over URIs and plain file paths.
public enum URIReference {
    /// Splits off the fragment: `a.yaml#/x` → (`a.yaml`, `/x`).
    public static func splitFragment(_ reference: String) -> (String, String?) {
        guard let hash = reference.firstIndex(of: "#") else { return (reference, nil) }
        return (String(reference[..<hash]), String(reference[reference.index(after: hash)...]))
    }

    /// The reference without its fragment.
    public static func stripFragment(_ reference: String) -> String { splitFragment(reference).0 }

    /// The scheme of an absolute URI (`http`), or `nil` for a relative reference or a path.
    public static func scheme(of reference: String) -> String? {
        guard let colon = reference.firstIndex(of: ":") else { return nil }
        let candidate = reference[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        // A Windows drive letter is not a scheme.
        if candidate.count == 1 { return nil }
        return String(candidate)
    }

    /// Resolves `reference` against `base` (RFC 3986 section 5.2), without fragments.
    public static func resolve(_ reference: String, against base: String) -> String {
        let reference = stripFragment(reference)
        let base = stripFragment(base)
        if scheme(of: reference) != nil { return removeDotSegments(inAbsolute: reference) }
        if reference.isEmpty { return base }
        let (baseAuthorityPart, basePath, baseQuery) = components(base)
        _ = baseQuery
        if reference.hasPrefix("//") {
            let schemePart = scheme(of: base).map { $0 + ":" } ?? ""
            return removeDotSegments(inAbsolute: schemePart + reference)
        }
        if reference.hasPrefix("?") { return baseAuthorityPart + basePath + reference }
        var path: String
        var query = ""
        var referencePath = reference
        if let questionMark = reference.firstIndex(of: "?") {
            query = String(reference[questionMark...])
            referencePath = String(reference[..<questionMark])
        }
        if referencePath.hasPrefix("/") {
            path = referencePath
        } else if let slash = basePath.lastIndex(of: "/") {
            path = String(basePath[...slash]) + referencePath
        } else if !baseAuthorityPart.isEmpty && basePath.isEmpty {
            path = "/" + referencePath
        } else {
            path = referencePath
        }
        return baseAuthorityPart + dotSegmentsRemoved(path) + query
    }

    /// A canonical form used as a lookup key.
    public static func normalize(_ uri: String) -> String {
        let stripped = stripFragment(uri)
        let (authority, path, query) = components(stripped)
        return authority + dotSegmentsRemoved(path) + query
    }

    /// Decodes `%XX` escapes (invalid escapes are kept as written).
    public static func percentDecode(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// (scheme + authority, path, query) of a URI or path.
    private static func components(_ uri: String) -> (String, String, String) {
        var rest = Substring(uri)
        var prefix = ""
        if let scheme = scheme(of: uri) {
            prefix = scheme + ":"
            rest = rest.dropFirst(scheme.count + 1)
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterSlashes.endIndex
            prefix += "//" + afterSlashes[..<end]
            rest = afterSlashes[end...]
        }
        var query = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = String(rest[questionMark...])
            rest = rest[..<questionMark]
        }
        return (prefix, String(rest), query)
    }

    private static func removeDotSegments(inAbsolute uri: String) -> String {
        let (authority, path, query) = components(uri)
        return authority + dotSegmentsRemoved(path) + query
    }

    /// RFC 3986 section 5.2.4, keeping a relative path relative (leading `..` are kept).
    static func dotSegmentsRemoved(_ path: String) -> String {
        guard path.contains(".") else { return path }
        let isAbsolute = path.hasPrefix("/")
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if index == 0 && isAbsolute { continue }
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if let last = output.last, last != ".." {
                    output.removeLast()
                } else if !isAbsolute {
                    output.append("..")
                }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return (isAbsolute ? "/" : "") + output.joined(separator: "/")
    }
}
