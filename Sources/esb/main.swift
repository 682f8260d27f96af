// Placeholder entry point until the CLI lands.
print("esb: not built yet")
