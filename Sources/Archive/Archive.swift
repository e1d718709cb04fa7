/// The `Archive` module. See docs/DESIGN.md.
public enum ArchiveModule {}
