import Archive
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebUI

@Suite("Security")
struct SecurityTests {
    static let protectedRoutes = [
        "/", "/search?q=11424156", "/receipts/11424156", "/receipts/11424156/original", "/months",
        "/months/2026-03.csv", "/status", "/api/receipts/11424156", "/api/search?q=11424156", "/nowhere",
    ]

    @Test("With a token set, requests without it or with a wrong one are refused with 401")
    func unauthenticatedRefused() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            for uri in Self.protectedRoutes {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri) without a token")
                    #expect(!response.text.contains(Fixture.fiscalSign))
                    expectSecurityHeaders(response)
                }
                let wrong: [HTTPFields] = [
                    [.authorization: "Bearer \(Fixture.token)x"], [.authorization: "Bearer "],
                    [.authorization: "Basic \(Fixture.token)"], [.authorization: Fixture.token],
                    [.cookie: "\(AccessToken.cookieName)=\(Fixture.token)"],
                    [.cookie: "\(AccessToken.cookieName)=0000"],
                ]
                for headers in wrong {
                    try await client.execute(uri: uri, method: .get, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(uri) with \(headers)")
                    }
                }
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(Fixture.token)"]) {
                    #expect($0.status != .unauthorized, "\(uri) with the token")
                }
            }
        }
    }

    @Test("Signing in sets an HttpOnly SameSite=Strict cookie that opens the pages")
    func loginCookie() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("type=\"password\""))
                expectSecurityHeaders(response)
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=wrong-token-wrong-token&next=%2Fstatus")
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            let cookie = try await client.execute(
                uri: "/login", method: .post, headers: form,
                body: ByteBuffer(string: "token=\(FormFields.encode(Fixture.token))&next=%2Fstatus")
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/status")
                let setCookie = try #require(response.headers[.setCookie])
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Strict"))
                #expect(!setCookie.contains(Fixture.token), "the cookie must not carry the token itself")
                return try #require(setCookie.split(separator: ";").first.map(String.init))
            }
            try await client.execute(uri: "/receipts/11424156", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(response.text.contains("Sign out"))
            }
            // The cookie does not open the ingest API: only the bearer token does.
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: [.cookie: cookie, .contentType: "application/json"],
                body: ByteBuffer(string: #"{"transaction_id": 777, "type": "payment"}"#)
            ) { #expect($0.status == .unauthorized) }
            await #expect(try archive.transaction(777) == nil)
        }
    }

    @Test("Security headers are on every response, errors included")
    func headersEverywhere() async throws {
        let archive = try await Fixture.archive()
        let long = String(repeating: "a", count: 3000)
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            let requests: [(String, HTTPRequest.Method, HTTPResponse.Status)] = [
                ("/", .get, .ok), ("/nowhere", .get, .notFound), ("/receipts/abc", .get, .notFound),
                ("/search?q=\(long)", .get, .uriTooLong), ("/search?from=x", .get, .badRequest),
                ("/api/transactions", .post, .forbidden), ("/api/receipts/1", .get, .notFound),
                ("/status", .post, .notFound), ("/login", .get, .seeOther),
            ]
            for (uri, method, status) in requests {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == status, "\(method) \(uri.prefix(40))")
                    expectSecurityHeaders(response)
                    #expect(!response.text.contains("/tmp/"), "a path leaked")
                    #expect(!response.text.contains("Sources/"), "a source path leaked")
                }
            }
        }
    }

    @Test("Oversized query strings get 414, oversized bodies 413")
    func limits() async throws {
        let archive = try await Fixture.archive()
        let configuration = Fixture.configuration(token: Fixture.token, maxBodyBytes: 1024)
        try await Fixture.application(archive, configuration).test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(Fixture.token)", .contentType: "application/json"]
            try await client.execute(uri: "/search?q=" + String(repeating: "x", count: 2100), method: .get, headers: auth) {
                #expect($0.status == .uriTooLong)
            }
            try await client.execute(uri: "/api/search?q=" + String(repeating: "x", count: 2100), method: .get, headers: auth) {
                #expect($0.status == .uriTooLong)
                #expect($0.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            let many = (1...200).map { #"{"transaction_id": \#(900_000 + $0), "type": "payment"}"# }
            let body = "[" + many.joined(separator: ",") + "]"
            #expect(body.utf8.count > 1024)
            try await client.execute(uri: "/api/transactions", method: .post, headers: auth, body: ByteBuffer(string: body)) {
                #expect($0.status == .contentTooLarge)
                expectSecurityHeaders($0)
            }
            await #expect(try archive.transaction(900_001) == nil)
        }
    }
}
