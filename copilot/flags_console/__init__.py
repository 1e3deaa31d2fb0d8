"""The content-owner flags console: one HTML page with its script and styles, no build step."""
