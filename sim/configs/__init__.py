"""Hydra configuration files shipped with the package (also reachable as ``configs/``)."""
