public import ContractCore
public import YAMLReader

/// A loaded spec and the structural problems found while loading it.
public struct LoadedSpec: Sendable {
    /// The model.
    public var spec: APISpec
    /// Structural problems (errors and warnings), sorted by location.
    public var diagnostics: [Finding]
}

/// Loads OpenAPI 3.0/3.1 documents (YAML or JSON) and Mintlify endpoint pages into an ``APISpec``.
public struct SpecLoader: Sendable {
    /// Limits applied to every file read.
    public var limits: YAMLLimits
    /// The most `$ref` hops followed in one chain before giving up.
    public var maxReferenceChain = 64

    /// Creates a loader.
    public init(limits: YAMLLimits = .default) {
        self.limits = limits
    }

    /// Loads one OpenAPI document, or one or several Mintlify pages merged into one model.
    public func load(paths: [String]) throws(SpecLoadError) -> LoadedSpec {
        let documents = DocumentSet()
        var rootNode: DocumentNode?
        if paths.count > 1 {
            var merged: [DocumentNode] = []
            for path in paths {
                let bytes = try readBytes(path)
                guard MintlifyPage.isMarkdown(bytes, path: path) else {
                    throw .notOpenAPI(
                        "several files were given, but only Mintlify endpoint pages merge into one model",
                        at: SourceLocation(file: path, line: 1, column: 1))
                }
                merged.append(try MintlifyPage.openAPIDocument(from: bytes, file: path, limits: limits))
            }
            rootNode = Self.merge(merged)
        } else if let path = paths.first {
            let bytes = try readBytes(path)
            if MintlifyPage.isMarkdown(bytes, path: path) {
                rootNode = try MintlifyPage.openAPIDocument(from: bytes, file: path, limits: limits)
            } else {
                do {
                    rootNode = try YAMLReader.read(bytes: bytes, file: path, limits: limits)
                } catch {
                    throw .malformed(error)
                }
            }
        }
        guard let root = rootNode, let path = paths.first else {
            throw .notOpenAPI("no file given", at: SourceLocation(file: "-", line: 1, column: 1))
        }
        var reader = OpenAPIReader(loader: self, documents: documents)
        return try reader.read(root: root, path: path, files: paths)
    }

    /// Loads one file.
    public func load(path: String) throws(SpecLoadError) -> LoadedSpec { try load(paths: [path]) }

    func readBytes(_ path: String) throws(SpecLoadError) -> [UInt8] {
        do {
            return try FileBytes.read(path, limit: limits.maxBytes)
        } catch .tooLarge(_, let size, let limit) {
            throw .malformed(.tooLarge(size: size, limit: limit, at: SourceLocation(file: path, line: 1, column: 1)))
        } catch {
            throw .unreadable(error)
        }
    }

    /// Merges converted pages: paths and components side by side (first definition wins).
    private static func merge(_ pages: [DocumentNode]) -> DocumentNode {
        guard var root = pages.first?.entries else {
            return pages.first ?? DocumentNode(.null, at: .init(file: "-", line: 1, column: 1))
        }
        for page in pages.dropFirst() {
            for section in ["paths", "components"] {
                guard let incoming = page.entry(section) else { continue }
                if let index = root.firstIndex(where: { $0.key == section }) {
                    root[index].value = mergeMappings(
                        root[index].value, incoming.value, depth: section == "paths" ? 2 : 2)
                } else {
                    root.append(incoming)
                }
            }
        }
        return DocumentNode(.object(root), at: pages[0].location)
    }

    private static func mergeMappings(_ base: DocumentNode, _ other: DocumentNode, depth: Int) -> DocumentNode {
        guard var entries = base.entries, let incoming = other.entries else { return base }
        for item in incoming {
            if let index = entries.firstIndex(where: { $0.key == item.key }) {
                if depth > 1 {
                    entries[index].value = mergeMappings(entries[index].value, item.value, depth: depth - 1)
                }
            } else {
                entries.append(item)
            }
        }
        return DocumentNode(.object(entries), at: base.location)
    }
}
