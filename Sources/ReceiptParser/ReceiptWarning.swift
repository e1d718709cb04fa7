import FiscalCore

/// Something worth a second look in a receipt that parsed: its own numbers disagree, or the page said something
/// twice or in a form that needed a rule.
public enum ReceiptWarning: Sendable, Hashable, CustomStringConvertible {
    /// The receipt's numbers disagree (``ConsistencyWarning``).
    case consistency(ConsistencyWarning)
    /// A label appears twice with different values; the first is kept.
    case duplicateLabel(label: String, kept: String, ignored: String)
    /// An item's VAT-rate cell says "no VAT" (`QQSsiz`, `Без НДС`): the rate is read as 0.
    case noVATRate(itemIndex: Int, text: String)

    /// The consistency warning, if this is one.
    public var consistency: ConsistencyWarning? {
        if case .consistency(let warning) = self { return warning }
        return nil
    }

    public var description: String {
        switch self {
        case .consistency(let warning): warning.description
        case .duplicateLabel(let label, let kept, let ignored):
            "Label \"\(label)\" appears twice: kept \"\(kept.prefix(80))\", ignored \"\(ignored.prefix(80))\""
        case .noVATRate(let index, let text): "VAT rate of item \(index + 1) is \"\(text.prefix(40))\": read as 0"
        }
    }
}
