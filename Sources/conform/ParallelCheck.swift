import Conformance
import ContractCore
import Recordings
import SpecLoader

#if canImport(Glibc)
    import Glibc
#endif

/// Decodes recording units and checks their exchanges on every core, keeping file order.
struct ParallelCheck: Sendable {
    let checker: ExchangeChecker
    /// Bare body files: the operation and status given on the command line.
    let fixedOperation: APIOperation?
    let fixedStatus: Int?
    let workers: Int
    /// With `validate --shard K/N`: the share of the exchanges to check; the others are skipped before checking.
    var shard: Shard?

    /// One decoded unit: an exchange with its verdict, or a broken-entry finding.
    enum Result: Sendable {
        case checked(Checked)
        case problem(Finding)
    }

    /// An exchange and its verdict, behind one reference: results are moved between arrays and threads,
    /// and copying the exchange itself would retain each of its strings and arrays every time.
    final class Checked: Sendable {
        let exchange: HTTPExchange
        let outcome: ExchangeOutcome

        init(_ exchange: HTTPExchange, _ outcome: ExchangeOutcome) {
            self.exchange = exchange
            self.outcome = outcome
        }
    }

    init(checker: ExchangeChecker, fixedOperation: APIOperation?, fixedStatus: Int?, workers: Int = ParallelCheck.cores)
    {
        self.checker = checker
        self.fixedOperation = fixedOperation
        self.fixedStatus = fixedStatus
        self.workers = max(1, workers)
    }

    /// The number of cores online (CPU affinity and container limits are not consulted).
    static var cores: Int {
        let count = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, count)
    }

    /// The results of a batch, in unit order.
    func run(_ batch: [RecordingUnit]) async -> [Result] {
        if workers == 1 || batch.count < 2 { return batch.compactMap(process) }
        // Several chunks a core, so that one slow chunk does not leave the other cores idle.
        let chunk = max(1, batch.count / (workers * 4))
        return await withTaskGroup(of: (Int, [Result]).self) { group in
            for start in stride(from: 0, to: batch.count, by: chunk) {
                let slice = Array(batch[start..<min(start + chunk, batch.count)])
                group.addTask { (start, slice.compactMap(process)) }
            }
            var parts: [(Int, [Result])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// The result of one unit; `nil` for a blank line or a unit of another shard.
    private func process(_ unit: RecordingUnit) -> Result? {
        guard let event = unit.decode() else { return nil }
        switch consume event {
        case .problem(let finding):
            if let shard, !shard.contains(problem: finding) { return nil }
            return .problem(finding)
        case .exchange(var exchange):
            if let shard, !shard.contains(exchange) { return nil }
            if let fixedOperation, let fixedStatus {
                exchange.status = fixedStatus
                exchange.method = fixedOperation.method
            }
            let outcome = checker.check(exchange, fixedOperation: fixedOperation)
            // Reporting needs the headers, not the body: it is freed here, on this core, not
            // kept until the batch is reported.
            exchange.body = .none
            return .checked(Checked(exchange, outcome))
        }
    }
}
