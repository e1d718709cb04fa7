// swift-tools-version:6.1
import PackageDescription

/// Benchmarks of fiscal-archive, kept apart so the main package does not depend on the benchmark harness.
/// Run with `swift package benchmark` in this folder.
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fiscal-archive", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ReceiptParsing",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ReceiptParser", package: "fiscal-archive"),
            ],
            path: "Benchmarks/ReceiptParsing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
