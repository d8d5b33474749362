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

A launcher that runs jobs in other processes (joblib) sends each batch of jobs a fresh
copy of the loader. The templates therefore live in the process, under the loader's
token, and not in the copy: a worker composes each group combination once per sweep,
not once per batch. A process keeps only the latest sweep's templates. (This module sits
outside ``hydra_plugins`` because Hydra's plugin scan imports those modules a second
time: the loader's class would then be sent by value with a fresh store every batch.)
"""

import copy
import pickle
import uuid
from typing import Any

import cloudpickle
from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.types import HydraContext
from omegaconf import DictConfig, OmegaConf, open_dict


class _Template:
    """A composed config and a fast way to copy it.

    Unpickling a stored pickle takes about 0.8 ms; a deep copy, used where the config
    does not pickle, about 6 ms.
    """

    def __init__(self, config: DictConfig) -> None:
        self.config = config
        try:  # cloudpickle: a class Hydra's plugin scan imported twice is sent by value
            self.blob: bytes | None = cloudpickle.dumps(config, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            self.blob = None

    def copy(self) -> DictConfig:
        """A copy that shares nothing with the template."""
        return pickle.loads(self.blob) if self.blob is not None else copy.deepcopy(self.config)


#: This process's templates, by loader token (only the latest token's are kept).
_TEMPLATES: dict[str, dict[tuple[str, ...], _Template]] = {}


def _templates_of(token: str) -> dict[tuple[str, ...], _Template]:
    if token not in _TEMPLATES:
        _TEMPLATES.clear()
        _TEMPLATES[token] = {}
    return _TEMPLATES[token]


class TemplateLoader:
    """A config loader that composes once per group combination (see the module docstring).

    Args:
        loader: Hydra's config loader; everything but ``load_sweep_config`` goes to it.
    """

    def __init__(self, loader: ConfigLoaderImpl) -> None:
        """Wrap ``loader``."""
        self.loader = loader
        self.token = uuid.uuid4().hex
        self.templates = _templates_of(self.token)
        self.groups: dict[str, bool] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without templates: the receiving process has its own (module docstring)."""
        return {"loader": self.loader, "token": self.token}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore, sharing the templates this process already holds for the same token."""
        self.loader, self.token = state["loader"], state["token"]
        self.templates = _templates_of(self.token)
        self.groups = {}

    def __getattr__(self, name: str) -> Any:
        """Everything else is the wrapped loader's."""
        if name == "loader":  # not yet set
            raise AttributeError(name)
        return getattr(self.loader, name)

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]) -> DictConfig:
        """The job's config: a copy of its group combination's template with its values set."""
        parsed = OverridesParser.create().parse_overrides(sweep_overrides)
        if any(o.package is not None or o.is_add() or o.is_force_add() or o.is_delete()
               for o in parsed):
            return self.loader.load_sweep_config(master_config, sweep_overrides)
        groups = tuple(str(o.input_line) for o in parsed if self._is_group(o.key_or_group))
        values = [o for o in parsed if not self._is_group(o.key_or_group)]
        template = self.templates.get(groups)
        if template is None:
            template = _Template(self.loader.load_sweep_config(master_config, list(groups)))
            self.templates[groups] = template
        cfg = template.copy()
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        app = [o for o in parsed if not o.is_hydra_override()]
        naming = cfg.hydra.job.config.override_dirname
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [o.input_line for o in app]
            cfg.hydra.overrides.hydra = [*template.config.hydra.overrides.hydra,
                                         *(o.input_line for o in parsed if o.is_hydra_override())]
            cfg.hydra.job.override_dirname = get_overrides_dirname(
                overrides=app, kv_sep=naming.kv_sep, item_sep=naming.item_sep,
                exclude_keys=naming.exclude_keys)
        OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
        return cfg

    def _is_group(self, key: str) -> bool:
        if key not in self.groups:
            self.groups[key] = self.loader.repository.group_exists(key.replace(".", "/"))
        return self.groups[key]


def with_templates(hydra_context: HydraContext) -> HydraContext:
    """``hydra_context`` with its config loader wrapped in a :class:`TemplateLoader`."""
    loader = hydra_context.config_loader
    if not isinstance(loader, ConfigLoaderImpl):
        return hydra_context
    # a TemplateLoader answers every ConfigLoader call Hydra makes (the rest it delegates)
    return HydraContext(config_loader=TemplateLoader(loader),  # type: ignore[arg-type]
                        callbacks=hydra_context.callbacks)
