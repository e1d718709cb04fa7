import Archive
import AsyncHTTPClient
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebUI

@Suite("Live server")
struct LiveServerTests {
    @Test("Over a real loopback port: pages, token, ingest and headers")
    func live() async throws {
        let archive = try await Fixture.archive()
        let app = try buildWebApplication(
            archive: archive, configuration: Fixture.configuration(token: Fixture.token), logger: Fixture.logger)
        try await app.test(.live) { client in
            #expect(client.port != nil && client.port != 0)
            try await client.execute(uri: "/receipts/11424156", method: .get) { response in
                #expect(response.status == .unauthorized)
                expectSecurityHeaders(response)
            }
            let auth: HTTPFields = [.authorization: "Bearer \(Fixture.token)"]
            try await client.execute(uri: "/receipts/11424156", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!response.text.contains("<script"))
                expectSecurityHeaders(response)
            }
            try await client.execute(uri: "/receipts/11424156/original", method: .get, headers: auth) { response in
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("sandbox;") == true)
            }
            var headers = auth
            headers[.contentType] = "application/json"
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: headers,
                body: ByteBuffer(string: #"[{"transaction_id": 31, "type": "p2p"}]"#)
            ) { #expect($0.status == .created) }
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: 70 * 1024)
            try await client.execute(uri: "/api/transactions", method: .post, headers: headers, body: big) {
                #expect($0.status == .contentTooLarge)
            }
        }
        await #expect(try archive.transaction(31)?.type == .p2p)
    }

    /// For looking at the pages in a browser: `WEBUI_SERVE_SECONDS=120 WEBUI_PORT=8099 swift test --filter serveForScreenshots`
    /// keeps a server with the fixture archive (token-less, loopback) up for that long.
    @Test(
        "Serve the fixture archive for screenshots",
        .enabled(if: ProcessInfo.processInfo.environment["WEBUI_SERVE_SECONDS"] != nil))
    func serveForScreenshots() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = Int(environment["WEBUI_SERVE_SECONDS"] ?? "") ?? 60
        let port = Int(environment["WEBUI_PORT"] ?? "") ?? 8099
        let archive = try await Fixture.archive()
        var configuration = Fixture.configuration()
        configuration.port = port
        let app = try buildWebApplication(archive: archive, configuration: configuration, logger: Fixture.logger)
        // Run the application itself (the testing frameworks bind port 0), then stop it by cancellation.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            try await Task.sleep(for: .seconds(seconds))
            group.cancelAll()
        }
    }
}
