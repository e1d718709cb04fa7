import Benchmark
import Foundation
import ReceiptParser

/// The real saved `/check` page of the parser's tests (61.4 KB).
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

/// Pages per iteration: enough work per sample that the harness's own overhead stays out of the numbers.
let pagesPerIteration = 10

/// Bytes per iteration, for MB/s: `throughput` counts iterations, so MB/s = throughput × this / 1e6.
let bytesPerIteration = realPage.count * pagesPerIteration

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal, .instructions],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 100_000)

    // All four in the same run, same page, same process: the floors are libxml2 alone.
    Benchmark("1 DOM floor: htmlReadMemory+xmlFreeDoc (×\(pagesPerIteration) pages)") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<pagesPerIteration { blackHole(LibXML2Floor.tree(html: realPage)) }
        }
    }

    Benchmark("2 SAX floor: no-op handlers (×\(pagesPerIteration) pages)") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<pagesPerIteration { blackHole(LibXML2Floor.sax(html: realPage)) }
        }
    }

    Benchmark("3 DOM parser: ReceiptPageParser.parse(extractor: .tree) (×\(pagesPerIteration) pages)") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<pagesPerIteration { blackHole(try? ReceiptPageParser.parse(html: realPage, extractor: .tree)) }
        }
    }

    Benchmark("4 streaming parser: ReceiptPageParser.parse (×\(pagesPerIteration) pages)") { benchmark in
        for _ in benchmark.scaledIterations {
            for _ in 0..<pagesPerIteration { blackHole(try? ReceiptPageParser.parse(html: realPage)) }
        }
    }
}
