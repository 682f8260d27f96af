import BoxCore

/// The version `esb --version` prints: the box's one version, the daemons' (`DaemonCommandLine.version`).
public enum ESBVersion {
    public static let current = DaemonCommandLine.version
}
