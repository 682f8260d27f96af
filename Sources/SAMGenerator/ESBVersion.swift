/// The version `esb --version` prints.
public enum ESBVersion {
    public static let current = "0.1.0"
}
