// Placeholder entry point until the manager lands.
print("esb-manager: not built yet")
