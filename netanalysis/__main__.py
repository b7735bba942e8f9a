"""``python -m netanalysis``: the command line."""

from netanalysis.cli import main

if __name__ == "__main__":
    main(prog_name="netanalysis")
