import Foundation
import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

/// The real saved page and helpers shared by the suites.
enum Fixture {
    static let realPageName = "check-LG420230644664-84229.html"

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static var realPage: [UInt8] { get throws { try bytes(realPageName) } }

    static func money(_ text: String) -> Money {
        // Test data is literal; a typo should fail loudly.
        try! Money(parsing: text, currency: .uzs)
    }

    /// The link a spec's receipt would carry.
    static func reference(for spec: SandboxReceiptSpec, pageKind: ReceiptReference.PageKind = .epi) -> ReceiptReference {
        ReceiptReference(
            pageKind: pageKind, terminalID: spec.terminalID, receiptNumber: spec.receiptNumber,
            dateTimeCode: ReceiptReference.dateTimeCode(spec.issuedAt), fiscalSign: spec.fiscalSign)
    }

    /// A deterministic spec for a seed: varied totals (with and without tiyin), kinds and times.
    static func spec(seed: UInt64) -> SandboxReceiptSpec {
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func next(_ bound: UInt64) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % bound)
        }
        let totalTiyin: Int64 = switch next(4) {
        case 0: Int64(1 + next(5_000)) * 100  // small, whole so'm
        case 1: Int64(next(2_000_000_000)) + 1  // any amount with tiyin
        case 2: Int64(10_000 + next(1_000_000)) * 100
        default: 85_337_400
        }
        return SandboxReceiptSpec(
            kind: next(5) == 0 ? .refund : .sale, terminalID: "EP0000000005\(10 + next(89))",
            receiptNumber: String(100_000_000 + next(900_000_000)),
            fiscalSign: "0" + String(10_000_000_000 + next(89_999_999_999)),
            issuedAt: Tashkent.LocalDateTime(
                year: 2026, month: 1 + next(12), day: 1 + next(28), hour: next(24), minute: next(60), second: next(60)),
            total: Money(minorUnits: totalTiyin, currency: .uzs), seed: seed, commissionerTIN: "310995649")
    }

    /// The same receipt with another source (HTML and JSON parses differ only there).
    static func withSource(_ receipt: FiscalReceipt, _ source: FiscalReceipt.Source) -> FiscalReceipt {
        var copy = receipt
        copy.source = source
        return copy
    }

    /// Names the first differing field of two receipts, for readable failures.
    static func difference(_ lhs: FiscalReceipt, _ rhs: FiscalReceipt) -> String {
        let left = ReceiptJSONFormat.line(file: "", state: .receipt, parsed: ParsedReceipt(receipt: lhs, warnings: []))
        let right = ReceiptJSONFormat.line(file: "", state: .receipt, parsed: ParsedReceipt(receipt: rhs, warnings: []))
        if left == right { return "equal JSON lines (difference in issuedAt sub-second, quantity scale or source?)" }
        let l = Array(left), r = Array(right)
        let index = zip(l, r).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? min(l.count, r.count)
        let start = max(0, index - 60)
        return "expected …\(String(l[start..<min(l.count, index + 60)]))…\n got …\(String(r[start..<min(r.count, index + 60)]))…"
    }
}
