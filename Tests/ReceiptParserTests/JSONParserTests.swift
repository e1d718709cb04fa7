import Foundation
import FiscalCore
import Sandbox
import Testing

@testable import ReceiptParser

@Suite("JSON receipt API payload")
struct JSONParserTests {
    static let payload = #"""
        {"data":{"terminalId":"EP000000000510","paymentNo":104636849,"paymentDate":"29.03.2026 18:58:07",
        "tin":307578794,"cashTotal":0,"cardTotal":8.5337400E5,"vatTotal":91432.920000001,"isRefund":0,
        "receiptType":0,"refundPaymentId":null,"fiscalSignHash":"ab12","kkmName":"MULTICARD","kkmSerialNumber":null,
        "paymentDetails":[
         {"name":"Kiyim \u2018Ipak\u2019 \"Yo‘l\"","barcode":"","productCode":"10202001010000003","productName":"Kiyim",
          "vatPercent":12.0,"packageCode":"1495086","packageName":"dona","price":76000.0,"vat":8142.85,"amount":2.0,
          "discount":0,"other":0,"comitentTin":"310995649","labels":["010478\u00260002", "0104780000002"]},
         {"name":"Guruch","barcode":null,"productCode":"00601001001000000","productName":"Guruch","vatPercent":12,
          "packageName":"kilogramm","price":"777,374.00","vat":83290.07,"amount":1.2680,"discount":null,"other":null,
          "comitentTin":"310995649"}],
        "labels":[],"extraInfo":{"companyName":"MULTICARD PAYMENT MCHJ","address":"Toshkent","cardType":2,
        "fiscalSign":"059200054220"}},"message":"Successfully","status":200,"success":true}
        """#

    @Test("amounts are exact whatever the number notation; codes, quantities and texts as given")
    func realisticPayload() throws {
        let parsed = try ReceiptJSONParser.parse(json: Array(Self.payload.utf8))
        let receipt = parsed.receipt
        #expect(receipt.source == .json && receipt.kind == .sale)
        #expect(receipt.receiptNumber == "104636849")
        #expect(receipt.fiscalSign == "059200054220")
        #expect(Tashkent.iso8601(receipt.issuedAt) == "2026-03-29T18:58:07+05:00")
        #expect(receipt.seller == .init(name: "MULTICARD PAYMENT MCHJ", tin: "307578794", address: "Toshkent"))
        #expect(receipt.marketplace == "MULTICARD" && receipt.cashRegister == nil)
        #expect(receipt.payment == .init(cash: .zero(.uzs), card: Fixture.money("853,374.00"), cardType: "Shaxsiy", rrn: nil))
        #expect(receipt.total == Fixture.money("853,374.00"))
        #expect(receipt.vatTotal == Fixture.money("91,432.92"))
        let first = receipt.items[0]
        #expect(first.name == "Kiyim ‘Ipak’ \"Yo‘l\"")
        #expect(first.quantity.description == "2" && first.vatRate?.description == "12")
        #expect(first.lineTotal == Fixture.money("76,000.00") && first.vatAmount == Fixture.money("8,142.85"))
        #expect(first.barcode == nil && first.unit == "dona" && first.commissionerTIN == "310995649")
        #expect(first.markingCode == "010478&0002, 0104780000002")
        let second = receipt.items[1]
        #expect(second.quantity.description == "1.268")
        #expect(second.lineTotal == Fixture.money("777,374.00") && second.discount == .zero(.uzs))
        #expect(second.markingCode == nil)
        #expect(parsed.warnings.isEmpty, "\(parsed.warnings)")
    }

    @Test("refunds, card types and cash registers")
    func variants() throws {
        var text = Self.payload.replacingOccurrences(of: "\"isRefund\":0", with: "\"isRefund\":1")
            .replacingOccurrences(of: "\"cardType\":2", with: "\"cardType\":\"3\"")
            .replacingOccurrences(of: "\"kkmSerialNumber\":null", with: "\"kkmSerialNumber\":\"AFK-1\"")
        var receipt = try ReceiptJSONParser.parse(json: Array(text.utf8)).receipt
        #expect(receipt.kind == .refund && receipt.payment.cardType == "Ijtimoiy")
        #expect(receipt.cashRegister == .init(name: "MULTICARD", serial: "AFK-1") && receipt.marketplace == nil)
        text = Self.payload.replacingOccurrences(of: "\"cardType\":2", with: "\"cardType\":1")
        receipt = try ReceiptJSONParser.parse(json: Array(text.utf8)).receipt
        #expect(receipt.payment.cardType == "Korporativ")
    }

    @Test("JSON decimals", arguments: [
        ("0", "0.00"), ("56990.00", "56990.00"), ("8.5337400E5", "853374.00"), ("1.0E7", "10000000.00"),
        ("8142.849999999999", "8142.85"), ("8142.855", "8142.86"), ("-15.5", "-15.50"), ("1e-3", "0.00"),
        ("12E+2", "1200.00"), ("0.005", "0.01"),
    ])
    func decimals(_ text: String, _ expected: String) {
        #expect((try? Money(reading: text, style: .json, currency: .uzs))?.decimalString == expected)
    }

    @Test("bad JSON decimals are refused", arguments: ["", "abc", "1.2.3", "1e999", "99999999999999999999999"])
    func badDecimals(_ text: String) {
        #expect((try? Money(reading: text, style: .json, currency: .uzs)) == nil)
    }

    @Test("exact quantities drop trailing zeros", arguments: [("2.0", "2"), ("1.2680", "1.268"), ("0.500", "0.5"), ("3", "3"), ("0.0", "0")])
    func quantities(_ text: String, _ expected: String) {
        #expect((try? ExactDecimal(reading: text, style: .json))?.description == expected)
    }

    @Test("amounts that overflow are a clear error, not a crash")
    func overflow() {
        let text = Self.payload.replacingOccurrences(of: "\"cashTotal\":0", with: "\"cashTotal\":92233720368547758.07")
            .replacingOccurrences(of: "\"cardTotal\":8.5337400E5", with: "\"cardTotal\":92233720368547758.07")
        do {
            _ = try ReceiptJSONParser.parse(json: Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.state == .receipt && error.field == "total")
        }
    }

    @Test("missing required fields name the key")
    func missing() {
        let text = Self.payload.replacingOccurrences(of: "\"paymentDate\":\"29.03.2026 18:58:07\",", with: "")
        do {
            _ = try ReceiptJSONParser.parse(json: Array(text.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.state == .receipt && error.location == "data.paymentDate")
        }
    }

    @Test("the parse --json line keeps DESIGN.md's key order and nulls non-receipts")
    func lineFormat() throws {
        let parsed = try ReceiptJSONParser.parse(json: Array(Self.payload.utf8))
        let line = ReceiptJSONFormat.line(file: "a \"b\".json", state: .receipt, parsed: parsed)
        #expect(!line.contains("\n"))
        let order = ["\"file\"", "\"state\"", "\"error\"", "\"source\"", "\"kind\"", "\"terminalId\"", "\"receiptNumber\"",
            "\"fiscalSign\"", "\"issuedAt\"", "\"seller\"", "\"marketplace\"", "\"cashRegister\"", "\"items\"",
            "\"payment\"", "\"total\"", "\"vatTotal\"", "\"warnings\""]
        let positions = order.map { line.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 }.sorted() == positions.compactMap { $0 })
        #expect(line.hasPrefix(#"{"file":"a \"b\".json","state":"receipt","error":null,"source":"json","kind":"sale","terminalId":"EP000000000510""#))
        #expect(line.contains(#""total":"853374.00","vatTotal":"91432.92","warnings":[]}"#))
        #expect(line.contains(#""quantity":"1.268""#))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["fiscalSign"] as? String == "059200054220")

        let shell = ReceiptJSONFormat.line(file: "x.html", state: .spaShell, parsed: nil, error: "not a receipt (spa-shell)")
        let shellObject = try JSONSerialization.jsonObject(with: Data(shell.utf8)) as? [String: Any]
        #expect(shellObject?["state"] as? String == "spa-shell")
        #expect(shellObject?["error"] as? String == "not a receipt (spa-shell)")
        #expect(shellObject?["items"] is NSNull && shellObject?["total"] is NSNull)
    }
}
