"""MQTT: the broker connection, discovery import, the executor and the simulated home."""
