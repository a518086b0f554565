import Conformance
import ContractCore
import FuzzSupport
import SpecLoader
import YAMLReader

/// libFuzzer input: the first byte picks how the file is named (YAML, JSON or a Mintlify page), the rest is
/// its text. It goes through the YAML reader alone, then through the whole `conform lint` path: loading,
/// schema compilation and the example check.
func fuzzSpec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let extensions = ["yaml", "json", "mdx"]
    let path = FuzzSupport.scratchFile(extension: extensions[Int(data[0]) % extensions.count])
    let text = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let limits = YAMLLimits(maxBytes: 1 << 20, maxDepth: 128, maxNodes: 100_000)
    _ = try? YAMLReader.read(bytes: Array(text), file: "fuzz.yaml", limits: limits)
    FuzzSupport.write(text, to: path)
    if let result = try? Linter(loader: SpecLoader(limits: limits)).lint(paths: [path]) {
        for finding in result.findings { _ = finding.line }
    }
    return 0
}

FuzzSupport.run(fuzzSpec)
