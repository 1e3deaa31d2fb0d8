"""Pages served by the app: the customer widget (`/widget.js`), its demo page, the agent console.

Plain HTML/CSS/JS package files, no build step; every page talks to the same /v1 API.
"""
