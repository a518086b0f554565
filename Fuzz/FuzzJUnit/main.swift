import FuzzSupport
import Reports

/// libFuzzer input: the input is a JUnit report as `conform gate` and `conform merge` read it; when it reads,
/// it is merged with itself and judged by a strict policy.
func fuzzJUnit(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard
        let file = try? JUnitReader.read(
            bytes: bytes, file: "fuzz.xml", limits: JUnitReadLimits(maxBytes: 1 << 20, maxDepth: 64))
    else { return 0 }
    _ = try? JUnitMerger.merge([file, file])
    let decision = GatePolicy(maxFailures: 0, requiredSuites: ["live"]).evaluate([file], now: 1_800_000_000)
    for rule in decision.rules { _ = rule.line }
    return 0
}

FuzzSupport.run(fuzzJUnit)
