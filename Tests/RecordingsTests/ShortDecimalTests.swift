import ContractCore
import Testing

@testable import Recordings

/// Elapsed times are read by Clinger's fast path: the result must be the double `Double(_:)` reads.
@Suite struct ShortDecimalTests {
    private func read(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { JSONDocument.shortDecimal($0) }
    }

    @Test func decimalsOfUpToFifteenDigitsAreReadAsDoubleReadsThem() {
        var random = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "0.0", "-0.0", "208.6", "0.1", "0.3", "999999999999999", "0.00000000000001", "12.34"]
        for _ in 0..<20_000 {
            let digits = (0..<Int.random(in: 1...15, using: &random)).map { _ in
                String(Int.random(in: 0...9, using: &random))
            }
            var text = digits.joined()
            while text.count > 1 && text.hasPrefix("0") { text.removeFirst() }
            let point = Int.random(in: 0...text.count, using: &random)
            if point > 0 && point < text.count {
                text.insert(".", at: text.index(text.startIndex, offsetBy: point))
            }
            texts.append(Bool.random(using: &random) ? "-" + text : text)
        }
        for text in texts {
            #expect(read(text).map { $0.bitPattern } == Double(text)?.bitPattern, "\(text)")
        }
    }

    @Test func otherNumbersAreLeftToTheFullReader() {
        for text in [
            "1e3", "1.5E-2", "1234567890123456", "0.123456789012345", "0.000000000000001", "", "-", "1.2.3", "abc",
        ] {
            #expect(read(text) == nil, "\(text)")
        }
    }
}
