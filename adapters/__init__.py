"""What connects the ledger to the outside world, below every other layer but the domain:
settings (the only reader of the environment), the stores and their SQL, event-log
readers, transcodings, the tables people upload and download, and logs."""
