/// The JSON form of a receipt, written in this one place for `parse --json`, the web UI's API and anything else
/// that prints receipts: amounts as decimal strings in major units with two decimals (`"853374.00"`), quantities and
/// rates as shown (`"2"`, `"1.268"`, `"12"`), missing values `null`, times ISO 8601 with `+05:00`.
extension FiscalReceipt {
    /// The receipt's members, in the documented order (DESIGN.md, `parse --json`).
    public var jsonMembers: [ExactJSON.Member] {
        var payment: [ExactJSON.Member] = [
            .init("cash", .optional(self.payment.cashShown?.decimalString)),
            .init("card", .optional(self.payment.cardShown?.decimalString)),
            .init("cardType", .optional(self.payment.cardType)),
            .init("rrn", .optional(self.payment.rrn)),
        ]
        payment.append(.init("others", .array(self.payment.others.map { (other) -> ExactJSON in
            ExactJSON.object(["method": .string(other.method), "amount": .string(other.amount.decimalString)])
        })))
        return [
            .init("source", .string(source.rawValue)),
            .init("kind", .string(kind.rawValue)),
            .init("terminalId", .string(terminalID)),
            .init("receiptNumber", .string(receiptNumber)),
            .init("fiscalSign", .optional(fiscalSign)),
            .init("issuedAt", .string(Tashkent.iso8601(issuedAt))),
            .init("seller", .object([
                "name": .string(seller.name), "tin": .string(seller.tin), "address": .string(seller.address),
            ])),
            .init("marketplace", .optional(marketplace)),
            .init("cashRegister", cashRegister.map { (register) -> ExactJSON in
                ExactJSON.object(["name": .string(register.name), "serial": .optional(register.serial)])
            } ?? .null),
            .init("items", .array(items.map(\.json))),
            .init("payment", .object(payment)),
            .init("total", .string(total.decimalString)),
            .init("vatTotal", .string(vatTotal.decimalString)),
        ]
    }

    /// The receipt as one JSON object.
    public var json: ExactJSON { .object(jsonMembers) }

    /// The member names of ``jsonMembers``, for writing them all as `null` when there is no receipt.
    public static let jsonMemberNames = [
        "source", "kind", "terminalId", "receiptNumber", "fiscalSign", "issuedAt", "seller", "marketplace",
        "cashRegister", "items", "payment", "total", "vatTotal",
    ]
}

extension ReceiptItem {
    /// The item as one JSON object.
    public var json: ExactJSON {
        .object([
            "name": .string(name),
            "quantity": .string(quantity.description),
            "lineTotal": .string(lineTotal.decimalString),
            "discount": .string(discount.decimalString),
            "other": .string(other.decimalString),
            "vatRate": .optional(vatRate?.description),
            "vatAmount": .string(vatAmount.decimalString),
            "barcode": .optional(barcode),
            "mxikCode": .optional(mxikCode),
            "mxikName": .optional(mxikName),
            "unit": .optional(unit),
            "markingCode": .optional(markingCode),
            "commissionerTin": .optional(commissionerTIN),
        ])
    }
}
