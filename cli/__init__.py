"""The `jobaid` command line: every command-line entry, and nothing else."""
