"""Who publishes the dataset: name, web address, contact and where to report a correction.

All of it is read from the ``publisher`` block of ``data/dataset.yaml``, the one place a
deployment names itself; the defaults say "dprk-ld project" and invent no person or address.
The dataset description (DCAT, schema.org), the citations and the pages' "report a correction"
links all take it from :func:`publisher_of`. A release carries the block in its
``release.json`` (:meth:`Publisher.record`), so that the site it is served by reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_NAME = "dprk-ld project"
DEFAULT_HOMEPAGE = "https://w3id.org/dprk-ld/"
FIELDS = ("name", "homepage", "email", "contact_url", "corrections_url")
#: the site's page on how to report a correction (``/corrections?about=<IRI>``)
CORRECTIONS_PAGE = "/corrections"


@dataclass(frozen=True)
class Publisher:
    name: str = DEFAULT_NAME
    homepage: str = DEFAULT_HOMEPAGE
    email: str | None = None  # a contact mailbox, when the deployment has one
    contact_url: str | None = None  # a contact page or form
    corrections_url: str | None = None  # where a reader reports a correction (a form or tracker)

    @property
    def contact(self) -> str:
        """The best way to reach the publisher: the mailbox, the contact page, or the homepage."""
        return f"mailto:{self.email}" if self.email else (self.contact_url or self.homepage)

    def correction_link(self, about: str, label: str) -> str:
        """Where to report a correction to ``about`` (an IRI), named ``label``: the corrections
        address if there is one (with the IRI appended as ``?about=`` for a web form), else a
        mail to the contact, else the site's page that says how to report one
        (:data:`CORRECTIONS_PAGE`, which names the contact page when there is one)."""
        from urllib.parse import quote

        if self.corrections_url:
            sep = "&" if "?" in self.corrections_url else "?"
            return f"{self.corrections_url}{sep}about={quote(about, safe='')}"
        if self.email:
            subject = quote(f"Correction: {label}", safe="")
            body = quote(f"About {about}\n\nWhat is wrong, and the source that shows it:\n", safe="")
            return f"mailto:{self.email}?subject={subject}&body={body}"
        return f"{CORRECTIONS_PAGE}?about={quote(about, safe='')}"

    def record(self) -> dict[str, str]:
        """The fields that are set, as a ``publisher`` block :func:`publisher_of` reads back."""
        return {key: value for key in FIELDS if (value := getattr(self, key))}


class PublisherError(ValueError):
    """The publisher block of dataset.yaml is not usable; the message names the field."""


def publisher_of(dataset: Mapping[str, object]) -> Publisher:
    """The publisher named in ``dataset`` (dataset.yaml as read). A plain string under
    ``publisher`` is taken as the name; a mapping may give any of :data:`FIELDS`."""
    raw = dataset.get("publisher")
    if raw is None:
        return Publisher()
    if isinstance(raw, str):
        return Publisher(name=raw.strip() or DEFAULT_NAME)
    if not isinstance(raw, Mapping):
        raise PublisherError("publisher: expected a name or a mapping of " + ", ".join(FIELDS))
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise PublisherError(f"publisher: unknown field(s) {', '.join(unknown)}; "
                             f"the fields are {', '.join(FIELDS)}")
    values = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip()}
    for key in ("homepage", "contact_url", "corrections_url"):
        if key in values and not values[key].startswith(("https://", "http://")):
            raise PublisherError(f"publisher.{key}: {values[key]!r} is not an http(s) address")
    if "email" in values and ("@" not in values["email"] or " " in values["email"]):
        raise PublisherError(f"publisher.email: {values['email']!r} is not an e-mail address")
    return Publisher(**values)
