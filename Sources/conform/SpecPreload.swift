import Conformance
import Foundation
import SpecLoader
import YAMLReader

/// Loads and compiles the spec of a `validate` or `live` run on a second thread while the arguments
/// are parsed: both take a few milliseconds at start-up, mostly the Swift runtime looking up protocol
/// conformances, and on two cores they need not wait for each other.
///
/// The arguments are only glanced at (`--spec` values, or none for the bundled spec). The command
/// uses what was loaded only when its parsed `--spec` paths and limits are exactly those; otherwise it
/// loads the spec itself, as it does without a preload. Nothing is printed here: errors are kept for
/// the command to report as its own.
enum SpecPreload {
    /// What loading gave: the spec (compiled when it loaded), or the error.
    private struct Outcome: Sendable {
        var paths: [String]
        var result: Result<(LoadedSpec, CompiledSpec?), SpecLoadError>
    }

    private static let condition = NSCondition()
    nonisolated(unsafe) private static var pending = false
    nonisolated(unsafe) private static var outcome: Outcome?

    /// Starts loading the spec the command line names, if it is a `validate` or `live` run with the
    /// default limits.
    static func start(_ arguments: [String]) {
        guard let paths = specPaths(arguments) else { return }
        condition.lock()
        pending = true
        condition.unlock()
        Thread.detachNewThread {
            let result: Result<(LoadedSpec, CompiledSpec?), SpecLoadError>
            do throws(SpecLoadError) {
                let loaded = try SpecLoader(limits: .default).load(paths: paths)
                // The command refuses a spec with unresolved references before compiling it.
                let compiles = !loaded.diagnostics.contains { SpecOption.isRefused($0) }
                result = .success((loaded, compiles ? CompiledSpec(spec: loaded.spec) : nil))
            } catch {
                result = .failure(error)
            }
            condition.lock()
            outcome = Outcome(paths: paths, result: result)
            pending = false
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The preloaded spec for `paths` read with `limits`, waiting for it if it is on its way; `nil` when
    /// there is none for them (the caller loads it).
    static func take(paths: [String], limits: YAMLLimits) -> Result<(LoadedSpec, CompiledSpec?), SpecLoadError>? {
        condition.lock()
        defer { condition.unlock() }
        while pending { condition.wait() }
        guard let found = outcome else { return nil }
        outcome = nil
        guard found.paths == paths, limits == .default else { return nil }
        return found.result
    }

    /// The spec paths of a `validate` or `live` command line (the bundled spec when none is named);
    /// `nil` for other commands, and when a spec limit or help is asked for.
    static func specPaths(_ arguments: [String]) -> [String]? {
        guard arguments.count > 1, arguments[1] == "validate" || arguments[1] == "live" else { return nil }
        var paths: [String] = []
        var index = 2
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" || argument == "-h" || argument == "--help" || argument.hasPrefix("--max-spec-bytes") {
                return nil
            }
            if argument == "--spec" {
                guard index + 1 < arguments.count else { return nil }
                paths.append(arguments[index + 1])
                index += 2
                continue
            }
            if argument.hasPrefix("--spec=") { paths.append(String(argument.dropFirst("--spec=".count))) }
            index += 1
        }
        return paths.isEmpty ? [DefaultSpec.path] : paths
    }
}
