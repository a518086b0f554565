import ContractCore
import YAMLReader

/// Reads Mintlify-rendered endpoint pages: Markdown holding a fenced YAML block with
/// `paths: {path, method, servers, request, response}` and `components`.
///
/// The block is rewritten into an OpenAPI 3.0 document whose nodes keep the page's locations:
/// `schemaArray` alternatives become `oneOf` (one alternative: the schema itself), each
/// alternative's `refIdentifier` becomes its `title` (the name used in messages),
/// `required: true` on a property moves into its parent's `required` list, and `type: any`
/// is dropped. Nothing depends on the language of the descriptions.
enum MintlifyPage {
    /// Whether `bytes` look like a Markdown page rather than a YAML or JSON document.
    static func isMarkdown(_ bytes: [UInt8], path: String) -> Bool {
        let lower = path.lowercased()
        let hasFence = fences(in: bytes).contains { !$0.isEmpty }
        if lower.hasSuffix(".md") || lower.hasSuffix(".mdx") || lower.hasSuffix(".markdown") { return true }
        return hasFence
    }

    /// The fenced blocks of the page: for each, the bytes of the page with everything outside
    /// the block blanked (line numbers are kept), and the fence's info string.
    static func fences(in bytes: [UInt8]) -> [[UInt8]] {
        blocks(in: bytes).map(\.text)
    }

    struct Block {
        var info: String
        var text: [UInt8]
        var location: SourceLocation?
    }

    static func blocks(in bytes: [UInt8], file: String = "") -> [Block] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(bytes[start..<index])
            start = index + 1
        }
        lines.append(bytes[start..<bytes.count])

        var result: [Block] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let ticks = line.prefix(while: { $0 == UInt8(ascii: "`") }).count
            guard ticks >= 3 else {
                index += 1
                continue
            }
            let info = String(decoding: line.dropFirst(ticks), as: UTF8.self).trimmingWhitespace()
            let open = index
            var close = index + 1
            while close < lines.count {
                let candidate = lines[close]
                let closing = candidate.prefix(while: { $0 == UInt8(ascii: "`") }).count
                if closing >= ticks && candidate.dropFirst(closing).allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    break
                }
                close += 1
            }
            var text: [UInt8] = []
            for (lineIndex, content) in lines.enumerated() {
                if lineIndex > open && lineIndex < close { text.append(contentsOf: content) }
                text.append(UInt8(ascii: "\n"))
            }
            result.append(
                Block(info: info, text: text, location: SourceLocation(file: file, line: open + 1, column: 1)))
            index = close + 1
        }
        return result
    }

    /// Converts every endpoint block of the page into one OpenAPI document.
    static func openAPIDocument(
        from bytes: [UInt8], file: String, limits: YAMLLimits
    ) throws(SpecLoadError) -> DocumentNode {
        let top = SourceLocation(file: file, line: 1, column: 1)
        var paths: [String: [DocumentNode.Entry]] = [:]
        var pathOrder: [(String, SourceLocation)] = []
        var components: [String: [DocumentNode.Entry]] = [:]
        var servers: [DocumentNode] = []
        var securitySchemes: [DocumentNode.Entry] = []
        var found = false
        var firstError: YAMLError?
        for block in blocks(in: bytes, file: file) {
            let language = block.info.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
            guard language.isEmpty || language == "yaml" || language == "yml" || language == "json" else { continue }
            let root: DocumentNode
            do {
                root = try YAMLReader.read(bytes: block.text, file: file, limits: limits)
            } catch {
                if firstError == nil { firstError = error }
                continue
            }
            guard let endpoint = root["paths"], endpoint["path"]?.string != nil else { continue }
            found = true
            let converted = convertEndpoint(endpoint)
            if servers.isEmpty, let pageServers = endpoint["servers"]?.elements { servers = pageServers }
            for scheme in converted.securitySchemes where !securitySchemes.contains(where: { $0.key == scheme.key }) {
                securitySchemes.append(scheme)
            }
            if paths[converted.path] == nil { pathOrder.append((converted.path, converted.pathLocation)) }
            paths[converted.path, default: []].append(converted.operation)
            for section in root["components"]?.entries ?? [] {
                for item in section.value.entries ?? []
                where !(components[section.key] ?? []).contains(where: { $0.key == item.key }) {
                    let value = section.key == "schemas" ? convertSchema(item.value) : item.value
                    components[section.key, default: []].append(
                        .init(key: item.key, keyLocation: item.keyLocation, value: value))
                }
            }
        }
        guard found else {
            if let firstError { throw .malformed(firstError) }
            throw .notOpenAPI(
                "no endpoint block found (expected a fenced YAML block with paths.path and paths.method)", at: top)
        }
        if !securitySchemes.isEmpty {
            components["securitySchemes", default: []].append(contentsOf: securitySchemes)
        }
        let title = pageTitle(bytes) ?? file
        var root: [DocumentNode.Entry] = [
            entry("openapi", .string("3.0.3"), top),
            entry("x-conform-source", .string("mintlify"), top),
            entry("info", .object([entry("title", .string(title), top), entry("version", .string(""), top)]), top),
        ]
        if !servers.isEmpty { root.append(entry("servers", .array(servers), top)) }
        root.append(
            entry(
                "paths",
                .object(pathOrder.map { entry($0.0, .object(paths[$0.0] ?? []), $0.1) }),
                top))
        if !components.isEmpty {
            let order = ["schemas", "responses", "parameters", "securitySchemes"]
            let keys = components.keys.sorted {
                (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1)
            }
            root.append(entry("components", .object(keys.map { entry($0, .object(components[$0] ?? []), top) }), top))
        }
        return DocumentNode(.object(root), at: top)
    }

    private static func pageTitle(_ bytes: [UInt8]) -> String? {
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("# ") {
            return String(line.dropFirst(2)).trimmingWhitespace()
        }
        return nil
    }

    private static func entry(_ key: String, _ value: DocumentNode.Value, _ location: SourceLocation)
        -> DocumentNode.Entry
    {
        DocumentNode.Entry(key: key, keyLocation: location, value: DocumentNode(value, at: location))
    }

    private struct ConvertedEndpoint {
        var path: String
        var pathLocation: SourceLocation
        var operation: DocumentNode.Entry
        var securitySchemes: [DocumentNode.Entry]
    }

    private static func convertEndpoint(_ endpoint: DocumentNode) -> ConvertedEndpoint {
        let location = endpoint.location
        let path = endpoint["path"]?.string ?? "/"
        let method = (endpoint["method"]?.string ?? "get").lowercased()
        var operation: [DocumentNode.Entry] = []
        for key in ["operationId", "summary", "description", "deprecated"] {
            if let found = endpoint.entry(key) { operation.append(found) }
        }
        let request = endpoint["request"]
        var schemes: [DocumentNode.Entry] = []
        var security: [DocumentNode] = []
        for requirement in request?["security"]?.elements ?? [] {
            let name = requirement["title"]?.string ?? "auth\(security.count + 1)"
            var scheme: [DocumentNode.Entry] = []
            for place in ["header", "query", "cookie"] {
                for parameter in requirement["parameters"]?[place]?.entries ?? [] {
                    let type = parameter.value["type"]?.string ?? "apiKey"
                    scheme.append(entry("type", .string(type), parameter.keyLocation))
                    if let value = parameter.value.entry("scheme") { scheme.append(value) }
                    if type == "apiKey" {
                        scheme.append(entry("in", .string(place), parameter.keyLocation))
                        scheme.append(entry("name", .string(parameter.key), parameter.keyLocation))
                    }
                    break
                }
            }
            if !scheme.isEmpty {
                schemes.append(entry(name, .object(scheme), requirement.location))
                security.append(
                    DocumentNode(.object([entry(name, .array([]), requirement.location)]), at: requirement.location))
            }
        }
        if request?["security"] != nil {
            operation.append(entry("security", .array(security), request?["security"]?.location ?? location))
        }
        var parameters: [DocumentNode] = []
        for place in ["path", "query", "header", "cookie"] {
            for parameter in request?["parameters"]?[place]?.entries ?? [] {
                let alternatives = parameter.value["schema"]?.elements ?? []
                var schemaNode =
                    alternatives.count == 1 ? alternatives[0] : DocumentNode(.object([]), at: parameter.keyLocation)
                if alternatives.count > 1 {
                    schemaNode = DocumentNode(
                        .object([entry("oneOf", .array(alternatives), parameter.keyLocation)]),
                        at: parameter.keyLocation)
                }
                let isRequired = schemaNode["required"]?.bool ?? (place == "path")
                var fields: [DocumentNode.Entry] = [
                    entry("name", .string(parameter.key), parameter.keyLocation),
                    entry("in", .string(place), parameter.keyLocation),
                    entry("required", .bool(isRequired), parameter.keyLocation),
                ]
                if let description = schemaNode.entry("description") { fields.append(description) }
                fields.append(
                    DocumentNode.Entry(
                        key: "schema", keyLocation: parameter.keyLocation, value: convertSchema(schemaNode)))
                parameters.append(DocumentNode(.object(fields), at: parameter.keyLocation))
            }
        }
        if !parameters.isEmpty { operation.append(entry("parameters", .array(parameters), location)) }
        if let body = request?["body"], let mediaTypes = body.entries, !mediaTypes.isEmpty {
            var content: [DocumentNode.Entry] = []
            var isRequired = false
            for media in mediaTypes {
                isRequired = isRequired || media.value["required"]?.bool == true
                content.append(
                    DocumentNode.Entry(key: media.key, keyLocation: media.keyLocation, value: convertMedia(media.value))
                )
            }
            operation.append(
                entry(
                    "requestBody",
                    .object([
                        entry("required", .bool(isRequired), body.location),
                        entry("content", .object(content), body.location),
                    ]), body.location))
        }
        var responses: [DocumentNode.Entry] = []
        for status in endpoint["response"]?.entries ?? [] {
            var content: [DocumentNode.Entry] = []
            var description: DocumentNode?
            for media in status.value.entries ?? [] {
                if media.key == "description" {
                    description = media.value
                    continue
                }
                if let text = media.value.entry("description") { description = description ?? text.value }
                content.append(
                    DocumentNode.Entry(key: media.key, keyLocation: media.keyLocation, value: convertMedia(media.value))
                )
            }
            var response: [DocumentNode.Entry] = [
                DocumentNode.Entry(
                    key: "description", keyLocation: status.keyLocation,
                    value: description ?? DocumentNode(.string(""), at: status.keyLocation))
            ]
            if !content.isEmpty { response.append(entry("content", .object(content), status.keyLocation)) }
            responses.append(
                DocumentNode.Entry(
                    key: status.key, keyLocation: status.keyLocation,
                    value: DocumentNode(.object(response), at: status.value.location)))
        }
        operation.append(entry("responses", .object(responses), endpoint["response"]?.location ?? location))
        return ConvertedEndpoint(
            path: path, pathLocation: endpoint.entry("path")?.keyLocation ?? location,
            operation: DocumentNode.Entry(
                key: method, keyLocation: endpoint.entry("method")?.keyLocation ?? location,
                value: DocumentNode(.object(operation), at: location)),
            securitySchemes: schemes)
    }

    private static func convertMedia(_ media: DocumentNode) -> DocumentNode {
        var fields: [DocumentNode.Entry] = []
        if let alternatives = media["schemaArray"]?.elements {
            let location = media.entry("schemaArray")?.keyLocation ?? media.location
            let schema: DocumentNode
            if alternatives.count == 1 {
                schema = convertSchema(alternatives[0])
            } else {
                schema = DocumentNode(
                    .object([entry("oneOf", .array(alternatives.map(convertSchema)), location)]), at: location)
            }
            fields.append(DocumentNode.Entry(key: "schema", keyLocation: location, value: schema))
        } else if let schema = media.entry("schema") {
            fields.append(
                DocumentNode.Entry(key: "schema", keyLocation: schema.keyLocation, value: convertSchema(schema.value)))
        }
        for key in ["example", "examples"] {
            if let found = media.entry(key) { fields.append(found) }
        }
        return DocumentNode(.object(fields), at: media.location)
    }

    /// Rewrites one Mintlify schema into a Schema Object.
    static func convertSchema(_ schema: DocumentNode) -> DocumentNode {
        guard let entries = schema.entries else {
            if let elements = schema.elements, elements.count == 1 { return convertSchema(elements[0]) }
            return schema
        }
        var result: [DocumentNode.Entry] = []
        var required: [DocumentNode] = []
        var requiredLocation: SourceLocation?
        var title: DocumentNode.Entry?
        for item in entries {
            switch item.key {
            case "refIdentifier":
                if let name = item.value.string {
                    let short = name.split(separator: "/").last.map(String.init) ?? name
                    title = DocumentNode.Entry(
                        key: "title", keyLocation: item.keyLocation,
                        value: DocumentNode(.string(short), at: item.value.location))
                }
            case "type" where item.value.string == "any":
                continue
            case "required" where item.value.bool != nil:
                continue
            case "required":
                required.append(contentsOf: item.value.elements ?? [])
                requiredLocation = item.keyLocation
            case "properties":
                var properties: [DocumentNode.Entry] = []
                for property in item.value.entries ?? [] {
                    let wrapped = property.value["allOf"]?.elements ?? []
                    if property.value["required"]?.bool == true
                        || wrapped.contains(where: { $0["required"]?.bool == true })
                    {
                        required.append(DocumentNode(.string(property.key), at: property.keyLocation))
                        requiredLocation = requiredLocation ?? property.keyLocation
                    }
                    properties.append(
                        DocumentNode.Entry(
                            key: property.key, keyLocation: property.keyLocation, value: convertSchema(property.value)))
                }
                result.append(
                    DocumentNode.Entry(
                        key: item.key, keyLocation: item.keyLocation,
                        value: DocumentNode(.object(properties), at: item.value.location)))
            case "items", "additionalProperties", "not":
                result.append(
                    DocumentNode.Entry(key: item.key, keyLocation: item.keyLocation, value: convertSchema(item.value)))
            case "allOf", "oneOf", "anyOf":
                let converted = (item.value.elements ?? []).map(convertSchema)
                result.append(
                    DocumentNode.Entry(
                        key: item.key, keyLocation: item.keyLocation,
                        value: DocumentNode(.array(converted), at: item.value.location)))
            default:
                result.append(item)
            }
        }
        if let title, !result.contains(where: { $0.key == "title" }) { result.insert(title, at: 0) }
        if !required.isEmpty, let requiredLocation {
            result.append(
                DocumentNode.Entry(
                    key: "required", keyLocation: requiredLocation,
                    value: DocumentNode(.array(required), at: requiredLocation)))
        }
        return DocumentNode(.object(result), at: schema.location)
    }
}
