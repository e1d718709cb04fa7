import FiscalCore

/// A place where a receipt's own numbers disagree, with the numbers.
///
/// Tolerances (documented here because issuers differ):
/// - cash + card + other payment methods must equal the total exactly (when the receipt shows any of them);
/// - Σ item VAT may differ from the VAT total by at most 1 tiyin per item (each line is rounded on its own);
/// - each item's VAT must be `(line total − discount) × rate / (100 + rate)` either rounded half-up or truncated
///   to the tiyin (both conventions are used by real issuers);
/// - Σ (line total − discount) may differ from the total by at most 1 so'm (100 tiyin): issuers round the
///   receipt total (853,373.83 vs 853,374.00 has been seen).
public struct ConsistencyWarning: Sendable, Hashable, CustomStringConvertible {
    /// Which rule is broken.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Cash + card + other methods differ from the total.
        case paymentsVersusTotal = "payments-vs-total"
        /// The sum of item VAT differs from the VAT total.
        case itemVATSumVersusVATTotal = "item-vat-sum-vs-vat-total"
        /// One item's VAT differs from its line total × rate / (100 + rate).
        case itemVAT = "item-vat"
        /// The sum of line totals less discounts differs from the total.
        case linesVersusTotal = "lines-vs-total"
    }

    /// The rule.
    public var kind: Kind
    /// The zero-based item index for ``Kind/itemVAT``.
    public var itemIndex: Int?
    /// What the rule computes (for ``Kind/itemVAT``, the half-up rounded VAT).
    public var expected: Money
    /// What the receipt states.
    public var actual: Money
    /// The largest difference the rule tolerates.
    public var tolerance: Money

    /// Creates a warning.
    public init(kind: Kind, itemIndex: Int? = nil, expected: Money, actual: Money, tolerance: Money) {
        self.kind = kind
        self.itemIndex = itemIndex
        self.expected = expected
        self.actual = actual
        self.tolerance = tolerance
    }

    /// `actual − expected`.
    public var difference: Money {
        Money(minorUnits: actual.minorUnits &- expected.minorUnits, currency: actual.currency)
    }

    /// A sentence with the numbers.
    public var description: String {
        let numbers = "expected \(expected.decimalString), receipt says \(actual.decimalString)"
            + " (difference \(difference.decimalString), tolerated \(tolerance.decimalString))"
        switch kind {
        case .paymentsVersusTotal: return "Payments differ from the total: \(numbers)"
        case .itemVATSumVersusVATTotal: return "Sum of item VAT differs from the VAT total: \(numbers)"
        case .itemVAT: return "VAT of item \((itemIndex ?? 0) + 1) differs from its rate: \(numbers)"
        case .linesVersusTotal: return "Sum of lines less discounts differs from the total: \(numbers)"
        }
    }
}

/// The consistency rules of ``ConsistencyWarning``.
public enum ConsistencyCheck {
    /// Every warning a receipt's numbers raise, in rule order.
    public static func warnings(for receipt: FiscalReceipt) -> [ConsistencyWarning] {
        let currency = receipt.total.currency
        func money(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: currency) }
        var warnings: [ConsistencyWarning] = []

        // Every payment row is optional: with none shown there is nothing to compare.
        let payments = receipt.payment.sumMinorUnits
        if receipt.payment.isShown, payments != receipt.total.minorUnits {
            warnings.append(ConsistencyWarning(
                kind: .paymentsVersusTotal, expected: receipt.total, actual: money(payments), tolerance: money(0)))
        }

        var vatSum: Int64 = 0
        for item in receipt.items { vatSum = vatSum &+ item.vatAmount.minorUnits }
        let vatTolerance = Int64(receipt.items.count)
        if (vatSum &- receipt.vatTotal.minorUnits).magnitude > vatTolerance.magnitude {
            warnings.append(ConsistencyWarning(
                kind: .itemVATSumVersusVATTotal, expected: money(vatSum), actual: receipt.vatTotal,
                tolerance: money(vatTolerance)))
        }

        for (index, item) in receipt.items.enumerated() {
            guard let rate = item.vatRate, let expected = expectedVAT(for: item, rate: rate) else { continue }
            let actual = item.vatAmount.minorUnits
            if actual != expected.halfUp && actual != expected.truncated {
                warnings.append(ConsistencyWarning(
                    kind: .itemVAT, itemIndex: index, expected: money(expected.halfUp), actual: item.vatAmount,
                    tolerance: money(expected.halfUp - expected.truncated)))
            }
        }

        var lines: Int64 = 0
        for item in receipt.items { lines = lines &+ item.lineTotal.minorUnits &- item.discount.minorUnits }
        let linesTolerance: Int64 = 100
        if (lines &- receipt.total.minorUnits).magnitude > linesTolerance.magnitude {
            warnings.append(ConsistencyWarning(
                kind: .linesVersusTotal, expected: money(lines), actual: receipt.total,
                tolerance: money(linesTolerance)))
        }
        return warnings
    }

    /// VAT included in `(line total − discount)` at `rate` percent, rounded half-up and truncated, in minor
    /// units; `nil` when the numbers are out of range (negative rate, overflow).
    public static func expectedVAT(for item: ReceiptItem, rate: ExactDecimal) -> (halfUp: Int64, truncated: Int64)? {
        let base = item.lineTotal.minorUnits &- item.discount.minorUnits
        guard rate.significand >= 0, rate.scale <= 9 else { return nil }
        let hundred = 100 * ExactDecimal.power(rate.scale)
        let (numerator, overflow) = base.multipliedReportingOverflow(by: rate.significand)
        let (denominator, overflowD) = hundred.addingReportingOverflow(rate.significand)
        guard !overflow, !overflowD, denominator > 0 else { return nil }
        let sign: Int64 = numerator < 0 ? -1 : 1
        let magnitude = numerator.magnitude
        let truncated = Int64(magnitude / denominator.magnitude)
        let remainder = magnitude % denominator.magnitude
        let halfUp = remainder * 2 >= denominator.magnitude ? truncated + 1 : truncated
        return (sign * halfUp, sign * truncated)
    }
}
