"""A tiny Hydra app whose sweeps go through the SALib sweeper: the Ishigami function."""
