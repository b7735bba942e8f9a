"""The Jinja2 environment of the package's HTML templates (``present/templates/``).

Shared by the network map (:mod:`netanalysis.present.maps`) and the case report
(:mod:`netanalysis.present.report`): every value is HTML-escaped (``autoescape``) and a name
missing from the context is an error, not an empty string.
"""

from __future__ import annotations

import jinja2

__all__ = ["template_environment"]


def template_environment():
    """Return a Jinja2 environment loading ``netanalysis/present/templates``, autoescaping.

    Parameters
    ----------
    None

    Returns
    -------
    jinja2.Environment
        Escapes every value and raises on an undefined name (``StrictUndefined``).

    See Also
    --------
    netanalysis.present.maps.network_map : renders ``network.html`` with it.

    Examples
    --------
    >>> env = template_environment()
    >>> env.from_string("<b>{{ x }}</b>").render(x="<script>")
    '<b>&lt;script&gt;</b>'
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader("netanalysis.present", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined)
