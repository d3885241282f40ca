"""Root pytest configuration: the whole suite runs against the offline tutor model."""

import os

# Set before any test or notebook kernel starts, so a learner's .env with a real
# key never makes `make test` call a paid API. Kernels inherit this environment.
os.environ["MEMORY_LAB_OFFLINE"] = "1"
