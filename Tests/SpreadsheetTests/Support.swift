import Foundation

/// The committed fixture workbooks (made by scripts/make-xlsx-fixtures.py with LibreOffice and openpyxl).
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return Array(try Data(contentsOf: url))
    }

    struct FixtureMissing: Error { var name: String }
}
