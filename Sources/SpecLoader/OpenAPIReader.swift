import ContractCore
import YAMLReader

/// Turns a loaded root document (and the files it references) into an ``APISpec``,
/// collecting every structural problem instead of stopping at the first.
struct OpenAPIReader {
    let loader: SpecLoader
    var documents: DocumentSet
    var diagnostics: [Finding] = []
    private var reportedReferences: Set<SourceLocation> = []

    init(loader: SpecLoader, documents: DocumentSet) {
        self.loader = loader
        self.documents = documents
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    mutating func read(root: DocumentNode, path: String, files: [String]) throws(SpecLoadError) -> LoadedSpec {
        guard root.entries != nil else {
            throw .notOpenAPI("the document is \(article(root.typeName)), expected a mapping", at: root.location)
        }
        if let swagger = root.entry("swagger") { throw .swagger2(at: swagger.keyLocation) }
        guard let versionEntry = root.entry("openapi") else {
            throw .notOpenAPI("no \"openapi\" field (expected openapi: 3.0.x or 3.1.x)", at: root.location)
        }
        let version = versionEntry.value.string ?? versionEntry.value.number?.description ?? ""
        let dialect: SchemaDialect
        if version.hasPrefix("3.0") {
            dialect = .openAPI30
        } else if version.hasPrefix("3.1") {
            dialect = .openAPI31
        } else {
            throw .unsupportedVersion(version, at: versionEntry.value.location)
        }
        if versionEntry.value.string == nil {
            warn(
                .spec, "\"openapi\" should be a string such as \"\(version)\"; a number loses digits",
                at: versionEntry.value.location)
        }
        documents.add(uri: path, root: root)
        loadReferencedFiles()

        let info = root["info"]
        if info == nil { error(.spec, "missing required field \"info\"", at: root.location) }
        if let info {
            for field in ["title", "version"] where info[field] == nil {
                error(.spec, "missing required field \"info.\(field)\"", at: info.location)
            }
        }
        let paths = root["paths"]
        if paths == nil {
            if dialect == .openAPI30 {
                error(.spec, "missing required field \"paths\"", at: root.location)
            } else if root["components"] == nil && root["webhooks"] == nil {
                error(
                    .spec, "an OpenAPI 3.1 document needs \"paths\", \"components\" or \"webhooks\"", at: root.location)
            }
        }

        let servers = readServers(root["servers"])
        let security = readSecurity(root["security"])
        var schemes: [String: SecurityScheme] = [:]
        for scheme in root["components"]?["securitySchemes"]?.entries ?? [] {
            guard
                let (node, _, _) = follow(
                    scheme.value, in: 0, at: "/components/securitySchemes/" + JSONPointer.escape(scheme.key))
            else { continue }
            schemes[scheme.key] = SecurityScheme(
                type: node["type"]?.string ?? "", scheme: node["scheme"]?.string?.lowercased(),
                name: node["name"]?.string, location: node["in"]?.string)
        }
        var operations: [APIOperation] = []
        for pathEntry in paths?.entries ?? [] {
            operations.append(contentsOf: readPathItem(pathEntry))
        }
        checkOperationIDs(operations)
        SchemaLint.run(documents: documents, dialect: dialect, into: &diagnostics)

        let spec = APISpec(
            title: info?["title"]?.string ?? path, version: info?["version"]?.string ?? "",
            openAPIVersion: root["x-conform-source"]?.string == "mintlify" ? "mintlify" : version, dialect: dialect,
            servers: servers, security: security,
            securitySchemes: schemes, operations: operations, documents: documents, files: files)
        return LoadedSpec(spec: spec, diagnostics: diagnostics.sorted())
    }

    // MARK: - Diagnostics

    mutating func error(_ check: CheckID, _ message: String, at location: SourceLocation) {
        diagnostics.append(Finding(check: check, severity: .error, message: message, location: location))
    }

    mutating func warn(_ check: CheckID, _ message: String, at location: SourceLocation) {
        diagnostics.append(Finding(check: check, severity: .warning, message: message, location: location))
    }

    // MARK: - References

    /// Loads every file that a `$ref` in a loaded document names, transitively.
    private mutating func loadReferencedFiles() {
        var queue = [0]
        var seen: Set<Int> = [0]
        while let index = queue.popLast() {
            var references: [(String, SourceLocation)] = []
            collectReferences(documents.documents[index].root, into: &references)
            for (reference, location) in references {
                let (resource, _) = URIReference.splitFragment(reference)
                guard !resource.isEmpty else { continue }
                let (uri, _) = DocumentSet.target(of: reference, base: documents.documents[index].uri)
                if documents.index(of: uri) != nil { continue }
                if URIReference.scheme(of: uri) != nil {
                    error(
                        .spec, "unresolved reference \(JSONText.quote(reference)): remote documents are not fetched",
                        at: location)
                    reportedReferences.insert(location)
                    continue
                }
                do {
                    let root = try YAMLReader.read(path: uri, limits: loader.limits)
                    let added = documents.add(uri: uri, root: root)
                    if seen.insert(added).inserted { queue.append(added) }
                } catch let failure as FileBytes.ReadError {
                    let reason = if case .missing = failure { "file \(uri) not found" } else { failure.description }
                    error(.spec, "unresolved reference \(JSONText.quote(reference)): \(reason)", at: location)
                    reportedReferences.insert(location)
                } catch let failure {
                    error(
                        .spec, "unresolved reference \(JSONText.quote(reference)): cannot load \(uri): \(failure)",
                        at: location)
                    reportedReferences.insert(location)
                }
            }
        }
        for index in documents.documents.indices {
            checkReferences(documents.documents[index].root, document: index)
        }
    }

    private func collectReferences(_ node: DocumentNode, into references: inout [(String, SourceLocation)]) {
        switch node.value {
        case .object(let entries):
            for item in entries {
                if item.key == "$ref", let reference = item.value.string {
                    references.append((reference, item.value.location))
                } else {
                    collectReferences(item.value, into: &references)
                }
            }
        case .array(let elements):
            for element in elements { collectReferences(element, into: &references) }
        default:
            break
        }
    }

    private mutating func checkReferences(_ root: DocumentNode, document: Int) {
        var references: [(String, SourceLocation)] = []
        collectReferences(root, into: &references)
        for (reference, location) in references where !reportedReferences.contains(location) {
            let (_, fragment) = URIReference.splitFragment(reference)
            if let fragment, !fragment.isEmpty, !fragment.hasPrefix("/") {
                // A plain-name fragment (`#foo`) is a JSON Schema anchor, not a pointer.
                if isPlainName(fragment) { continue }
                error(
                    .spec,
                    "unresolved reference \(JSONText.quote(reference)): the fragment must be a JSON Pointer starting with \"/\" or a plain-name anchor",
                    at: location)
                continue
            }
            if documents.resolve(reference, from: document) == nil {
                let target = DocumentSet.target(of: reference, base: documents.documents[document].uri)
                let reason =
                    documents.index(of: target.uri) == nil
                    ? "document \(target.uri) is not loaded"
                    : "\(target.pointer.isEmpty ? "the document" : target.pointer) does not exist"
                error(.spec, "unresolved reference \(JSONText.quote(reference)): \(reason)", at: location)
            }
        }
    }

    private func isPlainName(_ fragment: String) -> Bool {
        guard let first = fragment.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else {
            return false
        }
        return fragment.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_.:".unicodeScalars.contains($0)
        }
    }

    /// Follows `$ref` chains from `node`, which sits at `pointer` in document `document`.
    /// - Returns: The target node, its document and its pointer.
    func follow(_ node: DocumentNode, in document: Int, at pointer: String) -> (DocumentNode, Int, String)? {
        var current = node
        var currentDocument = document
        var currentPointer = pointer
        var hops = 0
        while let reference = current["$ref"]?.string {
            hops += 1
            guard hops <= loader.maxReferenceChain, let address = documents.resolve(reference, from: currentDocument),
                let target = documents.node(at: address)
            else { return nil }
            current = target
            currentDocument = address.document
            currentPointer = address.pointer
        }
        return (current, currentDocument, currentPointer)
    }

    // MARK: - Servers and security

    private mutating func readServers(_ node: DocumentNode?) -> [Server] {
        var servers: [Server] = []
        for server in node?.elements ?? [] {
            guard var url = server["url"]?.string else {
                error(.spec, "a server needs a \"url\"", at: server.location)
                continue
            }
            for variable in server["variables"]?.entries ?? [] {
                let value = variable.value["default"]?.string ?? ""
                url = url.replacing("{\(variable.key)}", with: value)
            }
            servers.append(
                Server(url: url, pathPrefix: Self.pathPrefix(of: url), description: server["description"]?.string))
        }
        return servers
    }

    /// The path of a server URL without a trailing `/`: `https://h/v1/` → `/v1`, `/api` → `/api`.
    static func pathPrefix(of url: String) -> String {
        var rest = Substring(url)
        if let range = rest.firstRange(of: "://") {
            rest = rest[range.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return "" }
            rest = rest[slash...]
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return String(rest)
    }

    private func readSecurity(_ node: DocumentNode?) -> [SecurityRequirement] {
        (node?.elements ?? []).map { requirement in
            var schemes: [String: [String]] = [:]
            for item in requirement.entries ?? [] {
                schemes[item.key] = (item.value.elements ?? []).compactMap(\.string)
            }
            return SecurityRequirement(schemes: schemes)
        }
    }

    // MARK: - Paths and operations

    private mutating func readPathItem(_ pathEntry: DocumentNode.Entry) -> [APIOperation] {
        let path = pathEntry.key
        if !path.hasPrefix("/") {
            error(.spec, "path \(JSONText.quote(path)) must start with \"/\"", at: pathEntry.keyLocation)
        }
        guard
            let (item, document, itemPointer) = follow(pathEntry.value, in: 0, at: "/paths/" + JSONPointer.escape(path))
        else { return [] }
        let shared = readParameters(item["parameters"], document: document, at: itemPointer + "/parameters")
        var operations: [APIOperation] = []
        for method in Self.methods {
            guard let operationEntry = item.entry(method) else { continue }
            let node = operationEntry.value
            let pointer = itemPointer + "/" + method
            var parameters = shared
            for parameter in readParameters(node["parameters"], document: document, at: pointer + "/parameters") {
                parameters.removeAll { $0.name == parameter.name && $0.location == parameter.location }
                parameters.append(parameter)
            }
            let name = "\(method.uppercased()) \(path)"
            let operation = APIOperation(
                method: method.uppercased(), path: path, operationID: node["operationId"]?.string,
                parameters: parameters,
                requestBody: readRequestBody(node["requestBody"], document: document, at: pointer + "/requestBody"),
                responses: readResponses(
                    node, document: document, at: pointer, name: name, location: operationEntry.keyLocation),
                security: node["security"].map(readSecurity), location: operationEntry.keyLocation)
            checkPathParameters(operation)
            operations.append(operation)
        }
        return operations
    }

    private mutating func readParameters(_ node: DocumentNode?, document: Int, at pointer: String) -> [Parameter] {
        var parameters: [Parameter] = []
        for (index, element) in (node?.elements ?? []).enumerated() {
            guard
                let (parameter, parameterDocument, parameterPointer) = follow(
                    element, in: document, at: pointer + "/\(index)")
            else { continue }
            guard let name = parameter["name"]?.string, let location = parameter["in"]?.string else {
                error(.spec, "a parameter needs \"name\" and \"in\"", at: parameter.location)
                continue
            }
            guard ["path", "query", "header", "cookie"].contains(location) else {
                error(
                    .spec, "parameter \(JSONText.quote(name)) has unknown location \"in: \(location)\"",
                    at: parameter.location)
                continue
            }
            let isRequired = parameter["required"]?.bool ?? false
            if location == "path" && !isRequired {
                error(
                    .spec, "path parameter \(JSONText.quote(name)) must have \"required: true\"", at: parameter.location
                )
            }
            var schema: NodeAddress?
            if parameter["schema"] != nil {
                schema = NodeAddress(document: parameterDocument, pointer: parameterPointer + "/schema")
            } else if let content = parameter["content"]?.entries?.first, content.value["schema"] != nil {
                schema = NodeAddress(
                    document: parameterDocument,
                    pointer: parameterPointer + JSONPointer.make(["content", content.key, "schema"]))
            }
            parameters.append(
                Parameter(
                    name: name, location: location, isRequired: isRequired || location == "path", schema: schema,
                    sourceLocation: parameter.location))
        }
        return parameters
    }

    private mutating func readRequestBody(_ node: DocumentNode?, document: Int, at pointer: String) -> RequestBody? {
        guard let node, let (body, bodyDocument, bodyPointer) = follow(node, in: document, at: pointer) else {
            return nil
        }
        let content = readContent(body, document: bodyDocument, at: bodyPointer)
        return RequestBody(isRequired: body["required"]?.bool ?? false, content: content, sourceLocation: body.location)
    }

    private mutating func readResponses(
        _ operation: DocumentNode, document: Int, at pointer: String, name: String, location: SourceLocation
    ) -> [Response] {
        guard let responses = operation["responses"], let entries = responses.entries, !entries.isEmpty else {
            error(.spec, "operation \(name) has no responses", at: location)
            return []
        }
        var result: [Response] = []
        for entry in entries {
            if entry.key.hasPrefix("x-") { continue }
            guard let key = StatusKey(entry.key) else {
                error(
                    .spec,
                    "response key \(JSONText.quote(entry.key)) is not a status code, a range such as 2XX, or default",
                    at: entry.keyLocation)
                continue
            }
            let entryPointer = pointer + "/responses/" + JSONPointer.escape(entry.key)
            guard
                let (response, responseDocument, responsePointer) = follow(entry.value, in: document, at: entryPointer)
            else { continue }
            if response["description"] == nil {
                error(
                    .spec, "response \(entry.key) of \(name) is missing required field \"description\"",
                    at: entry.keyLocation)
            }
            var headers: [Header] = []
            for header in response["headers"]?.entries ?? [] {
                let headerPointer = responsePointer + "/headers/" + JSONPointer.escape(header.key)
                guard
                    let (headerNode, headerDocument, resolvedPointer) = follow(
                        header.value, in: responseDocument, at: headerPointer)
                else { continue }
                let schema =
                    headerNode["schema"] != nil
                    ? NodeAddress(document: headerDocument, pointer: resolvedPointer + "/schema") : nil
                headers.append(
                    Header(name: header.key, isRequired: headerNode["required"]?.bool ?? false, schema: schema))
            }
            result.append(
                Response(
                    key: key, description: response["description"]?.string,
                    content: readContent(response, document: responseDocument, at: responsePointer),
                    headers: headers, sourceLocation: entry.keyLocation))
        }
        return result
    }

    private func readContent(_ owner: DocumentNode, document: Int, at pointer: String) -> [MediaType] {
        var result: [MediaType] = []
        for media in owner["content"]?.entries ?? [] {
            let mediaPointer = pointer + "/content/" + JSONPointer.escape(media.key)
            var examples: [Example] = []
            if let example = media.value["example"] {
                examples.append(Example(name: "example", value: example, document: document))
            }
            for item in media.value["examples"]?.entries ?? [] {
                let examplePointer = mediaPointer + "/examples/" + JSONPointer.escape(item.key)
                if let (exampleNode, exampleDocument, _) = follow(item.value, in: document, at: examplePointer),
                    let value = exampleNode["value"]
                {
                    examples.append(Example(name: item.key, value: value, document: exampleDocument))
                }
            }
            let schema =
                media.value["schema"] != nil ? NodeAddress(document: document, pointer: mediaPointer + "/schema") : nil
            result.append(MediaType(name: media.key, schema: schema, examples: examples))
        }
        return result
    }

    private mutating func checkPathParameters(_ operation: APIOperation) {
        let names = Self.templateVariables(operation.path)
        let declared = operation.parameters.filter { $0.location == "path" }
        for name in names where !declared.contains(where: { $0.name == name }) {
            error(
                .spec, "\(operation.displayName): path template variable {\(name)} has no path parameter",
                at: operation.location)
        }
        for parameter in declared where !names.contains(parameter.name) {
            error(
                .spec,
                "\(operation.displayName): path parameter \(JSONText.quote(parameter.name)) is not in the path template",
                at: parameter.sourceLocation)
        }
    }

    /// The `{name}` variables of a path template, in order.
    static func templateVariables(_ path: String) -> [String] {
        var names: [String] = []
        var current: String?
        for character in path {
            if character == "{" {
                current = ""
            } else if character == "}", let name = current {
                names.append(name)
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return names
    }

    private mutating func checkOperationIDs(_ operations: [APIOperation]) {
        var seen: [String: APIOperation] = [:]
        for operation in operations {
            guard let id = operation.operationID else { continue }
            if let first = seen[id] {
                error(
                    .spec,
                    "duplicate operationId \(JSONText.quote(id)) (also used by \(first.displayName) at line \(first.location.line))",
                    at: operation.location)
            } else {
                seen[id] = operation
            }
        }
    }

    private func article(_ word: String) -> String {
        ["a", "e", "i", "o", "u"].contains(word.first.map(String.init) ?? "") ? "an \(word)" : "a \(word)"
    }
}
