"""`dprk-ld w3id`: the files of our folder in the w3id.org repository, for a deployment's address.

``dprk-ld w3id --target https://deployment.example/ > deploy/w3id/.htaccess`` writes the
redirect rules (src/dprk_ld/deploy/w3id.py); ``--readme`` writes the folder's README.md instead.
Without ``--target`` the address is the one `dprk-ld serve` would publish (``PUBLIC_URL``, else
``http://HOST:PORT/``, from the same settings and environment variables); the base and the
endpoint IRI are ``BASE_IRI`` and ``ENDPOINT_IRI``. The maintainer named in both files is the
publisher of ``<root>/data/dataset.yaml``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dprk_ld.cli.common import EXIT_ERROR, EXIT_OK

if TYPE_CHECKING:
    from dprk_ld.curation.publisher import Publisher



def _publisher(root: Path) -> Publisher | None:
    """The publisher named in ``root``'s data/dataset.yaml (None when there is none)."""
    from dprk_ld.curation.publisher import publisher_of
    from dprk_ld.curation.yamlio import read_yaml

    path = root / "data" / "dataset.yaml"
    return publisher_of(read_yaml(path) or {}) if path.is_file() else None


def cmd_w3id(args: argparse.Namespace) -> int:
    from dprk_ld.curation.yamlio import YamlError
    from dprk_ld.deploy.w3id import folder_readme, htaccess
    from dprk_ld.web import settings
    from dprk_ld.web.documents import public_address

    try:
        values = settings.resolve(settings.from_env())
        target = args.target or public_address(values)
        base = args.base_iri or str(values["BASE_IRI"])
        publisher = _publisher(Path(args.root).resolve())
        if args.readme:
            text = folder_readme(target, base, publisher)
        else:
            text = htaccess(target, base, args.endpoint_iri or values["ENDPOINT_IRI"], publisher)
    except (ValueError, YamlError, OSError) as exc:
        print(f"dprk-ld w3id: {exc}", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(text)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("w3id", help="the .htaccess (or README.md) of our w3id.org folder, "
                       "sending our IRIs to a deployment")
    p.add_argument("--target", help="the deployment's address, https://host[:port]/ "
                   "(default: PUBLIC_URL, else http://HOST:PORT/)")
    p.add_argument("--base-iri", help="the w3id.org namespace (default: BASE_IRI)")
    p.add_argument("--endpoint-iri", help="the endpoint's IRI (default: ENDPOINT_IRI, else "
                   "BASE_IRI + sparql)")
    p.add_argument("--readme", action="store_true", help="write the folder's README.md instead")
    p.add_argument("--root", default=".", help="project folder holding data/dataset.yaml")
    p.set_defaults(func=cmd_w3id)
