public import ContractCore

extension APISpec {
    /// A short human name for the schema at `address`: the component name a `$ref` points to,
    /// the schema's `title`, `A | B | C` for a `oneOf`/`anyOf` of named alternatives, or `inline`.
    public func schemaName(at address: NodeAddress) -> String {
        guard let node = documents.node(at: address) else { return "?" }
        return schemaName(of: node, document: address.document, depth: 0)
    }

    private func schemaName(of node: DocumentNode, document: Int, depth: Int) -> String {
        if let reference = node["$ref"]?.string {
            let (_, fragment) = URIReference.splitFragment(reference)
            if let last = JSONPointer.tokens(fragment ?? "")?.last { return last }
            return reference
        }
        if let title = node["title"]?.string { return title }
        if depth < 3 {
            for keyword in ["oneOf", "anyOf"] {
                if let alternatives = node[keyword]?.elements, !alternatives.isEmpty {
                    return alternatives.map { schemaName(of: $0, document: document, depth: depth + 1) }
                        .joined(separator: " | ")
                }
            }
            if let all = node["allOf"]?.elements, all.count == 1 {
                return schemaName(of: all[0], document: document, depth: depth + 1)
            }
            if node["type"]?.string == "array", let items = node["items"] {
                let inner = schemaName(of: items, document: document, depth: depth + 1)
                return inner == "inline" ? "inline" : "[\(inner)]"
            }
        }
        return "inline"
    }
}
