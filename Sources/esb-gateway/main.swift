// Placeholder entry point until the gateway lands.
print("esb-gateway: not built yet")
