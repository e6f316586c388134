"""Evaluation: held-out cases, a strict scorer and reports."""
