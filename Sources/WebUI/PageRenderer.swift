import Mustache

/// Renders the page templates (compiled once, at startup).
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// Compiles every template; a template that does not parse is a programming error caught by the tests.
    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Templates.all {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// Renders the template `name` with `model`.
    func render(_ name: String, _ model: Any) -> String {
        library.render(model, withTemplate: name) ?? ""
    }
}
