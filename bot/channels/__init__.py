"""Channel adapters: each translates one platform's messages to and from the neutral core types."""
