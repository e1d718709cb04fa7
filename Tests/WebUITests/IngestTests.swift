import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import WebUI

@Suite("Ingest API")
struct IngestTests {
    static let json: HTTPFields = [
        .authorization: "Bearer \(Fixture.token)", .contentType: "application/json",
    ]

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("Without a configured token the ingest API is disabled and tracks nothing")
    func disabledWithoutToken() async throws {
        let archive = try SQLiteArchiveStore.temporary()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            for headers: HTTPFields in [[.contentType: "application/json"], Self.json] {
                try await client.execute(
                    uri: "/api/transactions", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"transaction_id": 11424156, "type": "payment"}"#)
                ) { response in
                    #expect(response.status == .forbidden)
                    let object = try Self.object(response)
                    #expect(object["error"] as? String == "ingest disabled: no token configured")
                    expectSecurityHeaders(response)
                }
            }
        }
        await #expect(try archive.transaction(11_424_156) == nil)
        await #expect(try archive.status(now: Fixture.now).total == 0)
    }

    @Test("A wrong or missing token tracks nothing")
    func wrongToken() async throws {
        let archive = try SQLiteArchiveStore.temporary()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            for headers: HTTPFields in [
                [.contentType: "application/json"],
                [.contentType: "application/json", .authorization: "Bearer not-the-token-at-all"],
            ] {
                try await client.execute(
                    uri: "/api/transactions", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"transaction_id": 11424156, "type": "payment"}"#)
                ) { #expect($0.status == .unauthorized) }
            }
        }
        await #expect(try archive.transaction(11_424_156) == nil)
    }

    @Test("One object or a list is tracked; known ids are counted, not duplicated")
    func tracks() async throws {
        let archive = try SQLiteArchiveStore.temporary()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"{"transaction_id": 11424156, "type": "payment", "vendor_order_id": "A-1"}"#)
            ) { response in
                #expect(response.status == .created)
                let object = try Self.object(response)
                #expect(object["added"] as? Int == 1)
                #expect(object["already_known"] as? Int == 0)
            }
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"[{"transaction_id": 11424156, "type": "payment"}, {"transaction_id": "11424160", "type": "p2p"}]"#)
            ) { response in
                #expect(response.status == .created)
                let object = try Self.object(response)
                #expect(object["added"] as? Int == 1)
                #expect(object["already_known"] as? Int == 1)
            }
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: Self.json,
                body: ByteBuffer(string: #"[{"transaction_id": 11424160, "type": "p2p"}]"#)
            ) { #expect($0.status == .ok) }
        }
        let record = try await #require(try archive.transaction(11_424_156))
        #expect(record.type == .payment)
        #expect(record.vendorOrderID == "A-1")
        await #expect(try archive.transaction(11_424_160)?.type == .p2p)
    }

    static let badBodies: [(String, String, Int?)] = [
        ("not json", "not valid JSON", nil),
        ("", "empty", nil),
        ("[]", "empty", nil),
        ("42", "JSON object or an array", nil),
        (#"{"transaction_id": 1, "type": "payment""#, "not valid JSON", nil),
        (#"{"type": "payment"}"#, "transaction_id is missing", nil),
        (#"{"transaction_id": true, "type": "payment"}"#, "positive integer", nil),
        (#"{"transaction_id": 1.5, "type": "payment"}"#, "positive integer", nil),
        (#"{"transaction_id": -3, "type": "payment"}"#, "positive integer", nil),
        (#"{"transaction_id": "12ab", "type": "payment"}"#, "positive integer", nil),
        (#"{"transaction_id": 99999999999999999999999, "type": "payment"}"#, "positive integer", nil),
        (#"{"transaction_id": 5, "type": "refund"}"#, "payment", nil),
        (#"{"transaction_id": 5, "type": 1}"#, "payment", nil),
        (#"{"transaction_id": 5, "type": "payment", "vendor_order_id": ["x"]}"#, "vendor_order_id", nil),
        (#"{"transaction_id": 5, "type": "payment", "amount": 100}"#, "unknown field \"amount\"", nil),
        (#"[{"transaction_id": 5, "type": "payment"}, {"transaction_id": 6, "type": "payment"}, {"transaction_id": 7}]"#, "element 2: type is missing", 2),
        (#"[{"transaction_id": 5, "type": "payment"}, "x"]"#, "element 1: not a JSON object", 1),
        (#"[{"transaction_id": 5, "type": "payment"}, {"transaction_id": 5, "type": "p2p"}]"#, "element 1", 1),
    ]

    @Test("Malformed bodies and wrong types get 400 naming the problem, and track nothing", arguments: badBodies)
    func rejects(body: String, reason: String, index: Int?) async throws {
        let archive = try SQLiteArchiveStore.temporary()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            try await client.execute(
                uri: "/api/transactions", method: .post, headers: Self.json, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let object = try Self.object(response)
                let message = object["error"] as? String ?? ""
                #expect(message.contains(reason), "\(message)")
                #expect(object["index"] as? Int == index)
                expectSecurityHeaders(response)
            }
        }
        await #expect(try archive.status(now: Fixture.now).total == 0)
        await #expect(try archive.transaction(5) == nil)
    }

    @Test("A body that is not declared as JSON gets 415")
    func contentType() async throws {
        let archive = try SQLiteArchiveStore.temporary()
        try await Fixture.application(archive, Fixture.configuration(token: Fixture.token)).test(.router) { client in
            try await client.execute(
                uri: "/api/transactions", method: .post,
                headers: [.authorization: "Bearer \(Fixture.token)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: #"{"transaction_id": 5, "type": "payment"}"#)
            ) { #expect($0.status == .unsupportedMediaType) }
        }
        await #expect(try archive.transaction(5) == nil)
    }

    @Test("The receipt API gives the parsed receipt with two-decimal amounts")
    func receiptJSON() async throws {
        let archive = try await Fixture.archive()
        try await Fixture.application(archive, Fixture.configuration()).test(.router) { client in
            try await client.execute(uri: "/api/receipts/11424156", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(!response.text.contains("<script"), "JSON escapes < as \\u003c")
                let object = try Self.object(response)
                #expect(object["transactionId"] as? Int == 11_424_156)
                #expect(object["fiscalSign"] as? String == Fixture.fiscalSign)
                #expect(object["total"] as? String == "853374.00")
                #expect(object["vatTotal"] as? String == "89828.54")
                #expect(object["issuedAt"] as? String == "2026-03-29T18:58:00+05:00")
                let seller = try #require(object["seller"] as? [String: Any])
                #expect(seller["name"] as? String == Fixture.hostileSeller)
                let items = try #require(object["items"] as? [[String: Any]])
                #expect(items.first?["name"] as? String == Fixture.hostileItem)
                #expect(items.first?["lineTotal"] as? String == "76000.00")
                #expect(items.first?["quantity"] as? String == "2")
                let original = try #require(object["original"] as? [String: Any])
                #expect(original["intact"] as? Bool == true)
            }
            try await client.execute(uri: "/api/receipts/11424158", method: .get) { response in
                #expect(response.status == .notFound)
                let object = try Self.object(response)
                #expect(object["error"] != nil)
            }
        }
    }
}
