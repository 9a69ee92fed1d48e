"""The command line: translates arguments into use cases and results into Dutch text."""
