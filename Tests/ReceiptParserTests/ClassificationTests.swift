import Foundation
import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

@Suite("Page-state classification")
struct ClassificationTests {
    static let pages: [(String, [UInt8], PageState)] = [
        ("SPA shell", Array(SandboxReceipts.spaShell.utf8), .spaShell),
        ("not-found page", Array(SandboxReceipts.notFoundPage.utf8), .notFound),
        ("Yii2 404 page", Array("<html><head><title>Not Found (#404)</title></head><body><h1>Not Found (#404)</h1></body></html>".utf8), .notFound),
        ("Uzbek not-found message", Array("<html><body><div class=\"alert\">Chek topilmadi</div></body></html>".utf8), .notFound),
        ("empty template with a not-found message", Array("<html><body><div class=\"ticket-wrap\"><table><tr><td><div class=\"tickets\"><h3>Chek topilmadi</h3></div></td></tr></table></div></body></html>".utf8), .notFound),
        ("receipt template without data", Array("<html><body><div class=\"ticket-wrap\"><table><tr><td><div class=\"tickets\"><table><tr><td><h3>Savdo cheki/Sotuv</h3></td></tr></table></div></td></tr></table></div></body></html>".utf8), .receipt),
        ("random HTML", Array("<html><body><h1>Welcome</h1><p>Hello, world</p><table><tr><td>a</td><td>b</td></tr></table></body></html>".utf8), .unrecognized),
        ("empty input", [], .unrecognized),
        ("whitespace", Array("   \n\t ".utf8), .unrecognized),
        ("binary garbage", (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }, .unrecognized),
        ("the JSON not-found answer served as a page", SandboxReceipts.apiNotFoundPayload, .notFound),
        ("a JSON receipt served as a page", SandboxReceipts.apiPayload(SandboxReceipts.receipt(for: Fixture.spec(seed: 1))), .unrecognized),
    ]

    @Test("pages", arguments: 0..<pages.count)
    func page(index: Int) {
        let (label, bytes, expected) = Self.pages[index]
        #expect(ReceiptPageParser.classify(html: bytes) == expected, "\(label)")
        do {
            let parsed = try ReceiptPageParser.parse(html: bytes)
            Issue.record("\(label) parsed as a receipt: \(parsed.receipt)")
        } catch {
            #expect(error.state == expected, "\(label): \(error)")
            #expect(!error.description.isEmpty)
        }
    }

    static let payloads: [(String, [UInt8], PageState)] = [
        ("not found", SandboxReceipts.apiNotFoundPayload, .notFound),
        ("data null with success true", Array(#"{"data":null,"message":"x","status":200,"success":true}"#.utf8), .notFound),
        ("success false with data", Array(#"{"data":{"terminalId":"EP1"},"success":false}"#.utf8), .notFound),
        ("no data key", Array(#"{"message":"Successfully","success":true}"#.utf8), .unrecognized),
        ("data is not a receipt", Array(#"{"data":{"foo":1},"success":true}"#.utf8), .unrecognized),
        ("array", Array("[1,2,3]".utf8), .unrecognized),
        ("malformed", Array(#"{"data":{"terminalId":"EP1""#.utf8), .unrecognized),
        ("empty", [], .unrecognized),
        ("HTML", Array(SandboxReceipts.spaShell.utf8), .unrecognized),
        ("deep nesting", Array(String(repeating: "[", count: 100_000).utf8), .unrecognized),
    ]

    @Test("JSON answers", arguments: 0..<payloads.count)
    func payload(index: Int) {
        let (label, bytes, expected) = Self.payloads[index]
        #expect(ReceiptJSONParser.classify(json: bytes) == expected, "\(label)")
        do {
            _ = try ReceiptJSONParser.parse(json: bytes)
            Issue.record("\(label) parsed as a receipt")
        } catch {
            #expect(error.state == expected, "\(label): \(error)")
        }
    }

    @Test("a receipt JSON with a bad field names the field and the key")
    func badField() throws {
        let receipt = SandboxReceipts.receipt(for: Fixture.spec(seed: 3))
        let text = String(decoding: SandboxReceipts.apiPayload(receipt), as: UTF8.self)
            .replacingOccurrences(of: "\"cardTotal\":", with: "\"cardTotal\":\"12,x\",\"ignored\":")
        do {
            _ = try ReceiptJSONParser.parse(json: Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.state == .receipt)
            #expect(error.field == "payment.card")
            #expect(error.location == "data.cardTotal")
        }
    }

    @Test("a receipt page missing its total names the row")
    func missingTotal() throws {
        let page = try Fixture.realPage
        let text = String(decoding: page, as: UTF8.self).replacingOccurrences(of: "Jami to`lov:", with: "Jami:")
        do {
            _ = try ReceiptPageParser.parse(html: Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.state == .receipt)
            #expect(error.field == "total")
            #expect(error.description.contains("Jami to`lov:"))
        }
    }

    @Test("labels match whatever apostrophe, case and spacing the page uses, never a commented-out block")
    func labelVariants() throws {
        let text = String(decoding: try Fixture.realPage, as: UTF8.self)
            .replacingOccurrences(of: "Jami to`lov:", with: "  JAMI  TOʻLOV  ")
            .replacingOccurrences(of: "O'lchov birligi", with: "O’lchov\n birligi")
        let parsed = try ReceiptPageParser.parse(html: Array(text.utf8))
        #expect(parsed.receipt.total == Fixture.money("167,010.00"))
        #expect(parsed.receipt.items[0].unit == "kilogramm")
        #expect(parsed.receipt.fiscalSign == nil)  // only the commented-out "Fiskal belgi" exists
    }

    @Test("item sub-rows are found by label: missing ones are simply absent")
    func missingSubRows() throws {
        var receipt = RoundTripTests.crafted[0].1
        receipt.items[0].barcode = nil
        let html = SandboxReceipts.legacyPage(receipt)
        // Drop every "Shtrix kodi" row: the later rows must still land on their fields.
        var lines = html.components(separatedBy: "\n")
        func block(_ label: String) -> [Range<Int>] {
            lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces) == label }.map { ($0 - 2)..<($0 + 5) }
        }
        for range in block("Shtrix kodi").reversed() { lines.removeSubrange(range) }
        let trimmed = lines.joined(separator: "\n")
        let parsed = try ReceiptPageParser.parse(html: Array(trimmed.utf8))
        #expect(parsed.receipt.items.map(\.barcode) == [nil, nil])
        #expect(parsed.receipt.items.map(\.mxikCode) == receipt.items.map(\.mxikCode))
        #expect(parsed.receipt.items.map(\.vatAmount) == receipt.items.map(\.vatAmount))
    }
}
