import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

/// Thousands of random cuts and byte flips over real and rendered pages: the parser never crashes, and every
/// outcome is a full receipt, a clear error or a non-receipt classification — never an empty receipt.
@Suite("Mutated and truncated pages")
struct MutationTests {


    enum Mutation: String, CaseIterable {
        case truncate, flipBytes, deleteChunk, duplicateChunk, insertMarkup
    }

    static func mutate(_ page: [UInt8], _ mutation: Mutation, _ random: inout SplitMix64) -> [UInt8] {
        var bytes = page
        switch mutation {
        case .truncate:
            bytes.removeSubrange(random.below(bytes.count)...)
        case .flipBytes:
            for _ in 0..<(1 + random.below(8)) {
                bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            }
        case .deleteChunk:
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(400)))
        case .duplicateChunk:
            let start = random.below(bytes.count)
            let chunk = bytes[start..<min(bytes.count, start + 1 + random.below(400))]
            bytes.insert(contentsOf: chunk, at: random.below(bytes.count))
        case .insertMarkup:
            let snippets = ["<tr>", "</td>", "<table>", "</table>", "<!--", "-->", "<b>", "<td>Jami to`lov:</td>", "&", "<script>", "\u{0}"]
            let snippet = Array(snippets[random.below(snippets.count)].utf8)
            bytes.insert(contentsOf: snippet, at: random.below(bytes.count))
        }
        return bytes
    }

    /// Checks one mutated page; returns the outcome's name for the tally.
    static func check(_ bytes: [UInt8], label: String) -> String {
        let state = ReceiptPageParser.classify(html: bytes)
        #expect(Agreement.disagreement(bytes) == nil, "\(label)")
        do {
            let parsed = try ReceiptPageParser.parse(html: bytes)
            #expect(state == .receipt, "\(label)")
            #expect(!parsed.receipt.items.isEmpty, "\(label)")
            #expect(!parsed.receipt.terminalID.isEmpty && !parsed.receipt.receiptNumber.isEmpty, "\(label)")
            return "receipt"
        } catch {
            #expect(error.state == state, "\(label): \(error)")
            #expect(!error.description.isEmpty)
            return "error-\(error.state.rawValue)"
        }
    }

    static func pages() throws -> [(String, [UInt8])] {
        let epi = SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: Fixture.spec(seed: 11)))
        let crafted = SandboxReceipts.legacyPage(RoundTripTests.crafted[3].1)
        return [("real", try Fixture.realPage), ("epi", Array(epi.utf8)), ("hostile", Array(crafted.utf8))]
    }

    @Test("random mutations never crash and always end in a receipt, an error or a classification",
          arguments: Mutation.allCases)
    func mutations(_ mutation: Mutation) throws {
        var random = SplitMix64(seed: 0xF15C_A1 &+ UInt64(Mutation.allCases.firstIndex(of: mutation) ?? 0))
        var tally: [String: Int] = [:]
        for (name, page) in try Self.pages() {
            for round in 0..<220 {
                let mutated = Self.mutate(page, mutation, &random)
                tally[Self.check(mutated, label: "\(name) \(mutation) #\(round)"), default: 0] += 1
            }
        }
        // Both outcomes occur for every kind of damage: a parser that refused every damaged page, or accepted
        // every one (a cut before the receipt table included), fails here; every page of each kind also checked the
        // streaming extractor against the tree one.
        #expect(tally["receipt", default: 0] > 0, "\(tally)")
        #expect(tally.keys.contains { $0.hasPrefix("error-") }, "\(tally)")
    }

    @Test("every truncation point of the real page's receipt block either parses fully or fails clearly")
    func truncationSweep() throws {
        let page = try Fixture.realPage
        let full = try ReceiptPageParser.parse(html: page).receipt
        var parsedCount = 0
        var cut = 5_000
        while cut < page.count {
            let bytes = Array(page[..<cut])
            if let parsed = try? ReceiptPageParser.parse(html: bytes) {
                parsedCount += 1
                // A truncated page that still parses must carry the whole receipt: the end of the receipt table is
                // before the cut.
                #expect(parsed.receipt == full, "cut at \(cut)")
            }
            cut += 97
        }
        #expect(parsedCount > 0)
    }

    @Test("JSON payloads survive cuts and flips")
    func jsonMutations() {
        var random = SplitMix64(seed: 42)
        let payload = SandboxReceipts.apiPayload(RoundTripTests.crafted[0].1)
        for round in 0..<1_000 {
            let mutation: Mutation = round % 2 == 0 ? .truncate : .flipBytes
            let bytes = Self.mutate(payload, mutation, &random)
            let state = ReceiptJSONParser.classify(json: bytes)
            do {
                let parsed = try ReceiptJSONParser.parse(json: bytes)
                #expect(state == .receipt)
                #expect(!parsed.receipt.items.isEmpty)
            } catch {
                #expect(error.state == state || (error.state == .unrecognized && state == .spaShell), "#\(round): \(error)")
            }
        }
    }
}

extension SplitMix64 {
    /// An index in `0..<bound`.
    fileprivate mutating func below(_ bound: Int) -> Int { Int(below(Int64(bound))) }
}
