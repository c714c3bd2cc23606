"""The designer_assets tag turns Vite's manifest into script and style tags."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from designer.templatetags.designer_assets import BundleMissing, designer_assets, entry_files

MANIFEST = {
    "src/main.tsx": {
        "file": "assets/main-abc123.js",
        "name": "main",
        "src": "src/main.tsx",
        "isEntry": True,
        "dynamicImports": ["src/util/exportImage.ts"],
        "css": ["assets/main-def456.css"],
    },
    "src/util/exportImage.ts": {"file": "assets/exportImage-x1.js", "isDynamicEntry": True},
}


@pytest.fixture
def static_dir(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.STATICFILES_DIRS = [tmp_path]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATIC_URL = "/static/"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return tmp_path


def write_manifest(static_dir: Path, manifest: dict) -> None:
    path = static_dir / "designer" / ".vite" / "manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest))


def test_the_entry_script_and_its_stylesheet_come_from_the_manifest(static_dir: Path) -> None:
    write_manifest(static_dir, MANIFEST)

    html = designer_assets()

    assert html == (
        '<link rel="stylesheet" href="/static/designer/assets/main-def456.css">'
        '<script type="module" src="/static/designer/assets/main-abc123.js"></script>'
    )


def test_a_rebuilt_bundle_is_picked_up_without_a_restart(static_dir: Path) -> None:
    write_manifest(static_dir, MANIFEST)
    assert entry_files()[0] == "designer/assets/main-abc123.js"

    rebuilt = {"src/main.tsx": {**MANIFEST["src/main.tsx"], "file": "assets/main-new999.js"}}
    write_manifest(static_dir, rebuilt)
    manifest = static_dir / "designer" / ".vite" / "manifest.json"
    stat = manifest.stat()
    os.utime(manifest, (stat.st_atime, stat.st_mtime + 5))

    assert entry_files()[0] == "designer/assets/main-new999.js"


def test_a_missing_bundle_renders_a_visible_note_instead_of_failing(static_dir: Path) -> None:
    with pytest.raises(BundleMissing):
        entry_files()

    html = designer_assets()

    assert 'role="alert"' in html
    assert "npm ci &amp;&amp; npm run build" in html


def test_a_manifest_without_the_entry_counts_as_missing(static_dir: Path) -> None:
    write_manifest(static_dir, {"other.ts": {"file": "assets/other.js"}})

    with pytest.raises(BundleMissing):
        entry_files()
