/// The `ReceiptParser` module. See docs/DESIGN.md.
public enum ReceiptParserModule {}
