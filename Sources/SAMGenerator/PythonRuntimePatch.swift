/// The Python runtime patch, `runtime/python/sitecustomize.py`, compiled into the binary by SwiftPM (Package.swift:
/// `.embedInCode`, through the link `Resources/sitecustomize.py`) so that the `esb` binary works anywhere.
public enum PythonRuntimePatch {
    public static let source = String(decoding: PackageResources.sitecustomize_py, as: UTF8.self)
}
