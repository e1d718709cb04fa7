import Archive
import ArchiveTestSupport
import FiscalCore
import Testing

/// What `migrate` reads: every row of a table exactly once, in key order, whatever the page size — including keys
/// of two columns, where a page boundary falls inside one receipt's items.
@Suite struct RowPagingTests {
    @Test(arguments: TestBackend.available) func pagesCoverEveryRowOnceInKeyOrder(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        for id in 1...3 { try await Sample.archive(store, TransactionID(Int64(id))) }
        let items = try #require(ArchiveTable.all.first { $0.name == "receipt_items" })
        #expect(items.key == ["receipt_id", "position"])
        let snapshot = try await store.rowSnapshot()
        var expected: [[Int64]] = []
        for receipt in 1...3 as ClosedRange<Int64> { for position in 0...1 as ClosedRange<Int64> { expected.append([receipt, position]) } }
        for size in [1, 3, 4, 1_000] {
            let table = ArchiveTable(
                items.name, key: items.key, pageSize: size, items.columns.map { ($0.name, $0.kind) })
            var keys: [[Int64]] = []
            var pages = 0
            try await snapshot.forEachPage(of: table) { (page) throws(ArchiveError) in
                pages += 1
                #expect(page.count <= size)
                for row in page {
                    keys.append(table.keyIndexes.map { index in
                        if case .integer(let value) = row[index] { value } else { -1 }
                    })
                }
            }
            #expect(keys == expected, "page size \(size)")
            #expect(pages == (6 + size - 1) / size, "page size \(size)")
        }
    }
}
