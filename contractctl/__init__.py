"""contractctl: data contracts for Kafka event meshes, checked like code."""

__version__ = "0.1.0"
