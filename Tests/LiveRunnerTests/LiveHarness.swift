import Conformance
import ContractCore
import Foundation
import LiveRunner
import MockServer
import SpecLoader

/// Runs the live scenario against the reference crew on an ephemeral loopback port.
enum LiveHarness {
    static let bundledSpec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/conform/Resources/specs/crewai-amp.yaml").path

    static let compiled: CompiledSpec? = try? CompiledSpec(spec: SpecLoader().load(path: bundledSpec).spec)

    struct Outcome {
        var result: LiveResult
        var recorded: [HTTPExchange]

        /// Check IDs of every error (contract, workflow, probe, transport), sorted and unique.
        var failingChecks: [String] {
            var checks: Set<String> = []
            for item in result.exchanges {
                for finding in item.outcome.findings where finding.severity == .error {
                    checks.insert(finding.check.rawValue)
                }
            }
            for step in result.steps {
                for finding in step.findings where finding.severity == .error { checks.insert(finding.check.rawValue) }
                if let error = step.error { checks.insert(error.check.rawValue) }
            }
            return checks.sorted()
        }

        var warningChecks: [String] {
            Set(
                result.exchanges.flatMap {
                    $0.outcome.findings.filter { $0.severity == .warning }.map(\.check.rawValue)
                }
            ).sorted()
        }
    }

    static func run(
        drifts: Set<Drift> = [], strict: Bool = false, kickoffs: Int = 1, concurrency: Int = 1, timeout: Double = 10,
        readTimeout: Double = 10, stallAfterPolls: Int? = nil, token: String = "test-token-\(UUID().uuidString)"
    ) async throws -> Outcome {
        guard let compiled else { throw HarnessError.noSpec }
        var configuration = CrewConfiguration(
            token: token, taskSeconds: 0.05, drifts: drifts, slowDelay: readTimeout + 0.5)
        configuration.stallAfterPolls = stallAfterPolls
        let crew = try await ReferenceCrew.start(configuration: configuration)
        let transport = AsyncHTTPTransport(connectTimeout: 10, readTimeout: readTimeout)
        let collector = Collector()
        let runner = LiveRunner(
            options: LiveOptions(
                baseURL: crew.url, token: token, kickoffs: kickoffs, concurrency: concurrency, pollInterval: 0.02,
                timeout: timeout, isStrict: strict),
            checker: ExchangeChecker(compiled: compiled, options: CheckOptions(isStrict: strict)), transport: transport,
            recorder: { exchange in await collector.add(exchange) })
        let result = await runner.run()
        await transport.shutdown()
        await crew.stop()
        return Outcome(result: result, recorded: await collector.all)
    }

    enum HarnessError: Error { case noSpec }

    actor Collector {
        var all: [HTTPExchange] = []
        func add(_ exchange: HTTPExchange) { all.append(exchange) }
    }
}
