/// The `ReceiptFetcher` module. See docs/DESIGN.md.
public enum ReceiptFetcherModule {}
