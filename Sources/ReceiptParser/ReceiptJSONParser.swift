import FiscalCore

/// Parses the receipt JSON of `new-ofd.soliq.uz/api/payment` (`{"data": {...}, "success": true, ...}`) into a
/// ``FiscalReceipt`` with source `.json`.
///
/// Amounts are so'm decimals written as JSON numbers; they are read from the number's text, never through a
/// `Double` (`1.0E7` and more than two decimals are handled exactly, rounding half-up to the tiyin).
/// Mapping notes:
/// - the total is `cashTotal + cardTotal` (the payload has no total of its own; `total`/`totalSum` win if given);
/// - `kkmName` is the marketplace of online terminals (`EP…`, `EZ…`) and the cash register name otherwise;
/// - marking codes come from each detail's `labels` (joined with `", "`); the top-level `labels` is used only for
///   a single-item receipt;
/// - the fiscal sign is taken from `extraInfo.fiscalSign`, then `fiscalSign`, as text (leading zeros kept).
public enum ReceiptJSONParser {
    /// Classifies a JSON answer: a receipt, not found (`success: false` or `data: null`), or unrecognized.
    public static func classify(json: [UInt8]) -> PageState {
        guard let root = try? ExactJSON(parsing: withoutByteOrderMark(json)) else { return .unrecognized }
        return classify(root)
    }

    /// A UTF-8 byte-order mark is tolerated.
    private static func withoutByteOrderMark(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
    }

    static func classify(_ root: ExactJSON) -> PageState {
        guard case .object = root else { return .unrecognized }
        if root["success"] == .bool(false) { return .notFound }
        guard let data = root["data"] else { return .unrecognized }
        if data == .null { return .notFound }
        guard case .object = data, data["terminalId"] != nil || data["paymentNo"] != nil else { return .unrecognized }
        return .receipt
    }

    /// Parses a JSON answer.
    ///
    /// - Throws: ``ReceiptParseError`` with state `.notFound` or `.unrecognized` when the answer holds no
    ///   receipt, and with state `.receipt` naming the JSON key when a field is missing or malformed.
    public static func parse(json: [UInt8]) throws(ReceiptParseError) -> ParsedReceipt {
        let root: ExactJSON
        do {
            root = try ExactJSON(parsing: withoutByteOrderMark(json))
        } catch {
            throw ReceiptParseError(state: .unrecognized, location: "byte \(error.offset)", reason: "not JSON: \(error.reason)")
        }
        switch classify(root) {
        case .receipt: break
        case .notFound:
            let message = root["message"]?.scalarText.map { ": \($0.prefix(120))" } ?? ""
            throw ReceiptParseError(state: .notFound, location: "data", reason: "the API answered without data\(message)")
        case .spaShell, .unrecognized:
            throw ReceiptParseError(state: .unrecognized, location: "data", reason: "no receipt object in the JSON")
        }
        guard let data = root["data"] else { throw .missing("data", at: "data") }
        let receipt = try receipt(from: data)
        return ParsedReceipt(receipt: receipt, warnings: ConsistencyCheck.warnings(for: receipt).map(ReceiptWarning.consistency))
    }

    // MARK: - Fields

    private static func receipt(from data: ExactJSON) throws(ReceiptParseError) -> FiscalReceipt {
        let extra = data["extraInfo"] ?? .null
        let terminal = try requiredText(data, "terminalId")
        let number = try requiredText(data, "paymentNo")
        let dateText = try requiredText(data, "paymentDate")
        guard let local = ReceiptAssembly.localTime(dateText) else {
            throw .invalid("issuedAt", at: "data.paymentDate", text: dateText, "not dd.MM.yyyy HH:mm:ss")
        }
        let cash = try money(data, "cashTotal", key: "data.cashTotal", field: "payment.cash")
        let card = try money(data, "cardTotal", key: "data.cardTotal", field: "payment.card")
        let vatTotal = try money(data, "vatTotal", key: "data.vatTotal", field: "vatTotal")
        let (sum, overflow) = cash.minorUnits.addingReportingOverflow(card.minorUnits)
        guard !overflow else {
            throw .invalid("total", at: "data.cashTotal + data.cardTotal", text: "\(cash) + \(card)", "too large")
        }
        var total = Money(minorUnits: sum, currency: .uzs)
        for key in ["total", "totalSum"] where data[key]?.scalarText != nil {
            total = try money(data, key, key: "data.\(key)", field: "total")
            break
        }

        var kind: FiscalReceipt.Kind = .sale
        if let refund = data["isRefund"], refund == .bool(true) || refund.scalarText == "1" || refund.scalarText == "true" {
            kind = .refund
        } else if let type = data["receiptType"]?.scalarText?.uppercased() {
            if type.contains("AVANS") || type.contains("ADVANCE") { kind = .advance }
            if type.contains("CREDIT") || type.contains("KREDIT") { kind = .credit }
        }

        let fiscalSign = [extra["fiscalSign"], data["fiscalSign"]].lazy.compactMap { $0?.scalarText }
            .compactMap(TextNormalization.nonEmpty).first
        let seller = FiscalReceipt.Seller(
            name: extra["companyName"]?.scalarText.map(TextNormalization.trimmed) ?? "",
            tin: data["tin"]?.scalarText.map(TextNormalization.trimmed) ?? "",
            address: extra["address"]?.scalarText.map(TextNormalization.trimmed) ?? "")

        let kkmName = data["kkmName"]?.scalarText.flatMap(TextNormalization.nonEmpty)
        let kkmSerial = data["kkmSerialNumber"]?.scalarText.flatMap(TextNormalization.nonEmpty)
        let online = terminal.hasPrefix("EP") || terminal.hasPrefix("EZ")
        let marketplace = online && kkmSerial == nil ? kkmName : nil
        let cashRegister = marketplace == nil
            ? kkmName.map { FiscalReceipt.CashRegister(name: $0, serial: kkmSerial) } : nil

        let cardType: String? = switch extra["cardType"]?.scalarText.map(TextNormalization.trimmed) {
        case "1": "Korporativ"
        case "2": "Shaxsiy"
        case "3": "Ijtimoiy"
        case let other: other.flatMap(TextNormalization.nonEmpty)
        }
        let rrn = [extra["rrn"], data["rrn"]].lazy.compactMap { $0?.scalarText }.compactMap(TextNormalization.nonEmpty).first

        guard case .array(let details) = data["paymentDetails"] ?? .null else {
            throw .missing("items", at: "data.paymentDetails")
        }
        var items: [ReceiptItem] = []
        for (index, detail) in details.enumerated() { items.append(try item(detail, index: index)) }
        guard !items.isEmpty else { throw .missing("items", at: "data.paymentDetails[]") }
        if items.count == 1, items[0].markingCode == nil, let labels = labelsText(data["labels"]) {
            items[0].markingCode = labels
        }

        return FiscalReceipt(
            kind: kind, source: .json, terminalID: terminal, receiptNumber: number, fiscalSign: fiscalSign,
            issuedAt: local.date, seller: seller, marketplace: marketplace, cashRegister: cashRegister, items: items,
            payment: FiscalReceipt.Payment(cash: cash, card: card, cardType: cardType, rrn: rrn),
            total: total, vatTotal: vatTotal)
    }

    private static func item(_ detail: ExactJSON, index: Int) throws(ReceiptParseError) -> ReceiptItem {
        let prefix = "items[\(index)]"
        let at = "data.paymentDetails[\(index)]"
        guard case .object = detail else { throw .invalid(prefix, at: at, text: "", "not an object") }
        let name = try requiredText(detail, "name", at: at)
        let quantityText = try requiredText(detail, "amount", at: at)
        guard let quantity = try? ExactDecimal(reading: quantityText, style: .json) else {
            throw .invalid("\(prefix).quantity", at: "\(at).amount", text: quantityText, "not a number")
        }
        var vatRate: ExactDecimal?
        if let rateText = detail["vatPercent"]?.scalarText.flatMap(TextNormalization.nonEmpty) {
            guard let rate = try? ExactDecimal(reading: rateText, style: .json) else {
                throw .invalid("\(prefix).vatRate", at: "\(at).vatPercent", text: rateText, "not a number")
            }
            vatRate = rate
        }
        func optional(_ key: String) -> String? { detail[key]?.scalarText.flatMap(TextNormalization.nonEmpty) }
        return ReceiptItem(
            name: TextNormalization.trimmed(name), quantity: quantity,
            lineTotal: try money(detail, "price", key: "\(at).price", field: "\(prefix).lineTotal"),
            discount: try money(detail, "discount", key: "\(at).discount", field: "\(prefix).discount", defaultZero: true),
            other: try money(detail, "other", key: "\(at).other", field: "\(prefix).other", defaultZero: true),
            vatRate: vatRate,
            vatAmount: try money(detail, "vat", key: "\(at).vat", field: "\(prefix).vatAmount", defaultZero: true),
            barcode: optional("barcode"), mxikCode: optional("productCode"), mxikName: optional("productName"),
            unit: optional("packageName"), markingCode: labelsText(detail["labels"]),
            commissionerTIN: optional("comitentTin"))
    }

    /// Marking codes: an array of strings joined with `", "`, or a single string.
    private static func labelsText(_ value: ExactJSON?) -> String? {
        switch value {
        case .array(let codes)?:
            let texts = codes.compactMap { $0.scalarText.flatMap(TextNormalization.nonEmpty) }
            return texts.isEmpty ? nil : texts.joined(separator: ", ")
        case let value?: return value.scalarText.flatMap(TextNormalization.nonEmpty)
        case nil: return nil
        }
    }

    private static func requiredText(_ object: ExactJSON, _ name: String, at path: String = "data")
        throws(ReceiptParseError) -> String
    {
        guard let text = object[name]?.scalarText.flatMap(TextNormalization.nonEmpty) else {
            throw .missing(name, at: "\(path).\(name)")
        }
        return text
    }

    private static func money(_ object: ExactJSON, _ name: String, key: String, field: String, defaultZero: Bool = false)
        throws(ReceiptParseError) -> Money
    {
        guard let text = object[name]?.scalarText.flatMap(TextNormalization.nonEmpty) else {
            if defaultZero { return .zero(.uzs) }
            throw .missing(field, at: key)
        }
        // A JSON number, or a string amount written the way pages write it (`"56,990.00"`).
        if let value = try? Money(reading: text, style: .json, currency: .uzs) { return value }
        do {
            return try Money(reading: text, style: .pageAmount, currency: .uzs)
        } catch {
            throw .invalid(field, at: key, text: text, "not an amount")
        }
    }
}
