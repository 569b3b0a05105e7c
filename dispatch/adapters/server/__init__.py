"""The dispatch server: owns the state, applies commands, persists, publishes the feed."""
