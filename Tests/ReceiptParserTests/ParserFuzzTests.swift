import FiscalCore
import Foundation
import Testing

@testable import ReceiptParser

/// The parser's fuzz run over mutated real pages. By default a short run (part of every test run); the long run is
/// `scripts/fuzz-parser.sh`, which sets `PARSER_FUZZ_ITERATIONS` and `PARSER_FUZZ_SEED` and watches for crashes and
/// hangs from outside. Failing pages are written to `PARSER_FUZZ_OUT` when set.
///
/// Every page must end in a documented outcome: a receipt whose JSON line is valid JSON, or a ``ReceiptParseError``
/// whose state is one of ``PageState`` with a non-empty reason (and a field when the state is `.receipt`); and the
/// streaming and tree extractors must agree.
@Suite("Parser fuzz run")
struct ParserFuzzTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["PARSER_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 200
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PARSER_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1_400
    }

    /// A problem with one page's outcome, or `nil` when it is a documented one.
    static func problem(_ page: [UInt8]) -> String? {
        if let disagreement = Agreement.disagreement(page) { return "extractors disagree: \(disagreement)" }
        do {
            let parsed = try ReceiptPageParser.parse(html: page)
            let line = ReceiptJSONFormat.line(file: "f", state: .receipt, parsed: parsed)
            guard (try? ExactJSON(parsing: line)) != nil else { return "invalid JSON line: \(line.prefix(200))" }
            guard !parsed.receipt.items.isEmpty, !parsed.receipt.terminalID.isEmpty else { return "empty receipt parsed" }
        } catch {
            guard PageState.allCases.contains(error.state), !error.reason.isEmpty else { return "undocumented error \(error)" }
            if error.state == .receipt, error.field == nil { return "receipt error without a field: \(error)" }
        }
        return nil
    }

    @Test("mutated real pages end in documented outcomes, both extractors agreeing")
    func run() throws {
        let seeds = try PageMutator.seeds()
        var random = SplitMix64(seed: Self.seed)
        let output = ProcessInfo.processInfo.environment["PARSER_FUZZ_OUT"]
        var outcomes: [String: Int] = [:]
        for round in 0..<Self.iterations {
            let page = PageMutator.mutate(seeds[round % seeds.count], random: &random, maxEdits: 1 + round % 8)
            if let problem = Self.problem(page) {
                Issue.record("seed \(Self.seed) round \(round): \(problem)")
                if let output {
                    let url = URL(fileURLWithPath: output).appendingPathComponent("fuzz-\(Self.seed)-\(round).html")
                    try? Data(page).write(to: url)
                }
            }
            let key: String
            do {
                _ = try ReceiptPageParser.parse(html: page)
                key = "receipt"
            } catch {
                key = "\(error.state.rawValue)/\(error.field ?? "-")"
            }
            outcomes[key, default: 0] += 1
        }
        if output != nil {
            print("fuzz outcomes (seed \(Self.seed), \(Self.iterations) pages):",
                  outcomes.sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
    }
}
