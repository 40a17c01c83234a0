"""Entry points that run the model: `python -m experiments.run` (Hydra)."""
