/// The version `esb --version` prints.
public enum ESBVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
