import FiscalCore

extension SandboxReceipts {
    /// The receipt as the JSON API answers it: `{"data":{...},"message":"Successfully","status":200,"success":true}`.
    ///
    /// Amounts are so'm decimals written as JSON numbers (`76000.00`), quantities and rates as JSON numbers,
    /// `paymentDate` is `dd.MM.yyyy HH:mm:ss` (Tashkent), `isRefund` 0/1, `extraInfo.cardType` 1/2/3
    /// (Korporativ/Shaxsiy/Ijtimoiy), each detail's marking codes in its `labels`, `kkmName` the marketplace or the
    /// cash register name.
    public static func apiPayload(_ receipt: FiscalReceipt) -> [UInt8] {
        let local = Tashkent.local(receipt.issuedAt)
        let date = "\(pad(local.day)).\(pad(local.month)).\(local.year) \(pad(local.hour)):\(pad(local.minute)):\(pad(local.second))"
        var data: [(String, String)] = [
            ("terminalId", string(receipt.terminalID)),
            ("paymentNo", numberIfDigits(receipt.receiptNumber)),
            ("paymentDate", string(date)),
            ("tin", numberIfDigits(receipt.seller.tin)),
            ("cashTotal", receipt.payment.cash.decimalString),
            ("cardTotal", receipt.payment.card.decimalString),
            ("vatTotal", receipt.vatTotal.decimalString),
            ("isRefund", receipt.kind == .refund ? "1" : "0"),
        ]
        switch receipt.kind {
        case .advance: data.append(("receiptType", string("AVANS")))
        case .credit: data.append(("receiptType", string("CREDIT")))
        case .sale, .refund: data.append(("receiptType", "0"))
        }
        data.append(("refundPaymentId", "null"))
        data.append(("fiscalSignHash", "null"))
        data.append(("kkmName", optional(receipt.marketplace ?? receipt.cashRegister?.name)))
        data.append(("kkmSerialNumber", optional(receipt.cashRegister?.serial)))
        let details = receipt.items.map { item -> String in
            let labels = item.markingCode.map { code in
                "[" + code.split(separator: ",").map { string(String($0).trimmingASCIIWhitespace()) }
                    .joined(separator: ",") + "]"
            } ?? "[]"
            return object([
                ("name", string(item.name)),
                ("barcode", optional(item.barcode)),
                ("productCode", optional(item.mxikCode)),
                ("productName", optional(item.mxikName)),
                ("vatPercent", item.vatRate?.description ?? "null"),
                ("packageCode", "null"),
                ("packageName", optional(item.unit)),
                ("price", item.lineTotal.decimalString),
                ("vat", item.vatAmount.decimalString),
                ("amount", item.quantity.description),
                ("discount", item.discount.decimalString),
                ("other", item.other.decimalString),
                ("comitentTin", optional(item.commissionerTIN)),
                ("labels", labels),
            ])
        }
        data.append(("paymentDetails", "[" + details.joined(separator: ",") + "]"))
        data.append(("labels", "[]"))
        let cardType: String = switch receipt.payment.cardType {
        case "Korporativ": "1"
        case "Shaxsiy": "2"
        case "Ijtimoiy": "3"
        case let other: optional(other)
        }
        data.append(("extraInfo", object([
            ("companyName", string(receipt.seller.name)),
            ("address", string(receipt.seller.address)),
            ("latitude", "41.311081"),
            ("longitude", "69.240562"),
            ("cardType", cardType),
            ("fiscalSign", optional(receipt.fiscalSign)),
            ("rrn", optional(receipt.payment.rrn)),
        ])))
        let envelope = object([
            ("data", object(data)), ("message", string("Successfully")), ("status", "200"), ("success", "true"),
        ])
        return Array(envelope.utf8)
    }

    /// The JSON API's answer for a receipt it does not know (yet).
    public static let apiNotFoundPayload: [UInt8] = Array(#"{"data":null,"message":"Ma'lumot topilmadi","success":false}"#.utf8)

    /// The newer site's empty React shell, served instead of a legacy page: no receipt data in it.
    public static let spaShell: String = """
        <!doctype html><html lang="uz"><head><meta charset="utf-8"/><link rel="icon" href="/favicon.ico"/>\
        <meta name="viewport" content="width=device-width,initial-scale=1"/><title>Soliq - Chek</title>\
        <script defer="defer" src="/static/js/main.8c1e4b2a.js"></script>\
        <link href="/static/css/main.5d3f0a91.css" rel="stylesheet"></head><body>\
        <noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>

        """

    /// The legacy site's answer for a receipt that is not registered (yet).
    public static let notFoundPage: String = """
        <!DOCTYPE html>
        <html lang="uz">
        <head>
            <meta charset="UTF-8">
            <title>Not Found (#404)</title>
        </head>
        <body>
        <div class="site-error">
            <h1>Not Found (#404)</h1>
            <div class="alert alert-danger">
                Chek topilmadi. Ma'lumot hali ro'yxatdan o'tmagan bo'lishi mumkin.
            </div>
        </div>
        </body>
        </html>

        """

    private static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    private static func optional(_ text: String?) -> String { text.map(string) ?? "null" }

    private static func numberIfDigits(_ text: String) -> String {
        let digits = !text.isEmpty && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        return digits && !text.hasPrefix("0") && text.utf8.count <= 18 ? text : string(text)
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String { ExactJSON.quoted(text) }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
