import Foundation

/// When an operation whose answer was lost is checked again, as offsets from the call
/// (`FISCAL_ARCHIVE_SETTLE_CHECKS`, default `5s,30s,2m,10m,1h`).
///
/// The last offset closes the **settle window**: an operation whose effect PaySys has not shown by then is
/// concluded not done. Gateways apply calls late and report their status late, so no earlier look may conclude
/// that.
public struct SettleSchedule: Sendable, Hashable, CustomStringConvertible {
    /// Seconds after the call, strictly increasing, at least one.
    public let offsets: [Int64]

    /// The default: 5 s, 30 s, 2 min, 10 min, 1 h.
    public static let standard = SettleSchedule(validated: [5, 30, 120, 600, 3600])

    private init(validated offsets: [Int64]) { self.offsets = offsets }

    /// Creates a schedule from offsets in seconds; they must be positive and strictly increasing.
    public init(offsets: [Int64]) throws(SettleScheduleError) {
        guard !offsets.isEmpty else { throw SettleScheduleError("no offsets") }
        var previous: Int64 = 0
        for offset in offsets {
            guard offset > previous else {
                throw SettleScheduleError("offsets must be positive and increasing, got \(offsets.map(String.init).joined(separator: ","))")
            }
            previous = offset
        }
        self.offsets = offsets
    }

    /// Parses `5s,30s,2m,10m,1h` (units `s`, `m`, `h`; a bare number is seconds).
    public init(parsing text: String) throws(SettleScheduleError) {
        var offsets: [Int64] = []
        for part in text.split(separator: ",") {
            let item = part.trimmingCharacters(in: .whitespaces).lowercased()
            let multiplier: Int64
            let digits: Substring
            switch item.last {
            case "s": (multiplier, digits) = (1, item.dropLast())
            case "m": (multiplier, digits) = (60, item.dropLast())
            case "h": (multiplier, digits) = (3600, item.dropLast())
            default: (multiplier, digits) = (1, Substring(item))
            }
            guard let value = Int64(digits), value > 0, value <= 7 * 86_400 else {
                throw SettleScheduleError("\"\(part)\" is not a duration such as 5s, 2m or 1h (at most 7 days)")
            }
            offsets.append(value * multiplier)
        }
        try self.init(offsets: offsets)
    }

    /// Seconds from the call to the end of the settle window.
    public var window: Int64 { offsets[offsets.count - 1] }

    /// The first scheduled check after `now` for a call made at `calledAt`, or `nil` once the window has closed.
    public func nextCheck(after now: Int64, calledAt: Int64) -> Int64? {
        offsets.lazy.map { calledAt + $0 }.first { $0 > now }
    }

    public var description: String {
        offsets.map { offset in
            if offset % 3600 == 0 { return "\(offset / 3600)h" }
            if offset % 60 == 0 { return "\(offset / 60)m" }
            return "\(offset)s"
        }.joined(separator: ",")
    }
}

/// A settle schedule written wrongly.
public struct SettleScheduleError: Error, Sendable, CustomStringConvertible {
    public var problem: String
    init(_ problem: String) { self.problem = problem }
    public var description: String { "FISCAL_ARCHIVE_SETTLE_CHECKS: \(problem)" }
}
