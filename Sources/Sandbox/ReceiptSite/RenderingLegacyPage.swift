import FiscalCore

extension SandboxReceipts {
    /// The receipt as a full legacy `ofd.soliq.uz` page, in the real layout: the `ticket-wrap` outer table, a
    /// receipt table without `tbody`, `table.products-tables` with `thead` (and its empty `<Tr></Tr>`) and `tbody`,
    /// `nds-row`/`code-row` sub-rows, `<b><b>` in the marketplace row, `</tD>` in the "Fiskal belgi" row, the
    /// commented-out "Fiskal belgi" block, an inline QR image and the marking-codes modal.
    ///
    /// `/epi` form when the receipt has a marketplace, `/check` form ("Onlayn NKM nomi", "SN") when it has a cash
    /// register. Every receipt text is HTML-escaped.
    public static func legacyPage(_ receipt: FiscalReceipt) -> String {
        let local = Tashkent.local(receipt.issuedAt)
        let date = pad(local.day) + "." + pad(local.month) + "." + String(local.year) + ", " + pad(local.hour) + ":"
            + pad(local.minute)
        var page = pageHead(title: receipt.terminalID)
        page += """

            <div class="ticket-wrap">

                <table width="100%">
                    <tr>
                        <td align="center">
                            <div class="tickets">


                                    <div style="padding: 10px 5px;">
                                        <table width="100%">
                                            <tr>
                                                <td colspan="3" align="center">
                                                    <h3> \(title(receipt.kind))</h3>
                                                </td>
                                            </tr>
                                            <tr>
                                                <td colspan="3" align="center">
                                                    <h3 style="font-weight: bold">\(escape(receipt.seller.name))</h3>
                                                    \(escape(receipt.seller.address))                                         <i>\(escape(receipt.seller.tin))</i>
                                                </td>
                                            </tr>
                                            <tr>
                                                <td colspan="3">
                                                    <b>\(escape(receipt.terminalID))</b>
                                                </td>
                                            </tr>
                                            <tr>
                                                <td colspan="3">
                                                    <span class="left">Chek raqami : <b>\(escape(receipt.receiptNumber))</b></span>
                                                </td>
                                            </tr>

            """
        if let marketplace = receipt.marketplace {
            page += """
                                            <tr>
                                                <td colspan="3">
                                                    <span class="left">Marketpleys nomi : <b><b>\(escape(marketplace))</b></span>
                                                </td>
                                            </tr>

                """
        }
        if let register = receipt.cashRegister {
            page += """
                                            <tr>
                                                <td colspan="3">
                                                    <span class="left">Onlayn NKM nomi : <b>\(escape(register.name))</b></span>
                                                </td>
                                            </tr>
                                            <tr>
                                                <td colspan="3">
                                                    <span class="left">SN :
                                                                                                        \(register.serial.map { "<b>\(escape($0))</b>" } ?? "")

                                                    </span>
                                                </td>
                                            </tr>

                """
        }
        page += """
                                            <tr>
                                                <td style="padding-bottom: 3px" colspan="3">
                                                    <i>\(date)</i>
                                                </td>
                                            </tr>

                                            <tr style="border-bottom: 1px dashed black; border-top: 1px dashed black">
                                                <td colspan="3">
                                                    <table class="products-tables">
                                                        <thead>
                                                        <tr style="font-size: 10px;font-weight: bold">
                                                            <td class="name-col"><b>Nomi</b></td>
                                                            <td><b>Soni</b></td>
                                                            <!--                                <td><b>Chegirma</b></td>-->
                                                            <!--                                <td><b>Boshqa</b></td>-->
                                                            <td><b>Narxi</b></td>
                                                        </tr>
                                                        <Tr>

                                                        </Tr>
                                                        </thead>
                                                        <tbody>

            """
        for item in receipt.items { page += itemRows(item) }
        page += """
                                                                                                    </tbody>
                                                    </table>
                                                </td>
                                            </tr>
                                            <tr>
                                                <td style="padding-top: 3px" colspan="2">Naqd pul</td>
                                                <td style="padding-top: 3px"
                                                    align="right">\(receipt.payment.cash.groupedDecimalString) </td>
                                            </tr>
                                            <tr>
                                                <td colspan="2">Bank kartalari</td>
                                                <td align="right"> \(receipt.payment.card.groupedDecimalString) </td>
                                            </tr>

            """
        if let cardType = receipt.payment.cardType {
            page += """
                                            <tr>
                                                <td colspan="2">Bank kartasi turi</td>
                                                <td align="right"> \(escape(cardType)) </td>
                                            </tr>

                """
        }
        if let rrn = receipt.payment.rrn {
            page += """
                                            <tr>
                                                <td colspan="2">RRN</td>
                                                <td align="right"> \(escape(rrn)) </td>
                                            </tr>

                """
        }
        page += """
                                            <tr>
                                                <td colspan="2" style="font-size: 16pt;font-weight: bold">Jami to`lov:</td>
                                                <td style="font-size: 18pt;font-weight: bold"
                                                    align="right">\(receipt.total.groupedDecimalString)</td>
                                            </tr>
                                            <tr>
                                                <td colspan="2">Umumiy QQS qiymati</td>
                                                <td align="right"> \(receipt.vatTotal.groupedDecimalString) </td>
                                            </tr>

            """
        if let sign = receipt.fiscalSign, receipt.cashRegister == nil {
            page += """
                                            <tr>
                                                <td style="padding: 3px 0"  colspan="2">
                                                    Fiskal belgi
                                                </tD>

                                                <td style="padding: 3px 0" align="right">
                    \(escape(sign))</td>
                                            </tr>

                """
        }
        page += """

                                            <!--                                <tr>-->
                                            <!--                                    <td style="padding: 3px 0"  colspan="2">-->
                                            <!--                                        Fiskal belgi-->
                                            <!--                                    </tD>-->
                                            <!---->
                                            <!--                                    <td style="padding: 3px 0" align="right">-->
                                            <!--</td>-->
                                            <!--                                </tr>-->
                                                                        </table>
                                    </div>


                                                            <div style="text-align: center">
            \(receipt.cashRegister == nil ? "                            <img src=\"data:image/png;base64,\(qrImage)\">" : "                            <!--            <img src=\"--><!--\">-->")
                                    </div>

                            </div>
                        </td>
                    </tr>
                </table>
            </div>

            """
        page += pageTail
        return page
    }

    /// The item's product row and its labelled sub-rows, as the real template writes them.
    static func itemRows(_ item: ReceiptItem) -> String {
        let rate = item.vatRate.map { "\($0.description) % " } ?? ""
        let markingCell = item.markingCode.map {
            "<span class=\"markirovka_class\"><span>M</span></span><span style=\"display: none\">\(escape($0))</span>"
        } ?? ""
        return """


                                                            <tr class="products-row">
                                                                <td>\(escape(item.name))  </td>
                                                                <td align="center">
                                                                                                                                \(item.quantity.description)
                                                                </td>

                                                                <td class="price-sum">\(item.lineTotal.groupedDecimalString)  </td>
                                                            </tr>


                                                            <tr class="nds-row">
                                                                <td align="left" colspan="2">
                                                                    QQS qiymati
                                                                </td>
                                                                <td class="nds-sum">\(item.vatAmount.groupedDecimalString) </td>
                                                            </tr>
                                                            <tr class="nds-row">
                                                                <td align="left" colspan="2">
                                                                    QQS foizi
                                                                </td>
                                                                <td class="nds-sum">\(rate)</td>
                                                            </tr>
                                                            <tr class="code-row">
                                                                <td align="left" colspan="1">
                                                                    Chegirma/Boshqa
                                                                </td>
                                                                <td align="right" colspan="2">
                                                                    \(rawSom(item.discount))/\(rawSom(item.other))                                                    </td>
                                                            </tr>
            \(codeRow("Shtrix kodi", item.barcode.map(escape) ?? ""))
            \(codeRow("MXIK kodi", item.mxikCode.map(escape) ?? ""))
            \(codeRow("MXIK nomi", item.mxikName.map(escape) ?? ""))
            \(codeRow("O'lchov birligi", item.unit.map(escape) ?? ""))
            \(codeRow("Markirovka kodi", markingCell))
            \(codeRow("Komitent STIR/JSHSHIR", item.commissionerTIN.map(escape) ?? ""))

            """
    }

    private static func codeRow(_ label: String, _ valueHTML: String) -> String {
        """
                                                        <tr class="code-row">
                                                            <td align="left" colspan="1">
                                                                \(label)
                                                            </td>
                                                            <td align="right" colspan="2">
                                                                \(valueHTML)                                                    </td>
                                                        </tr>
        """
    }

    /// The title `h3` text of each kind.
    static func title(_ kind: FiscalReceipt.Kind) -> String {
        switch kind {
        case .sale: "Savdo cheki/Sotuv"
        case .refund: "Savdo cheki/Qaytarish"
        case .advance: "Avans cheki/Sotuv"
        case .credit: "Kredit cheki/Sotuv"
        }
    }

    /// Discount and other as the page shows them: raw so'm without separators (`9000`), tiyin only if any.
    static func rawSom(_ money: Money) -> String {
        money.minorUnits % 100 == 0 ? String(money.minorUnits / 100) : money.decimalString
    }

    /// Escapes text for HTML element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
