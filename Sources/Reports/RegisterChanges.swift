import Foundation

/// What changed in a month's CSV register between an exported revision and a newer one: rows added, rows removed,
/// and rows whose amounts, status or receipt changed.
///
/// Rows are matched by `occurred_at`, `event` and `transaction_id` (the register is ordered by time, so both files
/// are read as a stream, one second at a time, and memory stays flat).
public struct RegisterChanges: Sendable, Hashable {
    /// One changed cell.
    public struct Field: Sendable, Hashable {
        public var column: String
        public var before: String
        public var after: String
    }

    /// One changed row.
    public struct Change: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case added, removed, changed
        }

        public var kind: Kind
        public var event: String
        public var transactionID: String
        public var occurredAt: String
        /// For `changed`: the cells that differ.
        public var fields: [Field]
    }

    /// The revision compared against (1 = the first export).
    public var previousRevision: Int
    /// How many rows of each kind.
    public var counts: [Change.Kind: Int]
    /// The first ``detailLimit`` changes, in register order.
    public var details: [Change]
    /// The most changes kept in ``details``.
    public var detailLimit: Int

    /// Whether nothing changed.
    public var isEmpty: Bool { counts.values.allSatisfy { $0 == 0 } }

    /// How many of one kind.
    public func count(of kind: Change.Kind) -> Int { counts[kind] ?? 0 }

    /// Compares two CSV registers written by ``ReportGenerator/writeCSV(month:source:language:asOf:to:)``.
    public static func between(
        previous: String, current: String, previousRevision: Int, detailLimit: Int = 1_000
    ) throws -> RegisterChanges {
        var changes = RegisterChanges(
            previousRevision: previousRevision, counts: [.added: 0, .removed: 0, .changed: 0], details: [],
            detailLimit: detailLimit)
        let old = try CSVRowStream(path: previous)
        let new = try CSVRowStream(path: current)
        guard old.header == new.header else {
            throw ReportError(code: .output, message: "The two registers have different columns", path: previous)
        }
        let header = old.header
        guard let time = header.firstIndex(of: "occurred_at"), let event = header.firstIndex(of: "event"),
            let id = header.firstIndex(of: "transaction_id")
        else { throw ReportError(code: .output, message: "Not a register: no occurred_at/event/transaction_id", path: previous) }
        func key(_ row: [String]) -> String { row[event] + "|" + row[id] }
        var a = try old.group(by: time)
        var b = try new.group(by: time)
        while a != nil || b != nil {
            let left = a?.rows ?? []
            let right = b?.rows ?? []
            let order: Int
            if let x = a?.time, let y = b?.time { order = x < y ? -1 : (x > y ? 1 : 0) } else { order = a == nil ? 1 : -1 }
            if order < 0 {
                for row in left { changes.note(.removed, row, header: header, event: event, id: id, time: time) }
                a = try old.group(by: time)
            } else if order > 0 {
                for row in right { changes.note(.added, row, header: header, event: event, id: id, time: time) }
                b = try new.group(by: time)
            } else {
                var unmatched = right
                for row in left {
                    if let exact = unmatched.firstIndex(of: row) {
                        unmatched.remove(at: exact)
                    } else if let same = unmatched.firstIndex(where: { key($0) == key(row) }) {
                        let after = unmatched.remove(at: same)
                        var fields: [Field] = []
                        for (column, name) in header.enumerated() where row[column] != after[column] {
                            fields.append(Field(column: name, before: row[column], after: after[column]))
                        }
                        changes.note(.changed, after, header: header, event: event, id: id, time: time, fields: fields)
                    } else {
                        changes.note(.removed, row, header: header, event: event, id: id, time: time)
                    }
                }
                for row in unmatched { changes.note(.added, row, header: header, event: event, id: id, time: time) }
                a = try old.group(by: time)
                b = try new.group(by: time)
            }
        }
        return changes
    }

    private mutating func note(
        _ kind: Change.Kind, _ row: [String], header: [String], event: Int, id: Int, time: Int, fields: [Field] = []
    ) {
        counts[kind, default: 0] += 1
        guard details.count < detailLimit else { return }
        details.append(Change(kind: kind, event: row[event], transactionID: row[id], occurredAt: row[time], fields: fields))
    }

    /// The changes as a CSV file of their own (`change,event,transaction_id,occurred_at,column,before,after`), one
    /// line per changed cell (added and removed rows have one line with empty cells).
    public func csv() -> String {
        var text = "change,event,transaction_id,occurred_at,column,before,after\r\n"
        for change in details {
            let lead = [change.kind.rawValue, change.event, change.transactionID, change.occurredAt]
            if change.fields.isEmpty {
                text += RegisterCSV.join(lead + ["", "", ""])
            }
            for field in change.fields { text += RegisterCSV.join(lead + [field.column, field.before, field.after]) }
        }
        return text
    }
}

/// Reads an RFC 4180 CSV file row by row (quoted cells may hold commas, quotes and line breaks), skipping a BOM.
final class CSVRowStream {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var pending: [String]?
    /// The first row, without a byte-order mark.
    private(set) var header: [String] = []

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReportError(code: .output, message: "Cannot read the register", path: path)
        }
        self.handle = handle
        self.path = path
        var first = try nextRow() ?? []
        if let cell = first.first, cell.hasPrefix("\u{FEFF}") { first[0] = String(cell.dropFirst()) }
        header = first
    }

    deinit { try? handle.close() }

    private func byte() throws -> UInt8? {
        if position == buffer.count {
            guard !atEnd else { return nil }
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty {
                atEnd = true
                return nil
            }
            buffer = Array(chunk)
            position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// The next row, or `nil` at the end.
    func nextRow() throws -> [String]? {
        var cells: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var sawAny = false
        while let c = try byte() {
            sawAny = true
            if quoted {
                if c == UInt8(ascii: "\"") {
                    // A doubled quote is a quote; a single one closes the cell.
                    if let next = try byte() {
                        if next == UInt8(ascii: "\"") {
                            cell.append(c)
                        } else {
                            quoted = false
                            position -= 1
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(c)
                }
            } else if c == UInt8(ascii: "\"") {
                quoted = true
            } else if c == UInt8(ascii: ",") {
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
            } else if c == UInt8(ascii: "\n") {
                if cell.last == UInt8(ascii: "\r") { cell.removeLast() }
                cells.append(String(decoding: cell, as: UTF8.self))
                return cells
            } else {
                cell.append(c)
            }
        }
        guard sawAny else { return nil }
        if cell.last == UInt8(ascii: "\r") { cell.removeLast() }
        cells.append(String(decoding: cell, as: UTF8.self))
        return cells
    }

    /// The next run of rows with the same value in column `column` (the register is ordered by it).
    func group(by column: Int) throws -> (time: String, rows: [[String]])? {
        guard let first = try pending ?? nextRow() else { return nil }
        pending = nil
        guard first.count > column else {
            throw ReportError(code: .output, message: "A register row has \(first.count) cells", path: path)
        }
        var rows = [first]
        while let row = try nextRow() {
            if row.count > column && row[column] == first[column] {
                rows.append(row)
            } else {
                pending = row
                break
            }
        }
        return (first[column], rows)
    }
}
