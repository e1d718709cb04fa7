/// The `Reports` module. See docs/DESIGN.md.
public enum ReportsModule {}
