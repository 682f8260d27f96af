#!/usr/bin/env python3
"""Keeps C and unsafe code inside the boundary modules (docs/architecture.md, "The C boundary").

Only the modules in BOUNDARY may import C modules (Glibc, the C shims, libcurl, libyaml, OpenSSL) or use
`Unsafe*` types, `withUnsafe*`, `unsafeBitCast` or `nonisolated(unsafe)`. Every other Swift target in
Package.swift must build with `pureSwift` (strict memory safety), so the compiler checks the same thing.
Also keeps the Manager's container operations behind its one backend interface (docs/scale-out.md, contract
§10): inside ManagerService, only WorkerBackend.swift (the conformance) and ManagerDaemon.swift (the one place the
Docker engine is chosen) may name `DockerClient`; everything else talks to `WorkerBackend`, so that a cluster
backend can be added without touching leases, pools or adoption.
Prints each violation as file:line and exits 1 if there is one.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOUNDARY = {"Posix", "BoxCrypto", "TLS", "YAML", "DockerEngine", "Reactor",
            "CLinuxShims", "COpenSSLShims", "CLibYAML", "CCurl"}
C_IMPORT = re.compile(r"^\s*(@preconcurrency\s+)?((public|internal|package|private|fileprivate)\s+)?import\s+"
                      r"(Glibc|Musl|Darwin|CLinuxShims|COpenSSLShims|CCurl|CLibYAML)\b")
UNSAFE = re.compile(r"\bUnsafe[A-Z]\w*|\bwithUnsafe\w*|\bunsafeBitCast\b|nonisolated\(unsafe\)")


def source_violations():
    found = []
    for module_dir in sorted((ROOT / "Sources").iterdir()):
        if not module_dir.is_dir() or module_dir.name in BOUNDARY:
            continue
        for path in sorted(module_dir.rglob("*.swift")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("//", 1)[0]
                if C_IMPORT.search(code) or UNSAFE.search(code):
                    found.append(f"{path.relative_to(ROOT)}:{number}: C or unsafe code outside the boundary: {line.strip()}")
    return found


BACKEND_MODULE = "ManagerService"
BACKEND_CHOSEN_IN = {"WorkerBackend.swift", "ManagerDaemon.swift"}
DOCKER_CLIENT = re.compile(r"\bDockerClient\b")


def backend_violations():
    found = []
    for path in sorted((ROOT / "Sources" / BACKEND_MODULE).rglob("*.swift")):
        if path.name in BACKEND_CHOSEN_IN:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0]
            if DOCKER_CLIENT.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: the Docker engine named outside the backend "
                             f"interface (use WorkerBackend): {line.strip()}")
    return found


def manifest_violations():
    """Every target outside the boundary declared in Package.swift builds with `pureSwift`."""
    text = (ROOT / "Package.swift").read_text(encoding="utf-8")
    found = []
    # Each declaration runs to the next one (a chunk may hold nested parentheses: `.product(...)`).
    chunks = re.split(r"(?=\.(?:target|executableTarget|testTarget|systemLibrary)\()", text)
    for chunk in chunks:
        match = re.match(r"\.(target|executableTarget)\(\s*name:\s*\"([^\"]+)\"", chunk)
        if not match:
            continue
        name, body = match.group(2), chunk
        if name in BOUNDARY or "path: \"Tests/" in body or "path: \"bench/" in body:
            continue
        if "swiftSettings: pureSwift" not in body:
            found.append(f"Package.swift: target {name} is outside the C boundary but does not build with pureSwift")
    return found


DOCKER_FREE = {"esb-gateway": {"DockerEngine", "CCurl"}}


def target_dependencies():
    """{target: names of the targets it depends on} from Package.swift (products of other packages left out)."""
    text = (ROOT / "Package.swift").read_text(encoding="utf-8")
    graph = {}
    for chunk in re.split(r"(?=\.(?:target|executableTarget|testTarget|systemLibrary)\()", text):
        match = re.match(r"\.\w+\(\s*name:\s*\"([^\"]+)\"", chunk)
        if not match:
            continue
        deps = re.search(r"dependencies:\s*\[(.*?)\]", chunk, re.S)
        names = re.sub(r"\.product\([^)]*\)", "", deps.group(1)) if deps else ""
        graph[match.group(1)] = set(re.findall(r"\"([^\"]+)\"", names))
    return graph


def docker_access_violations():
    """Contract §1: the Gateway holds no Docker access; only the Manager (and the CLI) link the Docker engine client
    (docs/architecture.md). Checked on the dependency closure, so an indirect path counts too."""
    graph = target_dependencies()
    found = []
    for root, forbidden in DOCKER_FREE.items():
        if root not in graph:
            found.append(f"Package.swift: target {root} not found")
            continue
        seen, stack = set(), [root]
        while stack:
            for dep in graph.get(stack.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        for name in sorted(seen & forbidden):
            found.append(f"Package.swift: {root} depends on {name}: the Gateway holds no Docker access (contract §1)")
    return found


def main():
    problems = source_violations() + manifest_violations() + backend_violations() + docker_access_violations()
    for problem in problems:
        print(problem)
    if problems:
        print(f"FAIL: {len(problems)} boundary violation(s); see docs/architecture.md, \"The C boundary\", and docs/scale-out.md")
        return 1
    print("C boundary: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
