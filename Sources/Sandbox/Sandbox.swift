/// The `Sandbox` module. See docs/DESIGN.md.
public enum SandboxModule {}
