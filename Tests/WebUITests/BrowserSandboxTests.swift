import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebUI

/// Counts requests that reach the beacon server.
actor BeaconHits {
    private(set) var paths: [String] = []
    func record(_ path: String) { paths.append(path) }
    func reset() { paths = [] }
}

/// A hostile original opened in a real browser (headless Chromium, when installed): nothing in it may run or load.
@Suite("Real browser")
struct BrowserSandboxTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static func hostilePage(beacon: Int) -> String {
        let base = "http://127.0.0.1:\(beacon)"
        return """
            <!DOCTYPE html><html><head><title>OFD</title>
            <script>document.title='pwned'; fetch('\(base)/fetch'); new Image().src='\(base)/script-img';</script>
            <link rel="stylesheet" href="\(base)/css"><base href="\(base)/base/">
            </head><body><h1>Savdo cheki</h1>
            <img src="\(base)/img" onerror="document.title='pwned-onerror'">
            <iframe src="\(base)/frame"></iframe><object data="\(base)/object"></object>
            <p style="background:url(\(base)/bg)">Jami to`lov: 853,374.00</p>
            <form action="\(base)/form" method="post"><input name="x" value="y" autofocus onfocus="this.form.submit()"></form>
            </body></html>
            """
    }

    /// Runs Chromium headless with `arguments` and returns what it printed.
    static func runChromium(_ arguments: [String]) async throws -> String {
        let browser = try #require(chromium)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: profile)
            try? FileManager.default.removeItem(at: output)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments =
            ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000"]
            + arguments
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try handle.close()
        return String(decoding: try Data(contentsOf: output), as: UTF8.self)
    }

    @Test("The sandboxed original neither runs scripts nor loads anything", .enabled(if: chromium != nil))
    func sandboxHolds() async throws {
        let hits = BeaconHits()
        let beaconRouter = Router()
        beaconRouter.get("**") { request, _ in
            await hits.record(request.uri.path)
            return "beacon"
        }
        beaconRouter.post("**") { request, _ in
            await hits.record(request.uri.path)
            return "beacon"
        }
        let beacon = Application(
            router: beaconRouter, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await beacon.test(.live) { beaconClient in
            let beaconPort = try #require(beaconClient.port)
            let page = Self.hostilePage(beacon: beaconPort)

            // Control: the same page opened unprotected does run and load, so the beacon would see a breach.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).html")
            try Data(page.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            _ = try await Self.runChromium(["--dump-dom", file.absoluteString])
            #expect(await !hits.paths.isEmpty, "the control page should reach the beacon")
            await hits.reset()

            let archive = try SQLiteArchiveStore.temporary()
            let id: TransactionID = 42
            _ = try await archive.track([TrackRequest(id: id, type: .payment)], now: Fixture.now)
            let url = "https://ofd.soliq.uz/epi?t=EP1&r=1&c=20260329185800&s=1"
            // A page that never parsed: stored, the transaction failed at parsing (what the sync does with it).
            try await TripFixture.fail(
                archive, id,
                payment: PaymentSnapshot(amount: Fixture.money("853374.00"), status: .completed, date: Fixture.paidAt),
                original: OriginalDocument(
                    bytes: Array(page.utf8), url: url, httpStatus: 200, contentType: "text/html", fetchedAt: Fixture.now,
                    format: .html),
                reason: "not a receipt page", now: Fixture.now)

            try await Fixture.application(archive, Fixture.configuration()).test(.live) { client in
                let port = try #require(client.port)
                let originalDOM = try await Self.runChromium(
                    ["--dump-dom", "http://127.0.0.1:\(port)/receipts/42/original"])
                #expect(originalDOM.contains("<title>OFD</title>"), "\(originalDOM.prefix(300))")
                #expect(!originalDOM.contains("pwned</title>"))
                let receiptDOM = try await Self.runChromium(["--dump-dom", "http://127.0.0.1:\(port)/receipts/42"])
                #expect(receiptDOM.contains("<iframe class=\"original-frame\" sandbox"))
                _ = try await Self.runChromium([
                    "--screenshot=\(FileManager.default.temporaryDirectory.path)/webui-sandbox-\(UUID().uuidString).png",
                    "--window-size=1280,1600", "http://127.0.0.1:\(port)/receipts/42",
                ])
            }
            let breaches = await hits.paths
            #expect(breaches.isEmpty, "the sandboxed original reached the network: \(breaches)")
        }
    }
}
