"""The Zalo Official Account channel (OA API v3, OAuth v4 tokens, signed webhooks)."""
