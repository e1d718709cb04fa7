/// The `Scheduler` module. See docs/DESIGN.md.
public enum SchedulerModule {}
