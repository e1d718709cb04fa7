/// The `PaySysClient` module. See docs/DESIGN.md.
public enum PaySysClientModule {}
