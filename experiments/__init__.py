"""Hydra entry points that run the model and record its outcomes (see docs/experiments.md).

`python -m experiments.run` runs one parameter point or, with `-m`, a sweep; `python -m
experiments.collect DIR` merges a sweep into tidy tables; `python -m experiments.report DIR`
prints and draws them. `schema` types the configs from `sim`'s registries, `store` keeps
job folders complete or visibly not, `sweep` lists, checks and reports a sweep's jobs.
"""
