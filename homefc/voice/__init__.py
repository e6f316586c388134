"""Voice front ends: the Hermes MQTT protocol of Rhasspy and Snips-compatible satellites."""
