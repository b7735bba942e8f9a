"""Inline display in notebooks (Jupyter, JupyterLab, VS Code, Colab).

A map or a report is a whole HTML page with its own scripts. Notebook front ends do not run
scripts pasted into an output cell the same way (JupyterLab and VS Code sanitise them, Colab
isolates each output), so the page is shown the way that works in all of them: an
``<iframe srcdoc="...">`` whose attribute holds the page, HTML-escaped. The frame is
sandboxed with ``allow-scripts`` only: the map's own script runs, but the page gets an opaque
origin, so it can read neither the notebook nor its cookies, and it cannot navigate the
notebook, open pop-ups or submit forms. The page's Content-Security-Policy still forbids
every request.

:func:`network_map` and :func:`write_report` return a :class:`HtmlPage`: the dict they always
returned, which a notebook displays as the page itself.
"""

from __future__ import annotations

import html
from pathlib import Path

__all__ = ["HtmlPage", "iframe_html"]


def iframe_html(page, *, height="820px", title="netanalysis"):
    """Return an ``<iframe>`` that shows the HTML `page` inline, sandboxed.

    Parameters
    ----------
    page : str
        A complete HTML document.
    height : str
        CSS height of the frame.
    title : str
        Accessible title of the frame.

    Returns
    -------
    str

    See Also
    --------
    HtmlPage : shows its page with this.

    Examples
    --------
    >>> frame = iframe_html('<p title="a">x & y</p>', height="200px")
    >>> frame.startswith('<iframe srcdoc="&lt;p title=&quot;a&quot;&gt;x &amp; y')
    True
    >>> 'sandbox="allow-scripts"' in frame
    True
    """
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
            f'title="{html.escape(str(title), quote=True)}" '
            f'style="width: 100%; height: {html.escape(str(height), quote=True)}; border: 0" '
            'loading="lazy"></iframe>')


class HtmlPage(dict):
    """What a map or report call returns: a dict of facts, shown inline by notebooks.

    Parameters
    ----------
    info : dict
        Must hold ``path``, the HTML file written.
    height : str
        CSS height of the inline frame.

    See Also
    --------
    iframe_html : how the page is shown inline.

    Examples
    --------
    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "x.html"
    >>> _ = p.write_text("<!DOCTYPE html><p>hi</p>")
    >>> page = HtmlPage({"path": p, "nodes": 1})
    >>> page["nodes"], "srcdoc=" in page._repr_html_()
    (1, True)
    """

    def __init__(self, info, *, height="820px"):
        super().__init__(info)
        self.height = height

    def html(self):
        """Return the page as written."""
        return Path(self["path"]).read_text("utf-8")

    def _repr_html_(self):
        extra = 30 if str(self.height).endswith("px") else 0
        height = (f"{int(float(str(self.height)[:-2])) + extra}px" if extra else self.height)
        return iframe_html(self.html(), height=height, title=Path(self["path"]).name)
