"""`hydra/launcher=fork`: a sweep's jobs in worker processes forked from the sweep's own.

Hydra's joblib launcher starts its workers as new interpreters (loky): each imports the
task's modules again (about a second here) and receives Hydra's state and each job's config
by pickle (tens of milliseconds a job), and the command waits for them to shut down. Forked
workers inherit all of it from the sweep's process, which has composed and checked every
job's config before launching (`hydra/sweeper=powershift`): a worker is ready in
milliseconds, receives only a job's number and overrides, and runs the job exactly as
Hydra's basic launcher does, in its own process. It needs the fork start method (Linux,
macOS; not Windows, where it says so).

Usage: `python -m experiments.run -m ... hydra/launcher=fork [hydra.launcher.n_jobs=N]`
(N as joblib counts it: by default, or -1, the CPUs the process may use; -2 all but one).
The code is in `_launcher.py`, which Hydra's plugin scan does not execute again (see
`hydra_plugins/powershift_sweeper`).
"""

from hydra_plugins.powershift_launcher._launcher import ForkLauncher, ForkLauncherConf

__all__ = ["ForkLauncher", "ForkLauncherConf"]
