"""`hydra/sweeper=powershift`: Hydra's basic sweeper, composing each job once, not twice.

Hydra's `BasicSweeper` composes every job of a batch before launching any, so that an unknown
option or a value of the wrong type fails the sweep before its first job
(`validate_batch_is_legal`); the launcher then composes each job again to run it. A
composition of this project's config takes about 0.06 s, some 8% of a 10-replicate job, and
a sweep of thousands of jobs waits minutes before its first (Hydra issue 1324).
This sweeper composes each job once, and most jobs in a few milliseconds: a job whose
overrides differ from an earlier job's only in plain values (`seed=3`, `model.shock_sd=0.1`)
starts from that job's config and sets its values as Hydra does (`KeptConfigs.compose`; the
tests check that the configs are the same as Hydra's, and any other job is composed by
Hydra). It keeps each job's config (pickled, about 20 kB, restored in about 3 ms), and the
launcher runs exactly that config instead of composing it again: the basic launcher
composes in this process and finds it kept here; the fork launcher's workers
(`hydra/launcher=fork`) inherit it; the joblib launcher composes in its workers, and the
config travels there with the job's overrides. (The submitit launchers compose in each
job's own process, as before.)

With the joblib launcher it also starts the worker processes (which import the task's
module, about a second) while it checks the batch, rather than after.

It is the default of `configs/config.yaml` (`override hydra/sweeper: powershift`) and takes
the basic sweeper's options (`hydra.sweeper.params`, `max_batch_size`). Hydra loads sweepers
only from the `hydra_plugins` namespace package, hence this folder. The code is in
`_sweeper.py`: Hydra's plugin scan executes this module again in every process that starts
Hydra (a joblib worker too), which must not reset the configs that arrived there, and skips
modules whose names start with "_".
"""

from hydra_plugins.powershift_sweeper._sweeper import PowershiftSweeper, PowershiftSweeperConf

__all__ = ["PowershiftSweeper", "PowershiftSweeperConf"]
