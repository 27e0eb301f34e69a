"""One module per command (group). Each exposes ``register(app)``; ``icx.cli.app`` finds them."""
