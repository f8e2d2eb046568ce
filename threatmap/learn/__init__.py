"""Training the threat model: gold files to examples (dataset.py), grouped cross-validation and fitting (train.py)."""
