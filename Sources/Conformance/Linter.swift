public import ContractCore
public import SpecLoader

/// `conform lint`: loads specs and reports every structural problem found.
public struct Linter: Sendable {
    /// The loader used for every spec.
    public var loader: SpecLoader

    /// Creates a linter.
    public init(loader: SpecLoader = SpecLoader()) {
        self.loader = loader
    }

    /// The outcome of linting one spec (or one set of merged Mintlify pages).
    public struct Result: Sendable {
        /// The model that was understood.
        public var spec: APISpec
        /// Problems, sorted by location.
        public var findings: [Finding]
    }

    /// Lints the spec made of `paths` (one OpenAPI document, or Mintlify pages that merge).
    public func lint(paths: [String]) throws(SpecLoadError) -> Result {
        let loaded = try loader.load(paths: paths)
        var findings = loaded.diagnostics
        findings.sort()
        return Result(spec: loaded.spec, findings: findings)
    }
}
