import Archive
import FiscalCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import WebUI

@Suite("Sign-in sessions and request bodies")
struct SessionTests {
    static let issuedAt: Int64 = 1_790_000_000

    @Test("A session cookie is accepted until its expiry and refused from then on")
    func cookieExpires() {
        let token = AccessToken(Fixture.token)
        let cookie = token.cookieValue(now: Self.issuedAt)
        #expect(token.matchesCookie(cookie, now: Self.issuedAt))
        #expect(token.matchesCookie(cookie, now: Self.issuedAt + AccessToken.sessionLifetime - 1))
        #expect(!token.matchesCookie(cookie, now: Self.issuedAt + AccessToken.sessionLifetime))
        #expect(!token.matchesCookie(cookie, now: Self.issuedAt + 30 * 86_400))
    }

    @Test("A cookie with a moved expiry, another token's cookie, or garbage is refused")
    func cookieForgeries() throws {
        let token = AccessToken(Fixture.token)
        let cookie = token.cookieValue(now: Self.issuedAt)
        let parts = cookie.split(separator: ".")
        try #require(parts.count == 2)
        let later = Self.issuedAt + AccessToken.sessionLifetime + 3600
        // Pushing the expiry forward without the key breaks the MAC.
        #expect(!token.matchesCookie("\(Self.issuedAt + 2 * AccessToken.sessionLifetime).\(parts[1])", now: later))
        // Changing the token ends every session.
        #expect(!AccessToken(Fixture.token + "-rotated").matchesCookie(cookie, now: Self.issuedAt))
        // A cookie issued "in the future" (an expiry beyond a fresh session's) is refused.
        #expect(!token.matchesCookie(token.cookieValue(now: Self.issuedAt + 86_400), now: Self.issuedAt))
        for garbage in ["", ".", "\(parts[1])", "-1.\(parts[1])", "abc.\(parts[1])", "\(parts[0]).", Fixture.token] {
            #expect(!token.matchesCookie(garbage, now: Self.issuedAt), "\(garbage)")
        }
    }

    @Test("Through the server: a signed-in browser is let in, then asked to sign in again once the session expired")
    func sessionEndsOnTheServer() async throws {
        let archive = try await Fixture.archive()
        let clock = TestClock(Fixture.now)
        var configuration = Fixture.configuration(token: Fixture.token)
        configuration.now = { clock.now }
        try await Fixture.application(archive, configuration).test(.router) { client in
            let cookie = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(FormFields.encode(Fixture.token))&next=%2Fstatus")
            ) { response in
                #expect(response.status == .seeOther)
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("Max-Age=\(AccessToken.sessionLifetime)"))
                return try #require(setCookie.split(separator: ";").first.map(String.init))
            }
            try await client.execute(uri: "/status", method: .get, headers: [.cookie: cookie]) {
                #expect($0.status == .ok)
            }
            clock.now = Fixture.now + AccessToken.sessionLifetime
            try await client.execute(uri: "/status", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .unauthorized)
                #expect(response.text.contains("type=\"password\""), "the sign-in form is shown again")
            }
        }
    }

    @Test("A repeated form field or a malformed escape is a 400, not a guess")
    func malformedForms() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            for uri in ["/search?q=1&q=2", "/search?q=%zz", "/api/search?q=%zz", "/api/search?q=a&q=b"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .badRequest, "\(uri)") }
            }
            // `+` is a space, as browsers send it.
            try await client.execute(uri: "/search?q=Rizq+Baraka", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("value=\"Rizq Baraka\""))
            }
        }
    }

    /// A body that fails halfway, as when the client disconnects.
    struct BrokenBody: AsyncSequence, Sendable {
        struct Broken: Error {}
        struct AsyncIterator: AsyncIteratorProtocol {
            var sent = false
            mutating func next() async throws -> ByteBuffer? {
                if sent { throw Broken() }
                sent = true
                return ByteBuffer(string: "{\"transaction_id\": 1")
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
    }

    @Test("A body cut off by the client is a 400; only a body over the limit is a 413")
    func bodyErrors() async throws {
        let head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/api/transactions")
        let cut = Request(head: head, body: RequestBody(asyncSequence: BrokenBody()))
        let cutError = await #expect(throws: WebError.self) { _ = try await cut.collectBody(limit: 1024) }
        #expect(cutError?.status == .badRequest)
        let large = Request(head: head, body: RequestBody(buffer: ByteBuffer(repeating: 0x20, count: 2048)))
        let largeError = await #expect(throws: WebError.self) { _ = try await large.collectBody(limit: 1024) }
        #expect(largeError?.status == .contentTooLarge)
        let fine = Request(head: head, body: RequestBody(buffer: ByteBuffer(string: "{}")))
        #expect(try await fine.collectBody(limit: 1024) == Array("{}".utf8))
    }
}

/// A clock a test moves forward.
final class TestClock: Sendable {
    private let seconds: Atomic<Int64>
    init(_ start: Int64) { seconds = Atomic(start) }
    var now: Int64 {
        get { seconds.load(ordering: .sequentiallyConsistent) }
        set { seconds.store(newValue, ordering: .sequentiallyConsistent) }
    }
}
