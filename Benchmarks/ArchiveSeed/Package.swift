// swift-tools-version:6.0
import PackageDescription

// Writes an archive holding one month of N events through the archive's own bulk API (not through the gateway),
// for the end-to-end report benchmark (`scripts/bench-reports.sh`). Build it in release mode:
// `swift build -c release` (from this folder), then `.build/release/ArchiveSeed --help`. `ReportRun` writes one
// report the way `fiscal-archive report` does, for timing without a release build of the whole executable.
let package = Package(
    name: "ArchiveSeed",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fiscal-archive", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ArchiveSeed",
            dependencies: [.product(name: "Reports", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // `report` of one format, as the executable runs it (see Sources/ReportRun/main.swift).
        .executableTarget(
            name: "ReportRun",
            dependencies: [.product(name: "Reports", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
