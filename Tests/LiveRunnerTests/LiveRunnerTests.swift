import Conformance
import ContractCore
import Foundation
import LiveRunner
import MockServer
import Testing

@Suite(.serialized) struct LiveRunnerTests {
    @Test func theConformingCrewPasses() async throws {
        let outcome = try await LiveHarness.run()
        #expect(outcome.failingChecks == [])
        #expect(outcome.warningChecks == [])
        #expect(!outcome.result.hasViolations && !outcome.result.hasErrors)
        let steps = outcome.result.steps.map { "\($0.group): \($0.name)" }
        #expect(steps.contains("execution 1: completion"))
        #expect(steps.contains("probes: no token → 401"))
        #expect(steps.contains("probes: kickoff without inputs → 400/422"))
        let statuses = outcome.result.exchanges.map { "\($0.exchange.method) \($0.exchange.status)" }
        #expect(statuses.first == "GET 200")
        #expect(statuses.contains("POST 422"))
        #expect(statuses.contains("GET 401"))
        #expect(statuses.contains("GET 404"))
    }

    @Test(arguments: [
        (Drift.statusEnum, ["schema.oneOf"], false),
        (.kickoffUUID, ["schema.format"], false),
        (.wrongType, ["schema.type"], false),
        (.missingField, ["schema.required"], true),
        (.undocumentedStatus, ["status-code"], false),
        (.contentType, ["content-type"], false),
        (.brokenJSON, ["json"], false),
        (.slow, ["transport"], false),
        (.serverError, ["server-error"], false),
        (.statusRegress, ["workflow"], false),
        (.progressRegress, ["workflow"], false),
        (.platformShape, ["schema.oneOf"], false),
        (.noAuth, ["auth"], false),
        (.unknownFound, ["not-found"], false),
        (.echoToken, ["schema.type"], false),
    ])
    func eachDriftIsCaughtByItsCheckAndNothingElse(drift: Drift, checks: [String], strict: Bool) async throws {
        let outcome = try await LiveHarness.run(drifts: [drift], strict: strict, readTimeout: drift == .slow ? 0.3 : 10)
        #expect(outcome.failingChecks == checks, "\(drift.rawValue)")
    }

    @Test func extraFieldsAreUndocumentedPropertyWarnings() async throws {
        let outcome = try await LiveHarness.run(drifts: [.extraField])
        #expect(outcome.failingChecks == [])
        #expect(outcome.warningChecks == ["undocumented-property"])
        let strict = try await LiveHarness.run(drifts: [.extraField], strict: true)
        #expect(strict.failingChecks == ["undocumented-property"])
    }

    @Test func aCrewThatStopsAnsweringMidPollTimesOut() async throws {
        let started = Date()
        let outcome = try await LiveHarness.run(timeout: 1.5, readTimeout: 0.3, stallAfterPolls: 2)
        #expect(Date().timeIntervalSince(started) < 8)
        #expect(outcome.failingChecks.contains("timeout"))
        let completion = try #require(
            outcome.result.steps.first { $0.group == "execution 1" && $0.name == "completion" })
        #expect(completion.error?.check == .timeout)
        #expect(completion.error?.message.hasPrefix("execution 1 (") == true)
        #expect(completion.error?.message.contains("did not finish within 1.5 s") == true)
    }

    @Test func manyExecutionsAreEachReported() async throws {
        let outcome = try await LiveHarness.run(kickoffs: 20, concurrency: 5)
        #expect(outcome.failingChecks == [])
        for number in 1...20 {
            #expect(
                outcome.result.steps.contains {
                    $0.group == "execution \(number)" && $0.name == "completion" && $0.findings.isEmpty
                })
        }
        let kickoffs = outcome.result.exchanges.filter { $0.exchange.method == "POST" && $0.exchange.status == 200 }
        #expect(kickoffs.count == 20)
    }

    @Test func refusedConnectionsAreUnreachable() async throws {
        guard let compiled = LiveHarness.compiled else { return }
        let transport = AsyncHTTPTransport(connectTimeout: 1, readTimeout: 1)
        let started = Date()
        let result = await LiveRunner(
            options: LiveOptions(baseURL: "http://127.0.0.1:1", token: "t"),
            checker: .init(compiled: compiled), transport: transport
        ).run()
        await transport.shutdown()
        #expect(result.isUnreachable)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.steps.first?.error?.check == .transport)
    }
}
