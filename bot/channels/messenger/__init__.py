"""The Facebook Messenger channel (a Facebook Page's inbox, through Meta's Graph API)."""
