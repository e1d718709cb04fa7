import Archive
import FiscalCore

/// Rules shared by every rendering of a register row (CSV, HTML, summary): signs and what counts as paid.
enum RegisterRow {
    /// A receipt amount signed like its event: negative on refund and cancellation rows, whose receipts are
    /// refund receipts printed with positive totals. This makes `receipt_total` comparable with `amount`.
    static func signed(_ money: Money, like entry: RegisterEntry) -> Money {
        switch entry.event {
        case .payment, .p2p: money
        case .refund, .cancellation: money.isNegative ? money : -money
        }
    }

    /// Statuses under which no money was taken: the payment failed (`-1`) or was never paid (`0`).
    static func isNotPaid(_ status: PaySysStatus) -> Bool {
        status == .error || status == .created
    }

    /// Whether a link may be rendered as a link: only `http` and `https` (no `javascript:`, `data:`, …), and no
    /// spaces or control characters.
    static func isWebLink(_ url: String) -> Bool {
        let bytes = url.utf8
        let lowered = bytes.prefix(8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let isHTTP = lowered.starts(with: Array("https://".utf8)) || lowered.starts(with: Array("http://".utf8))
        return isHTTP && bytes.count > 8 && !bytes.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// ISO 8601 in Tashkent time, `2026-10-31T23:30:00+05:00`: the same text as `Tashkent.iso8601(epochSeconds:)`,
    /// built digit by digit because `String(format:)` dominated the time of a million-row register.
    static func iso8601(epochSeconds: Int64) -> String {
        let local = Tashkent.local(epochSeconds: epochSeconds)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(25)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            for _ in 0..<count {
                bytes.append(UInt8(48 + rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(local.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(local.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(local.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(local.hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(local.minute, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(local.second, 2)
        bytes.append(contentsOf: "+05:00".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }
}
