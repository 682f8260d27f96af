// Placeholder so the target builds before its owner lands the real module; delete it when it does.
enum TelemetryPlaceholder {}
