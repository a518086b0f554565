public import ContractCore

/// Why a schema could not be compiled.
public struct SchemaCompileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?
    public var description: String {
        (location.map { "\($0): " } ?? "") + "error: " + message
    }
}

/// A set of schemas compiled once into an arena (indices, so recursive schemas cost nothing)
/// that ``Validator`` runs many times.
public struct CompiledSchemas: Sendable {
    var nodes: [SchemaNode]
    /// `$dynamicAnchor`s by `base#name`.
    var dynamicAnchors: [String: Int] = [:]
    /// For each `oneOf`/`anyOf` member list: the properties whose `enum`/`const` tell the members apart.
    var tagTable: [[Int]: [TagProperty]] = [:]
    /// The rules the schemas follow.
    public let rules: SchemaRules
    /// Formats named by the schemas that conform does not assert, with how often they occur.
    public private(set) var unknownFormats: [String: Int]
    private var indexByAddress: [NodeAddress: Int]

    /// The compiled index of the schema at `address`, if it was compiled.
    public func index(of address: NodeAddress) -> Int? { indexByAddress[address] }

    /// The display name of a compiled schema (component name or title), if any.
    public func name(of index: Int) -> String? { nodes.indices.contains(index) ? nodes[index].name : nil }

    init(nodes: [SchemaNode], rules: SchemaRules, unknownFormats: [String: Int], indexByAddress: [NodeAddress: Int]) {
        self.nodes = nodes
        self.rules = rules
        self.unknownFormats = unknownFormats
        self.indexByAddress = indexByAddress
    }
}

/// Compiles Schema Objects of a ``DocumentSet``.
public struct SchemaCompiler {
    private let documents: DocumentSet
    private let rules: SchemaRules
    private var nodes: [SchemaNode] = []
    private var indexByAddress: [NodeAddress: Int] = [:]
    private var unknownFormats: [String: Int] = [:]
    private var resources = ResourceIndex()
    private var problems: [SchemaCompileError] = []
    private var dynamicAnchors: [String: Int] = [:]

    /// Creates a compiler over `documents`.
    public init(documents: DocumentSet, rules: SchemaRules) {
        self.documents = documents
        self.rules = rules
        resources.index(documents, rules: rules)
    }

    /// Compiles the schema at `address` (and everything it reaches); returns its index.
    public mutating func compile(_ address: NodeAddress) -> Int {
        let index = compile(address, base: resources.baseURI(of: address, in: documents), name: nil)
        if rules == .openAPI31 {
            for anchor in resources.dynamicAnchors where dynamicAnchors[anchor.key] == nil {
                dynamicAnchors[anchor.key] = compile(anchor.address, base: anchor.base, name: nil)
            }
        }
        return index
    }

    /// Problems met while compiling (unresolved references, invalid patterns), each with its place.
    public var diagnostics: [SchemaCompileError] { problems }

    /// The compiled arena.
    public func finish() -> CompiledSchemas {
        var compiled = CompiledSchemas(
            nodes: nodes, rules: rules, unknownFormats: unknownFormats, indexByAddress: indexByAddress)
        compiled.dynamicAnchors = dynamicAnchors
        for node in nodes {
            for rule in node.rules {
                if case .oneOf(let members, _) = rule.kind, compiled.tagTable[members] == nil {
                    compiled.tagTable[members] = TagAnalysis.tags(members, nodes: nodes)
                }
            }
        }
        return compiled
    }

    // MARK: - Compilation

    private mutating func compile(_ address: NodeAddress, base: String, name: String?) -> Int {
        if let existing = indexByAddress[address] {
            if nodes[existing].name == nil, let name { nodes[existing].name = name }
            return existing
        }
        let index = nodes.count
        guard let node = documents.node(at: address) else {
            nodes.append(SchemaNode(location: SourceLocation(file: "?", line: 0, column: 0), constant: false))
            return index
        }
        nodes.append(SchemaNode(location: node.location, name: name))
        indexByAddress[address] = index
        let compiled = build(node, at: address, base: base, name: name)
        nodes[index] = compiled
        return index
    }

    private mutating func child(_ address: NodeAddress, key: String, base: String) -> Int {
        compile(address.appending(key), base: base, name: nil)
    }

    private mutating func build(_ node: DocumentNode, at address: NodeAddress, base: String, name: String?)
        -> SchemaNode
    {
        var schema = SchemaNode(location: node.location, name: name)
        if let bool = node.bool {
            schema.constant = bool
            return schema
        }
        guard let entries = node.entries else {
            // Not a schema: accept everything, as unknown keywords would.
            schema.constant = true
            return schema
        }
        var base = base
        if let id = node[rules == .openAPI31 ? "$id" : "id"]?.string, !id.hasPrefix("#"),
            rules == .openAPI31 || node["$ref"] == nil
        {
            base = URIReference.resolve(id, against: base)
        }
        schema.resourceBase = URIReference.stripFragment(base)
        if rules == .openAPI31 { schema.dynamicAnchor = node["$dynamicAnchor"]?.string }
        if schema.name == nil { schema.name = node["title"]?.string }

        // In OpenAPI 3.0 (draft 4) a `$ref` replaces every sibling keyword.
        if let reference = node.entry("$ref"), let text = reference.value.string {
            if let target = resolveReference(text, base: base, at: reference.value.location) {
                let index = compile(target.address, base: target.base, name: target.name)
                schema.rules.append(Rule(kind: .ref(index), keyword: "$ref", location: reference.value.location))
                if schema.name == nil { schema.name = nodes[index].name ?? target.name }
            } else {
                schema.constant = false
            }
            if rules == .openAPI30 { return schema }
        }
        if rules == .openAPI31, let dynamic = node.entry("$dynamicRef"), let text = dynamic.value.string {
            if let target = resolveReference(text, base: base, at: dynamic.value.location) {
                let fallback = compile(target.address, base: target.base, name: target.name)
                let (_, fragment) = URIReference.splitFragment(text)
                schema.rules.append(
                    Rule(
                        kind: .dynamicRef(anchor: fragment ?? "", fallback: fallback), keyword: "$dynamicRef",
                        location: dynamic.value.location))
            }
        }

        var properties = PropertiesRule()
        var hasPropertiesRule = false
        var items = ItemsRule()
        var hasItemsRule = false
        var exclusiveMinimum = false
        var exclusiveMaximum = false
        var minContains = 1
        var maxContains: Int?
        var discriminator: Discriminator?

        for entry in entries {
            let key = entry.key
            let value = entry.value
            let at = entry.keyLocation
            switch key {
            case "type":
                var set = TypeSet()
                for name in value.elements ?? [value] {
                    if let text = name.string, let type = TypeSet(name: text) { set.insert(type) }
                }
                schema.types = set
                schema.typeLocation = at
            case "nullable" where rules == .openAPI30:
                schema.isNullable = value.bool == true
            case "readOnly":
                schema.isReadOnly = value.bool == true
            case "writeOnly":
                schema.isWriteOnly = value.bool == true
            case "enum":
                schema.rules.append(Rule(kind: .enumeration(value.elements ?? []), keyword: key, location: at))
            case "const" where rules == .openAPI31:
                schema.rules.append(Rule(kind: .constant(value), keyword: key, location: at))
            case "allOf", "anyOf", "oneOf":
                let members = (value.elements ?? []).indices.map {
                    compile(address.appending(key).appending(String($0)), base: base, name: nil)
                }
                switch key {
                case "allOf": schema.rules.append(Rule(kind: .allOf(members), keyword: key, location: at))
                case "anyOf": schema.rules.append(Rule(kind: .anyOf(members), keyword: key, location: at))
                default: schema.rules.append(Rule(kind: .oneOf(members, nil), keyword: key, location: at))
                }
            case "not":
                schema.rules.append(Rule(kind: .not(child(address, key: key, base: base)), keyword: key, location: at))
            case "if" where rules == .openAPI31:
                let condition = child(address, key: key, base: base)
                let then = node["then"] != nil ? child(address, key: "then", base: base) : nil
                let otherwise = node["else"] != nil ? child(address, key: "else", base: base) : nil
                schema.rules.append(
                    Rule(
                        kind: .conditional(condition: condition, then: then, otherwise: otherwise), keyword: key,
                        location: at))
            case "minimum", "maximum":
                guard let number = value.number else { continue }
                let exclusive =
                    rules == .openAPI30
                    && node[key == "minimum" ? "exclusiveMinimum" : "exclusiveMaximum"]?.bool == true
                schema.rules.append(
                    Rule(
                        kind: key == "minimum"
                            ? .minimum(number, exclusive: exclusive) : .maximum(number, exclusive: exclusive),
                        keyword: exclusive ? (key == "minimum" ? "exclusiveMinimum" : "exclusiveMaximum") : key,
                        location: at))
            case "exclusiveMinimum", "exclusiveMaximum":
                if let number = value.number {
                    let kind: Rule.Kind =
                        key == "exclusiveMinimum"
                        ? .minimum(number, exclusive: true) : .maximum(number, exclusive: true)
                    schema.rules.append(Rule(kind: kind, keyword: key, location: at))
                } else if key == "exclusiveMinimum" {
                    exclusiveMinimum = value.bool == true
                } else {
                    exclusiveMaximum = value.bool == true
                }
            case "multipleOf":
                if let number = value.number {
                    schema.rules.append(Rule(kind: .multipleOf(number), keyword: key, location: at))
                }
            case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
                guard let limit = Self.count(value) else { continue }
                let kind: Rule.Kind =
                    switch key {
                    case "minLength": .minLength(limit)
                    case "maxLength": .maxLength(limit)
                    case "minItems": .minItems(limit)
                    case "maxItems": .maxItems(limit)
                    case "minProperties": .minProperties(limit)
                    default: .maxProperties(limit)
                    }
                schema.rules.append(Rule(kind: kind, keyword: key, location: at))
            case "pattern":
                guard let text = value.string else { continue }
                if let pattern = Pattern(text) {
                    schema.rules.append(Rule(kind: .pattern(pattern), keyword: key, location: at))
                } else {
                    problems.append(
                        SchemaCompileError(
                            message: "pattern \(JSONText.quote(text)) is not a valid regular expression",
                            location: value.location))
                }
            case "format":
                guard let format = value.string else { continue }
                if FormatChecker.knownFormats.contains(format) {
                    schema.rules.append(Rule(kind: .format(format), keyword: key, location: at))
                } else {
                    unknownFormats[format, default: 0] += 1
                }
            case "uniqueItems":
                if value.bool == true { schema.rules.append(Rule(kind: .uniqueItems, keyword: key, location: at)) }
            case "required":
                if let names = value.elements?.compactMap(\.string) {
                    schema.rules.append(Rule(kind: .required(names), keyword: key, location: at))
                }
            case "properties":
                hasPropertiesRule = true
                properties.namedLocation = at
                for property in value.entries ?? [] {
                    let index = compile(address.appending(key).appending(property.key), base: base, name: nil)
                    properties.lookup[property.key] = properties.named.count
                    properties.named.append(
                        PropertyRule(name: property.key, utf8: Array(property.key.utf8), schema: index))
                }
            case "patternProperties":
                hasPropertiesRule = true
                for property in value.entries ?? [] {
                    guard let pattern = Pattern(property.key) else {
                        problems.append(
                            SchemaCompileError(
                                message: "pattern \(JSONText.quote(property.key)) is not a valid regular expression",
                                location: property.keyLocation))
                        continue
                    }
                    properties.patterns.append(
                        (pattern, compile(address.appending(key).appending(property.key), base: base, name: nil)))
                }
            case "additionalProperties":
                hasPropertiesRule = true
                properties.additional = child(address, key: key, base: base)
                properties.additionalLocation = at
            case "items":
                hasItemsRule = true
                if value.elements != nil && rules == .openAPI30 {
                    items.prefix = (value.elements ?? []).indices.map {
                        compile(address.appending(key).appending(String($0)), base: base, name: nil)
                    }
                    items.prefixLocation = at
                } else {
                    items.rest = child(address, key: key, base: base)
                    items.restLocation = at
                    items.restKeyword = "items"
                }
            case "prefixItems" where rules == .openAPI31:
                hasItemsRule = true
                items.prefix = (value.elements ?? []).indices.map {
                    compile(address.appending(key).appending(String($0)), base: base, name: nil)
                }
                items.prefixLocation = at
            case "additionalItems" where rules == .openAPI30:
                if node["items"]?.elements != nil {
                    hasItemsRule = true
                    items.rest = child(address, key: key, base: base)
                    items.restLocation = at
                    items.restKeyword = "additionalItems"
                }
            case "contains" where rules == .openAPI31:
                let index = child(address, key: key, base: base)
                schema.rules.append(Rule(kind: .contains(index, min: 1, max: nil), keyword: key, location: at))
            case "minContains" where rules == .openAPI31:
                minContains = Self.count(value) ?? 1
            case "maxContains" where rules == .openAPI31:
                maxContains = Self.count(value)
            case "dependentRequired" where rules == .openAPI31:
                let pairs = (value.entries ?? []).map { ($0.key, ($0.value.elements ?? []).compactMap(\.string)) }
                schema.rules.append(Rule(kind: .dependentRequired(pairs), keyword: key, location: at))
            case "dependentSchemas" where rules == .openAPI31:
                let pairs = (value.entries ?? []).map {
                    ($0.key, compile(address.appending(key).appending($0.key), base: base, name: nil))
                }
                schema.rules.append(Rule(kind: .dependentSchemas(pairs), keyword: key, location: at))
            case "dependencies" where rules == .openAPI30:
                var required: [(String, [String])] = []
                var schemas: [(String, Int)] = []
                for dependency in value.entries ?? [] {
                    if let names = dependency.value.elements {
                        required.append((dependency.key, names.compactMap(\.string)))
                    } else {
                        schemas.append(
                            (
                                dependency.key,
                                compile(address.appending(key).appending(dependency.key), base: base, name: nil)
                            ))
                    }
                }
                if !required.isEmpty {
                    schema.rules.append(Rule(kind: .dependentRequired(required), keyword: key, location: at))
                }
                if !schemas.isEmpty {
                    schema.rules.append(Rule(kind: .dependentSchemas(schemas), keyword: key, location: at))
                }
            case "propertyNames" where rules == .openAPI31:
                schema.rules.append(
                    Rule(kind: .propertyNames(child(address, key: key, base: base)), keyword: key, location: at))
            case "unevaluatedProperties" where rules == .openAPI31:
                schema.needsAnnotations = true
                schema.rules.append(
                    Rule(kind: .unevaluatedProperties(child(address, key: key, base: base)), keyword: key, location: at)
                )
            case "unevaluatedItems" where rules == .openAPI31:
                schema.needsAnnotations = true
                schema.rules.append(
                    Rule(kind: .unevaluatedItems(child(address, key: key, base: base)), keyword: key, location: at))
            case "discriminator":
                guard let property = value["propertyName"]?.string else { continue }
                var mapping: [String: Int] = [:]
                for item in value["mapping"]?.entries ?? [] {
                    guard let text = item.value.string else { continue }
                    let reference = text.contains("#") || text.contains("/") ? text : "#/components/schemas/" + text
                    if let target = resolveReference(reference, base: base, at: item.value.location) {
                        mapping[item.key] = compile(target.address, base: target.base, name: target.name)
                    }
                }
                discriminator = Discriminator(propertyName: property, mapping: mapping, location: at)
            default:
                continue
            }
        }
        if rules == .openAPI30 && (exclusiveMinimum || exclusiveMaximum) {
            // Boolean exclusive bounds were folded into minimum/maximum above.
        }
        if let position = schema.rules.firstIndex(where: { $0.keyword == "contains" }),
            case .contains(let index, _, _) = schema.rules[position].kind
        {
            schema.rules[position].kind = .contains(index, min: minContains, max: maxContains)
        }
        if let discriminator {
            for position in schema.rules.indices {
                switch schema.rules[position].kind {
                case .oneOf(let members, _):
                    schema.rules[position].kind = .oneOf(members, discriminator)
                case .anyOf(let members):
                    schema.rules[position].kind = .oneOf(members, discriminator)
                    schema.rules[position].keyword = "anyOf"
                default:
                    continue
                }
            }
        }
        if hasPropertiesRule { schema.properties = properties }
        if hasItemsRule { schema.items = items }
        return schema
    }

    private static func count(_ node: DocumentNode) -> Int? {
        guard let number = node.number, number.isInteger, !number.isNegative else { return nil }
        return Int(exactly: number.doubleValue) ?? Int.max
    }

    // MARK: - References

    private struct Target {
        var address: NodeAddress
        var base: String
        var name: String?
    }

    private mutating func resolveReference(_ reference: String, base: String, at location: SourceLocation) -> Target? {
        let (resource, fragment) = URIReference.splitFragment(reference)
        let uri = resource.isEmpty ? URIReference.stripFragment(base) : URIReference.resolve(resource, against: base)
        let decoded = URIReference.percentDecode(fragment ?? "")
        var address: NodeAddress?
        if decoded.isEmpty || decoded.hasPrefix("/") {
            if let root = resources.address(of: uri) {
                address = NodeAddress(document: root.document, pointer: root.pointer + decoded)
                if let candidate = address, documents.node(at: candidate) == nil { address = nil }
            }
        } else {
            address = resources.address(of: uri + "#" + decoded)
        }
        guard let address else {
            problems.append(
                SchemaCompileError(message: "unresolved reference \(JSONText.quote(reference))", location: location))
            return nil
        }
        let name = JSONPointer.tokens(decoded)?.last ?? (decoded.isEmpty ? nil : decoded)
        let targetBase = resources.baseURI(of: address, in: documents)
        return Target(address: address, base: targetBase, name: name)
    }
}

/// Schema resources by URI: every document, every `$id`, every `$anchor`.
struct ResourceIndex {
    private var byURI: [String: NodeAddress] = [:]
    /// Every `$dynamicAnchor`: its `base#name` key, address and base URI.
    private(set) var dynamicAnchors: [(key: String, address: NodeAddress, base: String)] = []
    private var bases: [NodeAddress: String] = [:]

    func address(of uri: String) -> NodeAddress? {
        byURI[Self.key(uri)]
    }

    /// The lookup key of a URI: its normalised resource part, plus a plain-name fragment.
    static func key(_ uri: String) -> String {
        let (resource, fragment) = URIReference.splitFragment(uri)
        let base = URIReference.normalize(resource)
        guard let fragment, !fragment.isEmpty else { return base }
        return base + "#" + fragment
    }

    /// The base URI in force around `address`: the nearest enclosing `$id` (not the node's own), or the
    /// document's URI.
    func baseURI(of address: NodeAddress, in documents: DocumentSet) -> String {
        var best =
            documents.documents.indices.contains(address.document) ? documents.documents[address.document].uri : ""
        var bestLength = -1
        for (candidate, base) in bases where candidate.document == address.document {
            // The node's own `$id` is applied when it is compiled, so only enclosing resources count.
            let isPrefix = address.pointer.hasPrefix(candidate.pointer + "/")
            if isPrefix && candidate.pointer.count > bestLength {
                best = base
                bestLength = candidate.pointer.count
            }
        }
        return best
    }

    mutating func index(_ documents: DocumentSet, rules: SchemaRules) {
        let idKey = rules == .openAPI31 ? "$id" : "id"
        for (index, document) in documents.documents.enumerated() {
            let root = NodeAddress(document: index, pointer: "")
            byURI[URIReference.normalize(document.uri)] = root
            var stack: [(DocumentNode, String, String, Bool)] = [(document.root, "", document.uri, true)]
            while let (node, pointer, inheritedBase, isSchemaPosition) = stack.popLast() {
                var base = inheritedBase
                let address = NodeAddress(document: index, pointer: pointer)
                if isSchemaPosition, let entries = node.entries {
                    if let id = node[idKey]?.string, node["$ref"] == nil || rules == .openAPI31 {
                        let (resource, fragment) = URIReference.splitFragment(id)
                        if !resource.isEmpty {
                            base = URIReference.resolve(resource, against: base)
                            byURI[URIReference.normalize(base)] = address
                            bases[address] = base
                        }
                        if let fragment, !fragment.isEmpty, !fragment.hasPrefix("/") {
                            byURI[Self.key(URIReference.stripFragment(base) + "#" + fragment)] = address
                        }
                    }
                    for key in ["$anchor", "$dynamicAnchor"] where rules == .openAPI31 {
                        if let anchor = node[key]?.string {
                            let anchorKey = Self.key(URIReference.stripFragment(base) + "#" + anchor)
                            // `$anchor` wins over a `$dynamicAnchor` of the same name.
                            if key == "$anchor" || byURI[anchorKey] == nil { byURI[anchorKey] = address }
                            if key == "$dynamicAnchor" { dynamicAnchors.append((anchorKey, address, base)) }
                        }
                    }
                    for entry in entries {
                        // `enum`, `const`, examples hold data, not schemas.
                        let isData = ["enum", "const", "example", "examples", "default"].contains(entry.key)
                        stack.append((entry.value, pointer + "/" + JSONPointer.escape(entry.key), base, !isData))
                    }
                } else if isSchemaPosition, let elements = node.elements {
                    for (position, element) in elements.enumerated() {
                        stack.append((element, pointer + "/\(position)", base, true))
                    }
                }
            }
        }
    }
}

/// A property whose `enum` or `const` differs between the alternatives of a `oneOf` (the CrewAI
/// status bodies are told apart only by `status`).
struct TagProperty: Sendable {
    var name: String
    /// Alternative position → the values that alternative allows.
    var values: [Int: [DocumentNode]]
    /// The same, by position (`nil`: the alternative does not pin the property): read for every value
    /// a `oneOf` checks, where a dictionary would hash each position.
    let byPosition: [[DocumentNode]?]

    init(name: String, values: [Int: [DocumentNode]], alternatives: Int) {
        self.name = name
        self.values = values
        byPosition = (0..<alternatives).map { values[$0] }
    }
}

/// Finds tag properties by looking through `$ref` and `allOf`.
enum TagAnalysis {
    static func tags(_ members: [Int], nodes: [SchemaNode]) -> [TagProperty] {
        var result: [String: [Int: [DocumentNode]]] = [:]
        var order: [String] = []
        for (position, member) in members.enumerated() {
            for (name, values) in constantProperties(member, nodes: nodes, depth: 0) {
                if result[name] == nil { order.append(name) }
                result[name, default: [:]][position] = values
            }
        }
        return order.compactMap { name in
            guard let values = result[name], values.count >= 2 else { return nil }
            return TagProperty(name: name, values: values, alternatives: members.count)
        }
    }

    /// `properties` whose schema pins the value with `enum` or `const`.
    private static func constantProperties(_ schema: Int, nodes: [SchemaNode], depth: Int) -> [(String, [DocumentNode])]
    {
        guard depth < 8, nodes.indices.contains(schema) else { return [] }
        var result: [(String, [DocumentNode])] = []
        for property in nodes[schema].properties?.named ?? [] {
            if let values = pinnedValues(property.schema, nodes: nodes, depth: 0) {
                result.append((property.name, values))
            }
        }
        for rule in nodes[schema].rules {
            switch rule.kind {
            case .ref(let target): result += constantProperties(target, nodes: nodes, depth: depth + 1)
            case .allOf(let members):
                for member in members { result += constantProperties(member, nodes: nodes, depth: depth + 1) }
            default: continue
            }
        }
        return result
    }

    private static func pinnedValues(_ schema: Int, nodes: [SchemaNode], depth: Int) -> [DocumentNode]? {
        guard depth < 8, nodes.indices.contains(schema) else { return nil }
        for rule in nodes[schema].rules {
            switch rule.kind {
            case .enumeration(let values): return values
            case .constant(let value): return [value]
            case .ref(let target):
                if let values = pinnedValues(target, nodes: nodes, depth: depth + 1) { return values }
            case .allOf(let members):
                for member in members {
                    if let values = pinnedValues(member, nodes: nodes, depth: depth + 1) { return values }
                }
            default: continue
            }
        }
        return nil
    }
}
