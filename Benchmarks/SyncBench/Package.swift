// swift-tools-version:6.0
import PackageDescription

// Ingest (parse + compress + archive) and sync-throughput-vs-concurrency benchmark.
// Run it in release mode: `swift run -c release SyncBench` (from this folder).
let package = Package(
    name: "SyncBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fiscal-archive", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "SyncBench",
            dependencies: [.product(name: "FiscalArchiveKit", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
