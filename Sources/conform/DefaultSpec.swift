import ContractCore
import Foundation

/// Finds the bundled CrewAI AMP spec: `specs/crewai-amp.yaml` under the current directory when
/// conform runs from the repository, otherwise the copy shipped as a package resource.
enum DefaultSpec {
    static let relativePath = "specs/crewai-amp.yaml"

    static var path: String {
        if FileBytes.exists(relativePath) { return relativePath }
        if let bundled = Bundle.module.path(forResource: "crewai-amp", ofType: "yaml", inDirectory: "specs") {
            return bundled
        }
        return relativePath
    }
}
