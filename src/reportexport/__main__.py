"""`python -m reportexport`."""

from reportexport.cli import run

if __name__ == "__main__":
    run()
