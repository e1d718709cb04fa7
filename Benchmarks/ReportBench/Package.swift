// swift-tools-version:6.0
import PackageDescription

// Report generation benchmark: wall time and peak RSS for a month of 100,000 and 1,000,000 synthetic events.
// Run it in release mode: `swift run -c release ReportBench` (from this folder).
let package = Package(
    name: "ReportBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fiscal-archive", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ReportBench",
            dependencies: [.product(name: "Reports", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
