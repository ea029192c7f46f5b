"""dprk-ld: linked data of human-rights findings about North Korea."""

__version__ = "0.1.0"
