"""One composition per combination of config groups, then values set on a copy.

Hydra composes every job of a sweep from scratch: it builds the defaults tree, merges
every config file and only then sets the command line's values. Jobs that choose the
same config groups differ only in those values, so :class:`TemplateLoader` composes each
combination of group choices once (a template, by Hydra itself), and for each job copies
it and applies the job's value overrides with Hydra's own function, recording the job's
overrides and override_dirname as Hydra would. The result is the config Hydra composes;
a test compares the two. Anything but plain ``key=value`` overrides (a package, ``+``,
``++`` or ``~``) goes to Hydra's own composition.

Templates are composed by Hydra afresh and only ever copied, so nothing one job sets can
reach another (Hydra's merge shares nodes with the files it loaded, which is why its
file cache must not outlive a composition).
"""

import copy
from typing import Any

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import HydraContext
from omegaconf import DictConfig, OmegaConf, open_dict


class TemplateLoader:
    """A config loader that composes once per group combination (see the module docstring).

    Args:
        loader: Hydra's config loader; everything but ``load_sweep_config`` goes to it.
    """

    def __init__(self, loader: ConfigLoaderImpl) -> None:
        """Wrap ``loader``."""
        self.loader = loader
        self.templates: dict[tuple[str, ...], DictConfig] = {}

    def __getattr__(self, name: str) -> Any:
        """Everything else is the wrapped loader's."""
        if name == "loader":  # not yet set (while unpickling)
            raise AttributeError(name)
        return getattr(self.loader, name)

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]) -> DictConfig:
        """The job's config: a copy of its group combination's template with its values set."""
        parsed = OverridesParser.create().parse_overrides(sweep_overrides)
        if any(o.package is not None or o.is_add() or o.is_force_add() or o.is_delete()
               for o in parsed):
            return self.loader.load_sweep_config(master_config, sweep_overrides)
        groups = tuple(o.input_line for o in parsed if self._is_group(o.key_or_group))
        values = [o for o in parsed if not self._is_group(o.key_or_group)]
        template = self.templates.get(groups)
        if template is None:
            template = self.loader.load_sweep_config(master_config, list(groups))
            self.templates[groups] = template
        cfg = copy.deepcopy(template)
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        app = [o for o in parsed if not o.is_hydra_override()]
        naming = cfg.hydra.job.config.override_dirname
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [o.input_line for o in app]
            cfg.hydra.overrides.hydra = [*template.hydra.overrides.hydra,
                                         *(o.input_line for o in parsed if o.is_hydra_override())]
            cfg.hydra.job.override_dirname = get_overrides_dirname(
                overrides=app, kv_sep=naming.kv_sep, item_sep=naming.item_sep,
                exclude_keys=naming.exclude_keys)
        OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
        return cfg

    def _is_group(self, key: str) -> bool:
        return self.loader.repository.group_exists(key.replace(".", "/"))


def with_templates(hydra_context: HydraContext) -> HydraContext:
    """``hydra_context`` with its config loader wrapped in a :class:`TemplateLoader`."""
    loader = hydra_context.config_loader
    if not isinstance(loader, ConfigLoaderImpl):
        return hydra_context
    return HydraContext(config_loader=TemplateLoader(loader), callbacks=hydra_context.callbacks)
