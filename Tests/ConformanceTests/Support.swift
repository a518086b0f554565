import Conformance
import ContractCore
import Foundation
import SpecLoader

enum Support {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent(name).path ?? name
    }

    /// The bundled spec, from the repository (part of the project, not of ../shared).
    static let bundledSpec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/conform/Resources/specs/crewai-amp.yaml").path

    static func compiled(_ path: String) throws -> CompiledSpec {
        CompiledSpec(spec: try SpecLoader().load(path: path).spec)
    }

    static func check(
        _ body: String, operation: String, status: Int, spec: CompiledSpec, contentType: String? = nil,
        strict: Bool = false
    ) throws -> [Finding] {
        let target = try requireOperation(operation, in: spec)
        return ResponseChecker(compiled: spec, options: CheckOptions(isStrict: strict)).check(
            body: Array(body.utf8), status: status, contentType: contentType, operation: target,
            source: .file("body.json"))
    }

    static func requireOperation(_ name: String, in spec: CompiledSpec) throws -> APIOperation {
        guard let operation = spec.spec.operation(named: name) else { throw Missing(name: name) }
        return operation
    }

    struct Missing: Error { var name: String }
}
