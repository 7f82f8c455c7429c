"""One registry shape for every extension point: axpoc's own modules, then entry points, then run-time adds.

Families and KPIs are both found three ways (a module of axpoc's own package, an entry point of any installed
package, a ``register_*`` call); the loading, locking and error wording live here once, and each registry says
only what its items are, where its own modules are and how an item is checked.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import Generic, Protocol, TypeVar

from axpoc.errors import UserError


class Named(Protocol):
    """What every registered item has: the name a config or a call looks it up by."""

    name: str


T = TypeVar("T", bound=Named)


def entry_source(entry: metadata.EntryPoint) -> str:
    """How an entry point is named in a message: its line, its group and the package that declares it."""
    dist = entry.dist.name if entry.dist is not None else "an installed package"
    return f"entry point '{entry.name} = {entry.value}' (group {entry.group}) of {dist}"


class PluginRegistry(Mapping[str, T], Generic[T]):
    """Items by name, loaded on first use: every public module of ``package`` (its ``attribute``), then the
    entry points of ``group``, then what `add` registers at run time.

    Subclasses implement `check` (refuse an item with a `UserError` naming ``source``) and may override
    `names_in_order`. A failing load leaves the registry empty, so the next lookup says the error again
    instead of answering from half a registry.
    """

    def __init__(self, *, kind: str, package: str, attribute: str, group: str) -> None:
        self.kind = kind
        self.package = package
        self.attribute = attribute
        self.group = group
        self._items: dict[str, T] = {}
        self._loaded = False
        self._loading = False
        self._lock = threading.RLock()

    def check(self, item: object, *, source: str) -> T:
        """Return ``item`` if it may be registered; raise `UserError` naming ``source`` otherwise."""
        raise NotImplementedError

    def names_in_order(self, items: dict[str, T]) -> list[str]:
        """The order listings use; registration order unless a registry says otherwise."""
        return list(items)

    def __getitem__(self, name: str) -> T:
        self.load()
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        self.load()
        return iter(self.names_in_order(dict(self._items)))

    def __len__(self) -> int:
        self.load()
        return len(self._items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(self)})"

    def add(self, item: object, *, source: str, replace: bool = False) -> T:
        """Check ``item`` and register it; ``source`` names where it came from in error messages."""
        checked = self.check(item, source=source)
        name = checked.name
        with self._lock:
            if name in self._items and not replace:
                raise UserError(
                    f"{source}: a {self.kind} named '{name}' is already registered; choose another name or pass "
                    "replace=True."
                )
            self._items[name] = checked
        return checked

    def register(self, item: T, *, call: str, replace: bool = False) -> T:
        """`add` after the registry's own and plug-in items are loaded (``call`` names the caller)."""
        self.load()
        return self.add(item, source=f"{call}({getattr(item, 'name', item)!r})", replace=replace)

    def load(self) -> None:
        """Load axpoc's own items and the plug-ins once; a plug-in that registers while loading is let through."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:  # loading: a plug-in importing axpoc on the same thread
                return
            self._loading = True
            try:
                self._load_all()
                self._loaded = True
            except BaseException:
                self._items.clear()
                raise
            finally:
                self._loading = False

    def _load_all(self) -> None:
        package = importlib.import_module(self.package)
        folder = self.package.replace(".", "/")
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{self.package}.{info.name}")
            self.add_module_items(
                getattr(module, self.attribute, None), source=f"{folder}/{info.name}.py {self.attribute}"
            )
        for entry in sorted(metadata.entry_points(group=self.group), key=lambda e: e.name):
            source = entry_source(entry)
            try:
                item = entry.load()
            except Exception as exc:  # any import failure of a foreign package: said, not raised raw
                raise UserError(
                    f"{source}: loading it failed ({type(exc).__name__}: {exc}). Fix or uninstall that package."
                ) from exc
            self.add(item, source=source)

    def add_module_items(self, value: object, *, source: str) -> None:
        """Register what one of axpoc's own modules holds in ``attribute`` (one item by default)."""
        self.add(value, source=source)
