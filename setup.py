"""The build step that pyproject.toml cannot express.

The wheel carries the repository's top-level folders templates/, static/, migrations/
and checklists/, copied to compliance/_data/ (where compliance.FILES_ROOT finds them),
and the catalogues compiled from the committed .po files (the .mo files are never
committed). An editable install needs neither: it reads the checkout.
"""

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("templates", "static", "migrations", "checklists")


def compile_catalogues(source: Path, target: Path) -> None:
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalogue = read_po(f, locale=po.parents[1].name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as f:
            write_mo(f, catalogue, use_fuzzy=False)


class BuildWithFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "compliance"
        for name in SHIPPED:
            target = package / "_data" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        compile_catalogues(ROOT / "compliance" / "translations", package / "translations")


setup(cmdclass={"build_py": BuildWithFiles})
