import ArgumentParser

/// The folder `esb generate` wrote, as `build`, `provision` and `deploy` take it: `--dir DIR`, with the older
/// `--config DIR` kept as an alias (for `generate`, `--config` names a generator.yml: the folder has its own
/// name now). Default `.esb`, generate's default output when run next to the template (docs/cli.md).
struct ProjectDirectory: ParsableArguments {
    @Option(
        name: [.customLong("dir"), .customLong("config")],
        help: ArgumentHelp(
            "The folder esb generate wrote (default: .esb). --config is the older spelling.", valueName: "DIR"))
    var directory: String?

    var path: String { directory ?? ".esb" }
}
