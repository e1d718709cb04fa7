/// The `Sync` module. See docs/DESIGN.md.
public enum SyncModule {}
