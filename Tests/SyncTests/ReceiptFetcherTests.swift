import AsyncHTTPClient
import FiscalCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ReceiptFetcher
import ReceiptParser
import Sandbox
import Testing

/// A loopback receipt site with the answers the fetcher must handle.
private struct Site {
    let port: Int
    let task: Task<Void, any Error>

    static let receipt = SandboxReceipts.receipt(
        for: SandboxReceiptSpec(
            kind: .sale, terminalID: "EP000000000058", receiptNumber: "1020387", fiscalSign: "088681055845",
            issuedAt: Tashkent.LocalDateTime(year: 2026, month: 10, day: 4, hour: 11, minute: 4, second: 37),
            total: Money(minorUnits: 15_000_000, currency: .uzs), seed: 7, commissionerTIN: "310995649"))
    static let page = SandboxReceipts.legacyPage(receipt)

    static func start() async throws -> Site {
        let router = Router()
        router.get("/epi") { _, _ in Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page))) }
        router.get("/shell") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: SandboxReceipts.spaShell))) }
        router.get("/missing") { _, _ in Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: SandboxReceipts.notFoundPage))) }
        router.get("/inside") { _, _ in Response(status: .found, headers: [.location: "/epi?t=EP000000000058&r=1020387&c=20261004110437&s=088681055845"]) }
        router.get("/outside") { _, _ in Response(status: .found, headers: [.location: "http://127.0.0.2:1/epi"]) }
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("/big") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "a"), count: 300_000))) }
        router.get("/limited") { _, _ in Response(status: .tooManyRequests, headers: [.retryAfter: "7"]) }
        router.get("/broken") { _, _ in Response(status: .badGateway) }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "site"))
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return Site(port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

@Suite("Receipt downloads: allowlist, redirects, caps, classification")
struct ReceiptFetcherTests {
    private func withFetcher(
        maxBytes: Int = 200_000, _ body: (ReceiptFetcher, String) async throws -> Void
    ) async throws {
        let site = try await Site.start()
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        let fetcher = ReceiptFetcher(
            configuration: .init(
                allowlist: HostAllowlist([.init(host: "127.0.0.1", port: site.port)]), maxBytes: maxBytes,
                timeout: .seconds(5), requestsPerSecond: 0),
            httpClient: client, logger: Logger(label: "fetcher"))
        do {
            try await body(fetcher, "http://127.0.0.1:\(site.port)")
        } catch {
            try? await client.shutdown()
            await site.stop()
            throw error
        }
        try await client.shutdown()
        await site.stop()
    }

    private func failure(_ body: () async throws -> FetchedReceipt) async -> FetchError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? FetchError
        }
    }

    @Test("allowlist entries: a bare host means https only; host:port allows http to that port only")
    func allowlist() throws {
        let list = try HostAllowlist(parsing: "ofd.soliq.uz, 127.0.0.1:9000")
        #expect(list.allows(URL(string: "https://ofd.soliq.uz/epi?t=1")!))
        #expect(list.allows(URL(string: "https://OFD.SOLIQ.UZ:443/epi")!))
        #expect(!list.allows(URL(string: "http://ofd.soliq.uz/epi")!))
        #expect(!list.allows(URL(string: "https://ofd.soliq.uz.evil.com/epi")!))
        #expect(!list.allows(URL(string: "https://user@ofd.soliq.uz/epi")!))
        #expect(list.allows(URL(string: "http://127.0.0.1:9000/epi")!))
        #expect(!list.allows(URL(string: "http://127.0.0.1:9001/epi")!))
        #expect(!list.allows(URL(string: "http://127.0.0.1/epi")!))
        #expect(throws: FetchError.self) { try HostAllowlist(parsing: "ofd.soliq.uz/path") }
        #expect(throws: FetchError.self) { try HostAllowlist(parsing: "host:99999") }
    }

    @Test("a receipt page is downloaded byte-exact and classified; redirects inside the allowlist are followed")
    func downloads() async throws {
        try await withFetcher { fetcher, base in
            let direct = try await fetcher.fetch("\(base)/epi?t=EP000000000058&r=1020387&c=20261004110437&s=088681055845")
            #expect(direct.state == .receipt)
            #expect(direct.bytes == Array(Site.page.utf8))
            #expect(direct.httpStatus == 200)
            #expect(direct.contentType == "text/html; charset=utf-8")
            let redirected = try await fetcher.fetch("\(base)/inside")
            #expect(redirected.state == .receipt)
            #expect(redirected.url == "\(base)/inside")
        }
    }

    @Test("shells, not-found pages and 404s are classified, never taken for receipts")
    func states() async throws {
        try await withFetcher { fetcher, base in
            #expect(try await fetcher.fetch("\(base)/shell").state == .spaShell)
            let missing = try await fetcher.fetch("\(base)/missing")
            #expect(missing.state == .notFound)
            #expect(missing.httpStatus == 404)
        }
    }

    @Test("foreign hosts, redirects out of the allowlist, loops and oversized bodies are refused")
    func refusals() async throws {
        try await withFetcher(maxBytes: 200_000) { fetcher, base in
            #expect(await failure { try await fetcher.fetch("https://evil.example.com/epi?t=1") }?.kind == .hostNotAllowed)
            #expect(await failure { try await fetcher.fetch("\(base)/outside") }?.kind == .badRedirect)
            #expect(await failure { try await fetcher.fetch("\(base)/loop") }?.kind == .badRedirect)
            let big = await failure { try await fetcher.fetch("\(base)/big") }
            #expect(big?.kind == .tooLarge)
            #expect(big?.isTransient == false)
            #expect(await failure { try await fetcher.fetch("not a url") }?.kind == .badURL)
        }
    }

    @Test("429 carries Retry-After; 5xx is transient")
    func transient() async throws {
        try await withFetcher { fetcher, base in
            let limited = await failure { try await fetcher.fetch("\(base)/limited") }
            #expect(limited?.kind == .rateLimited)
            #expect(limited?.retryAfter == 7)
            #expect(limited?.isTransient == true)
            let broken = await failure { try await fetcher.fetch("\(base)/broken") }
            #expect(broken?.kind == .serverError)
            #expect(broken?.isTransient == true)
        }
    }
}
