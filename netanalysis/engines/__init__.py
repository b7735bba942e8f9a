"""Engines that run the heavy stages of a case past one machine (``--engine spark``)."""

__all__: list[str] = []
