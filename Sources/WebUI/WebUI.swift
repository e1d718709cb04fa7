/// The `WebUI` module. See docs/DESIGN.md.
public enum WebUIModule {}
