import Benchmark
import Foundation
import ReceiptParser

/// The real saved `/check` page of the parser's tests.
let realPage: [UInt8] = {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Tests/ReceiptParserTests/Fixtures/check-LG420230644664-84229.html")
    guard let data = FileManager.default.contents(atPath: url.path) else {
        fatalError("fixture not found at \(url.path)")
    }
    return Array(data)
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        maxDuration: .seconds(5),
        maxIterations: 100_000)

    // libxml2's own work: htmlReadMemory + xmlFreeDoc of the same bytes (HTMLDocument adds one Swift object).
    Benchmark("libxml2 htmlReadMemory+xmlFreeDoc (real page)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(HTMLDocument(parsing: realPage))
        }
    }

    // The whole extraction: classification, XPath, labels, items, money, consistency checks.
    Benchmark("ReceiptPageParser.parse (real page)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? ReceiptPageParser.parse(html: realPage))
        }
    }
}
