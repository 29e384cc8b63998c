"""The Zalo Bot Platform channel (bot-api.zaloplatforms.com: webhook or getUpdates polling)."""
