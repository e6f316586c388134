"""Retraining pipeline: data built by the runtime's own prompt and retrieval code, LoRA, GGUF export."""
