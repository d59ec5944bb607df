"""scorereader: read a certification score report and plan the retake. Local and offline."""

__version__ = "0.1.0"
