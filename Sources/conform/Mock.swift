import ArgumentParser
import Conformance
import ContractCore
import MockServer
import SpecLoader

struct Mock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Run the reference crew: a real HTTP server that implements the documented API.",
        discussion: """
            Executions advance running → completed (or error, when an input's value is "fail") over \
            --task-seconds per task. --drift injects contract breaks so that every check has a server \
            that trips it. Stops cleanly on SIGINT or SIGTERM.
            """)

    @Option(help: "The spec (default: the bundled specs/crewai-amp.yaml).")
    var spec: [String] = []

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(
        help:
            "The bearer token requests must carry (default: read from CONFORM_MOCK_TOKEN, else generated and printed).")
    var token: String?

    @Option(help: "Seconds each task takes.")
    var taskSeconds = 2.0

    @Option(help: "Contract breaks to inject, comma separated.")
    var drift: String?

    @Flag(help: "Print the drifts and the check that catches each, then exit.")
    var listDrifts = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0-65535") }
        if taskSeconds < 0 { throw ValidationError("--task-seconds must not be negative") }
        if let drift { _ = try Live.drifts(drift) }
    }

    func run() async throws {
        if listDrifts {
            Console.out(Drift.table)
            return
        }
        let compiled = try SpecOption.load(spec)
        let inputs = Self.documentedInputs(compiled.spec)
        let chosen = token ?? getenvString("CONFORM_MOCK_TOKEN") ?? TokenSource.generate()
        let crew: ReferenceCrew
        do {
            crew = try await ReferenceCrew.start(
                configuration: CrewConfiguration(
                    token: chosen, taskSeconds: taskSeconds, inputs: inputs, drifts: try drift.map(Live.drifts) ?? []),
                host: host, port: port)
        } catch {
            Console.err("\(error)")
            throw Exit.unreachable
        }
        Console.out("conform reference crew listening on \(crew.url)")
        if token == nil && getenvString("CONFORM_MOCK_TOKEN") == nil {
            Console.out("token: \(chosen)")
        }
        await SignalWait.untilInterrupted()
        await crew.stop()
        Console.err("conform reference crew stopped")
    }

    /// Input names from the spec's `GET /inputs` example, else the defaults.
    static func documentedInputs(_ spec: APISpec) -> [String] {
        guard let operation = spec.operations.first(where: { $0.operationID == "getRequiredInputs" }),
            let media = operation.response(for: 200)?.content.first,
            let example = media.examples.first?.value["inputs"]?.elements
        else { return ["topic", "audience"] }
        let names = example.compactMap(\.string)
        return names.isEmpty ? ["topic", "audience"] : names
    }
}
